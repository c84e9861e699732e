#pragma once
// group_state: the five states of a classic group and the transitions Kafka allows between
// them (ClassicGroupState, Kafka 4.0). Pure data; safe from any thread.
//
//   Empty ──join──▶ PreparingRebalance ──all joined──▶ CompletingRebalance ──leader sync──▶ Stable
//     ▲                 ▲   │ (no members left)            │                                │
//     └─────────────────┼───┘                              └──── member joins/leaves/dies ───┘
//                       └───────────────────────────────────────────────────────────────────┘
//   Any state ──group deleted / partition unloaded──▶ Dead
#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::coordinator {

enum class group_state : uint8_t { empty, preparing_rebalance, completing_rebalance, stable, dead };

// Kafka's names as DescribeGroups / ListGroups show them: "Empty", "PreparingRebalance", ...
std::string_view state_name(group_state s) noexcept;
// The state whose name equals `name` ignoring ASCII case (ListGroups' states filter).
std::optional<group_state> parse_state(std::string_view name) noexcept;
// Whether `to` may follow `from` (Kafka's validPreviousStates).
bool valid_transition(group_state from, group_state to) noexcept;

} // namespace sluice::coordinator
