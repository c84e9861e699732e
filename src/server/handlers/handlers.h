#pragma once
// One api_handler per API, each defined in handlers/<api>.cc. Register new ones in
// handler_table.cc.
#include "server/api_handler.h"

namespace sluice::server::handlers {

extern const api_handler api_versions;     // key 18, v0-4
extern const api_handler metadata;         // key 3, v0-12
extern const api_handler describe_cluster; // key 60, v0-1

// Data path: partitions on their owner shards.
extern const api_handler produce;                 // key 0, v0-12
extern const api_handler fetch;                   // key 1, v4-17
extern const api_handler list_offsets;            // key 2, v1-10
extern const api_handler delete_records;          // key 21, v0-2
extern const api_handler offset_for_leader_epoch; // key 23, v2-4
extern const api_handler describe_log_dirs;       // key 35, v1-4
extern const api_handler init_producer_id;        // key 22, v0-5
extern const api_handler describe_producers;      // key 61, v0

// Admin: topics and configs through the controller.
extern const api_handler create_topics;             // key 19, v2-7
extern const api_handler delete_topics;             // key 20, v1-6
extern const api_handler describe_configs;          // key 32, v1-4
extern const api_handler alter_configs;             // key 33, v0-2
extern const api_handler create_partitions;         // key 37, v0-3
extern const api_handler incremental_alter_configs; // key 44, v0-1
extern const api_handler describe_topic_partitions; // key 75, v0

// Groups: each group's requests on the shard owning its __consumer_offsets partition.
extern const api_handler find_coordinator; // key 10, v0-6
extern const api_handler offset_commit;    // key 8, v2-9
extern const api_handler offset_fetch;     // key 9, v1-9
extern const api_handler join_group;       // key 11, v0-9
extern const api_handler heartbeat;        // key 12, v0-4
extern const api_handler leave_group;      // key 13, v0-5
extern const api_handler sync_group;       // key 14, v0-5
extern const api_handler describe_groups;  // key 15, v0-5
extern const api_handler list_groups;      // key 16, v0-5
extern const api_handler delete_groups;    // key 42, v0-2
extern const api_handler offset_delete;    // key 47, v0
extern const api_handler txn_offset_commit; // key 28, v0-5 (KIP-98)
extern const api_handler consumer_group_heartbeat; // key 68, v0 (KIP-848)
extern const api_handler consumer_group_describe;  // key 69, v0 (KIP-848)

// Transactions: each transactional id's requests on the shard owning its __transaction_state
// partition (txn_routing.h).
extern const api_handler add_partitions_to_txn; // key 24, v0-5 (v5 served as v4)
extern const api_handler add_offsets_to_txn;    // key 25, v0-4
extern const api_handler end_txn;               // key 26, v0-5
extern const api_handler describe_transactions; // key 65, v0 (KIP-664)
extern const api_handler list_transactions;     // key 66, v0-1 (KIP-664, KIP-994)

} // namespace sluice::server::handlers
