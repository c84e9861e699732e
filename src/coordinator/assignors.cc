#include "coordinator/assignors.h"

namespace sluice::coordinator {

std::string_view assignor_name(assignor_kind kind) noexcept {
    switch (kind) {
    case assignor_kind::uniform: return "uniform";
    case assignor_kind::range: return "range";
    }
    return "unknown";
}

std::optional<assignor_kind> assignor_from_name(std::string_view name) noexcept {
    for (auto kind : {assignor_kind::uniform, assignor_kind::range}) {
        if (assignor_name(kind) == name) return kind;
    }
    return std::nullopt;
}

group_assignment assign(assignor_kind kind, const assignment_spec& spec) {
    switch (kind) {
    case assignor_kind::uniform: return assign_uniform(spec);
    case assignor_kind::range: return assign_range(spec);
    }
    return assign_uniform(spec);
}

} // namespace sluice::coordinator
