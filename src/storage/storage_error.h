#pragma once
// Errors of the storage layer, as values (STYLE.md): file-system failures keep the errno they
// came from in spirit (ENOENT, ENOSPC, EIO...), log-level failures say which rule refused.
// Each maps to one Kafka error code at the server boundary (io errors: KAFKA_STORAGE_ERROR).
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "base/assert.h"

namespace sluice::storage {

enum class [[nodiscard]] storage_errc : uint8_t {
    none = 0,
    not_found,           // ENOENT
    already_exists,      // EEXIST
    no_space,            // ENOSPC, EDQUOT
    io_error,            // EIO and every other errno; a closed or crashed handle
    invalid_argument,    // EINVAL, a path that is not a directory, a bad size
    corrupt,             // a file's contents break its format (checkpoint, index)
    offset_out_of_range, // a read or lookup outside [log start, log end]
    batch_too_large,     // one batch larger than segment.bytes
    failed,              // the segment or log refused further writes after an unrepairable error
};

std::string_view to_string(storage_errc error) noexcept;

// A value or an error. Accessing the value of an error is a bug and aborts.
template <typename T>
class [[nodiscard]] result {
public:
    result(T value) : _value(std::move(value)) {} // NOLINT: implicit by design, like std::expected
    result(storage_errc error) noexcept : _error(error) {
        SLUICE_ASSERT(error != storage_errc::none, "an error result needs an error");
    }

    bool ok() const noexcept { return _error == storage_errc::none; }
    explicit operator bool() const noexcept { return ok(); }
    storage_errc error() const noexcept { return _error; }

    T& value() & { check(); return *_value; }
    const T& value() const& { check(); return *_value; }
    T&& value() && { check(); return std::move(*_value); }
    T* operator->() { check(); return &*_value; }
    const T* operator->() const { check(); return &*_value; }
    T& operator*() & { check(); return *_value; }
    const T& operator*() const& { check(); return *_value; }
    T&& operator*() && { check(); return std::move(*_value); }

private:
    void check() const noexcept { SLUICE_ASSERT(ok(), "value() of an error result"); }

    std::optional<T> _value;
    storage_errc _error = storage_errc::none;
};

} // namespace sluice::storage
