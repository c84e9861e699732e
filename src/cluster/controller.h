#pragma once
// controller: turns admin requests (create/delete topics, add partitions, alter topic
// configs, allocate producer ids) into metadata records, validated against the current image
// and the requests still in flight, proposes them as one entry (applied atomically) and
// answers once the entry is committed and applied — so a client that created a topic finds
// it in the next Metadata response. Kafka's QuorumController, for a cluster of one broker.
//
// Threads: every call may come from any thread; the work runs on the metadata log's apply
// thread (metadata_log::post), where the image and the pending sets are consistent, and
// `done` runs there too: callers post the result back to their own shard.
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/uuid.h"
#include "cluster/metadata_log.h"
#include "cluster/metadata_records.h"
#include "cluster/metadata_store.h"
#include "protocol/error_code.h"

namespace sluice::cluster {

// Kafka's KRaft metadata topic. Never a topic here: its partition 0 directory would be
// <log.dir>/__cluster_metadata-0, the metadata quorum's own, and deleting the topic would delete
// the quorum's log (every topic definition).
inline constexpr std::string_view cluster_metadata_topic = "__cluster_metadata";

struct controller_config {
    int32_t node_id = 1;
    int32_t default_partitions = 1;          // num.partitions
    int16_t default_replication_factor = 1;  // default.replication.factor
    bool delete_topic_enable = true;         // delete.topic.enable
    // max.partitions (Sluice): partitions in the cluster; creating more is refused with
    // INVALID_PARTITIONS. Each costs a log directory, descriptors and memory on its shard.
    int64_t max_partitions = 100'000;
    // A topic config's validity: an error message for INVALID_CONFIG (unknown key included),
    // nullopt when valid. Unset: every key and value accepted.
    std::function<std::optional<std::string>(std::string_view key, std::string_view value)> validate_config;
    // A topic's whole set of overrides once each key passed validate_config: the rules between
    // keys (min.compaction.lag.ms <= max.compaction.lag.ms, ...). Unset: any set accepted.
    std::function<std::optional<std::string>(const storage::properties& overrides)> validate_configs;
    // Whether a key is a LIST config (IncrementalAlterConfigs APPEND/SUBTRACT).
    std::function<bool(std::string_view key)> is_list_config;
    // A key's value when the topic does not override it (broker setting or default), the base
    // of APPEND/SUBTRACT.
    std::function<std::string(std::string_view key)> default_value;
};

struct admin_error {
    protocol::error_code code = protocol::error_code::none;
    std::optional<std::string> message;
    bool ok() const noexcept { return code == protocol::error_code::none; }
};

struct new_topic {
    std::string name;
    int32_t num_partitions = -1;      // -1: num.partitions
    int16_t replication_factor = -1;  // -1: default.replication.factor
    std::vector<std::vector<int32_t>> assignments; // manual replica assignment, by partition
    std::vector<std::pair<std::string, std::optional<std::string>>> configs;
};

struct create_topic_result {
    std::string name;
    admin_error error;
    uuid topic_id;
    int32_t num_partitions = -1;
    int16_t replication_factor = -1;
    storage::properties configs; // the overrides the topic was created with
};

struct topic_ref {
    std::optional<std::string> name; // by name, or by id when absent
    uuid id;
};

struct delete_topic_result {
    std::optional<std::string> name;
    uuid id;
    admin_error error;
};

struct new_partitions {
    std::string topic;
    int32_t count = 0;
    std::vector<std::vector<int32_t>> assignments; // for the new partitions only
};

// Kafka's AlterConfigOp: SET 0, DELETE 1, APPEND 2, SUBTRACT 3. Non-incremental AlterConfigs
// replaces the whole set of overrides (`replace_all`).
enum class config_op : int8_t { set = 0, remove = 1, append = 2, subtract = 3 };

struct config_change {
    std::string key;
    std::optional<std::string> value;
    config_op op = config_op::set;
};

struct alter_topic_configs {
    std::string topic;
    std::vector<config_change> changes;
    bool replace_all = false;
};

class controller {
public:
    controller(metadata_store& store, metadata_log& log, controller_config config);

    template <typename Result>
    using done_fn = std::function<void(std::vector<Result>)>;

    void create_topics(std::vector<new_topic> topics, bool validate_only, done_fn<create_topic_result> done);
    void delete_topics(std::vector<topic_ref> topics, done_fn<delete_topic_result> done);
    void create_partitions(std::vector<new_partitions> requests, bool validate_only, done_fn<admin_error> done);
    void alter_configs(std::vector<alter_topic_configs> requests, bool validate_only, done_fn<admin_error> done);
    // A block of `count` producer ids, unique across restarts: done(first id) or an error.
    void allocate_producer_ids(int32_t count, std::function<void(std::error_code, int64_t first)> done);

    const controller_config& config() const noexcept { return _config; }

    // Kafka's topic name rules; nullopt when valid.
    static std::optional<std::string> validate_topic_name(std::string_view name);

private:
    // Proposes `records` (nothing when empty) and calls finish(error) on the apply thread.
    void commit(std::vector<metadata_record> records, std::function<void(std::error_code)> finish);

    metadata_store& _store;
    metadata_log& _log;
    controller_config _config;
    // Apply thread only: names being created / ids being deleted by entries not yet applied,
    // partitions being added.
    std::set<std::string, std::less<>> _creating;
    std::set<uuid> _deleting;
    std::set<std::string, std::less<>> _altering;
    int64_t _pending_partitions = 0;
    int64_t _pending_producer_ids = 0; // next id beyond blocks proposed but not yet applied
};

} // namespace sluice::cluster
