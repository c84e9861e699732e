#include "cluster/topic_config_hooks.h"

#include <memory>

#include "cluster/topic_config.h"

namespace sluice::cluster {

void set_topic_config_hooks(controller_config& config, storage::properties broker) {
    auto props = std::make_shared<const storage::properties>(std::move(broker));
    config.validate_config = [](std::string_view key, std::string_view value) { return validate_topic_config(key, value); };
    config.validate_configs = [props](const storage::properties& overrides) {
        return validate_topic_configs(overrides, *props);
    };
    config.is_list_config = [](std::string_view key) {
        const topic_config_def* def = find_topic_config(key);
        return def != nullptr && def->type == config_type::list;
    };
    config.default_value = [props](std::string_view key) {
        const topic_config_def* def = find_topic_config(key);
        return def != nullptr ? resolve_topic_config(*def, *props, {}).value : std::string();
    };
}

} // namespace sluice::cluster
