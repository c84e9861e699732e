#pragma once
// options: what a `sluice topic|produce|consume|group|txn` invocation asks for, as parsed from the
// command line (arguments.h). Plain values: the commands read them, nothing else owns them.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/ids.h"

namespace sluice::cli {

enum class output_format { table, json };

// A `k=v` argument (-X, -c, -H, --set) split at its first '='.
struct key_value {
    std::string key;
    std::string value;
    bool operator==(const key_value&) const = default;
};

// Options every command takes.
struct common_options {
    std::string brokers = "localhost:9092"; // -b, --brokers, --bootstrap-server
    output_format format = output_format::table;
    std::vector<key_value> properties; // -X: extra librdkafka properties, applied last
    bool verbose = false;              // librdkafka's own log lines on stderr
    int32_t timeout_ms = 30'000;       // admin requests, metadata, delivery
};

struct topic_create_options {
    std::string name;
    int32_t partitions = -1;         // -1: the broker's num.partitions (KIP-464)
    int16_t replication_factor = -1; // -1: the broker's default.replication.factor
    std::vector<key_value> configs;
};

struct topic_list_options {};

struct topic_describe_options {
    std::vector<std::string> names;
};

struct topic_delete_options {
    std::vector<std::string> names;
};

struct topic_alter_config_options {
    std::string name;
    std::vector<key_value> set;
    std::vector<std::string> remove; // --delete: back to the broker default
};

struct produce_options {
    std::string topic;
    std::optional<std::string> key;           // the same key for every record
    std::vector<key_value> headers;           // on every record
    std::optional<int32_t> partition;         // unset: the partitioner chooses
    std::optional<std::string> key_separator; // each line is "key SEP value"
    std::optional<std::string> file;          // unset: stdin
    std::optional<std::string> acks;          // "0", "1" or "all"
    std::optional<std::string> compression;   // none, gzip, snappy, lz4, zstd
};

// Where a consumer without a group starts in each partition.
struct start_at_end {};
struct start_at_beginning {};
struct start_at_offset {
    int64_t offset; // negative: that many records before the end
};
struct start_at_timestamp {
    int64_t timestamp_ms;
};
using start_position = std::variant<start_at_end, start_at_beginning, start_at_offset, start_at_timestamp>;

struct consume_options {
    std::string topic;
    std::optional<int32_t> partition;
    start_position start;
    std::optional<std::string> group;
    std::optional<int64_t> count;
    bool exit_at_end = false;
    bool print_key = false;
    bool print_headers = false;
    bool print_offset = false;
};

// Consumer group states, as ListGroups v4+ and DescribeGroups name them.
enum class group_state { preparing_rebalance, completing_rebalance, stable, dead, empty };

struct group_list_options {
    std::vector<group_state> states; // empty: every group
};

// What `group describe` shows in table form (JSON always has everything).
enum class group_describe_view { offsets, members, state };

struct group_describe_options {
    std::vector<std::string> names;
    group_describe_view view = group_describe_view::offsets;
};

struct group_delete_options {
    std::vector<std::string> names;
};

// `--topic T` (every partition) or `--topic T:0,2`.
struct topic_partitions {
    std::string topic;
    std::vector<int32_t> partitions; // empty: all of the topic's
    bool operator==(const topic_partitions&) const = default;
};

// Where `group reset-offsets` moves each partition's committed offset.
struct reset_to_earliest {};
struct reset_to_latest {};
struct reset_to_offset {
    int64_t offset;
};
struct reset_to_timestamp {
    int64_t timestamp_ms; // --to-datetime, resolved to milliseconds since the epoch
};
struct reset_shift_by {
    int64_t delta; // added to the committed offset
};
using reset_target = std::variant<reset_to_earliest, reset_to_latest, reset_to_offset, reset_to_timestamp, reset_shift_by>;

struct group_reset_offsets_options {
    std::string group;
    std::vector<topic_partitions> topics;
    bool all_topics = false; // instead of topics: every partition the group has an offset for
    reset_target target;
    bool execute = false; // false: a dry run, the plan is only printed
};

// `txn list`: ListTransactions on every broker, with the request's filters (KIP-664).
struct txn_list_options {
    std::vector<std::string> states;               // Kafka's names ("Ongoing"); empty: every state
    std::vector<model::producer_id> producer_ids;  // empty: every producer
    std::optional<int64_t> duration_ms;            // only those running longer (ListTransactions v1, KIP-994)
};

// `txn describe`: DescribeTransactions on the transactional id's coordinator.
struct txn_describe_options {
    std::string transactional_id;
};

using command = std::variant<topic_create_options, topic_list_options, topic_describe_options,
                             topic_delete_options, topic_alter_config_options, produce_options,
                             consume_options, group_list_options, group_describe_options, group_delete_options,
                             group_reset_offsets_options, txn_list_options, txn_describe_options>;

struct invocation {
    common_options common;
    command what;
};

} // namespace sluice::cli
