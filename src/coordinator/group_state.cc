#include "coordinator/group_state.h"

#include <array>

namespace sluice::coordinator {

namespace {

constexpr std::array<std::string_view, 5> names = {"Empty", "PreparingRebalance", "CompletingRebalance",
                                                   "Stable", "Dead"};

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

} // namespace

std::string_view state_name(group_state s) noexcept { return names[static_cast<size_t>(s)]; }

std::optional<group_state> parse_state(std::string_view name) noexcept {
    for (size_t i = 0; i < names.size(); ++i)
        if (equal_ignoring_case(name, names[i])) return static_cast<group_state>(i);
    return std::nullopt;
}

bool valid_transition(group_state from, group_state to) noexcept {
    using enum group_state;
    switch (to) {
    case empty: return from == preparing_rebalance;
    case preparing_rebalance: return from == stable || from == completing_rebalance || from == empty;
    case completing_rebalance: return from == preparing_rebalance;
    case stable: return from == completing_rebalance;
    case dead: return true;
    }
    return false;
}

} // namespace sluice::coordinator
