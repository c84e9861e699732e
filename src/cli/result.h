#pragma once
// result<T>: a value or the message saying why there is none. The CLI's failures all end as
// a line on stderr and exit code 1, so the error is the message itself.
#include <string>
#include <utility>
#include <variant>

#include "base/assert.h"

namespace sluice::cli {

struct failure {
    std::string message;
};

template <typename T>
class [[nodiscard]] result {
public:
    result(T value) : _state(std::move(value)) {}
    result(failure f) : _state(std::move(f)) {}

    bool ok() const noexcept { return _state.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& operator*() {
        SLUICE_ASSERT(ok(), "result: value of a failure");
        return std::get<0>(_state);
    }
    T* operator->() { return &**this; }
    const std::string& error() const {
        SLUICE_ASSERT(!ok(), "result: error of a value");
        return std::get<1>(_state).message;
    }

private:
    std::variant<T, failure> _state;
};

} // namespace sluice::cli
