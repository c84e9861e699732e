#pragma once
// handler_table: the api_handlers this broker serves, by API key. Immutable static data; any
// shard may read it.
#include <cstdint>
#include <span>

#include "server/api_handler.h"

namespace sluice::server {

class handler_table {
public:
    // Every handler in handlers/, checked against the API table (a handler's range must lie
    // within what the definitions describe).
    static const handler_table& instance();

    // nullptr when the API has no handler (yet).
    const api_handler* find(int16_t api_key) const noexcept;
    std::span<const api_handler* const> all() const noexcept { return {_handlers, _count}; }

    // The versions advertised in ApiVersions for `h`: its range intersected with the API
    // table's advertised range. False when the intersection is empty.
    static bool advertised_range(const api_handler& h, int16_t& min_version, int16_t& max_version) noexcept;

private:
    handler_table();
    static constexpr size_t capacity = 128;
    const api_handler* _handlers[capacity] = {};
    size_t _count = 0;
    const api_handler* _by_key[capacity] = {};
};

} // namespace sluice::server
