#pragma once
// topic_config_hooks: the controller's config rules (controller_config's validate_config,
// validate_configs, is_list_config, default_value) taken from the topic config table, for a
// broker with the given static properties. The app builds its controller with them; so do
// the tests that want Kafka's validation.
#include "cluster/controller.h"
#include "storage/log_settings.h"

namespace sluice::cluster {

// Sets the four hooks of `config`:
//  - validate_config: validate_topic_config (unknown keys and bad values are INVALID_CONFIG);
//  - validate_configs: validate_topic_configs over `broker` (the rules between keys);
//  - is_list_config: the key is a topic config of type LIST (APPEND/SUBTRACT allowed);
//  - default_value: resolve_topic_config without overrides (broker synonym, else Kafka's
//    default), the base APPEND/SUBTRACT start from when the topic has no override.
// `broker` must have passed validate_broker_configs; the hooks keep their own copy and may
// run on any thread.
void set_topic_config_hooks(controller_config& config, storage::properties broker);

} // namespace sluice::cluster
