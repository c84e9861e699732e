#pragma once
// fake_broker: the scripted answers of the golden tests' capture server. Just enough of a
// one-node Kafka cluster for real clients to produce, consume in a group and commit:
//
// - ApiVersions advertises Sluice's API table (and answers a too-new version in v0 with
//   UNSUPPORTED_VERSION, KIP-511).
// - Metadata: one broker, itself (node 1 at 127.0.0.1:<port>); every topic a client names
//   exists with `partitions_per_topic` partitions led by node 1, and a random topic id.
// - Produce appends the batches to an in-memory log per partition (base offsets counting up
//   from 0); Fetch serves them back; ListOffsets answers earliest 0 / latest = end offset.
// - InitProducerId: producer id 1000, epoch 0. FindCoordinator: itself.
// - A trivial group per group id: the joining member is the only member and the leader, its
//   SyncGroup gets back its own assignment, commits are kept and returned by OffsetFetch.
//
// Every response is built with the generated response structs. Requests this script does not
// know close the connection, so the capture shows the test what the client sent.
//
// Called on the capture server's thread only (request_handler); holds no lock.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/uuid.h"
#include "golden/capture_server.h"

namespace sluice::golden {

struct fake_broker_options {
    uint16_t port = 0; // the capture server's, advertised in Metadata and FindCoordinator
    int32_t partitions_per_topic = 1;
};

class fake_broker final : public request_handler {
public:
    static constexpr int32_t node_id = 1;
    static constexpr int64_t producer_id = 1000;
    static constexpr int16_t producer_epoch = 0;

    explicit fake_broker(fake_broker_options options) : _options(options) {}
    handler_reply handle(const inbound_request& request) override;

private:
    struct partition_log {
        std::vector<protocol::bytes_value> batches; // base offsets already assigned
        int64_t end_offset = 0;
    };
    struct topic {
        uuid id;
        std::vector<partition_log> partitions;
    };
    struct group {
        int32_t generation = 0;
        std::string member_id;
        std::string protocol_name;
        protocol::bytes_value assignment; // the leader's assignment for its only member
        std::map<std::pair<std::string, int32_t>, int64_t> committed;
    };

    topic& topic_named(const std::string& name); // created on first mention
    const std::string* topic_name_of(const uuid& id) const;
    partition_log* find_partition(const std::string& topic, int32_t partition);

    handler_reply api_versions(const inbound_request& request);
    handler_reply metadata(const inbound_request& request);
    handler_reply find_coordinator(const inbound_request& request);
    handler_reply init_producer_id(const inbound_request& request);
    // fake_broker_log.cc
    handler_reply produce(const inbound_request& request);
    handler_reply fetch(const inbound_request& request);
    handler_reply list_offsets(const inbound_request& request);
    // fake_broker_group.cc
    handler_reply join_group(const inbound_request& request);
    handler_reply sync_group(const inbound_request& request);
    handler_reply heartbeat(const inbound_request& request);
    handler_reply leave_group(const inbound_request& request);
    handler_reply offset_commit(const inbound_request& request);
    handler_reply offset_fetch(const inbound_request& request);

    fake_broker_options _options;
    std::map<std::string, topic> _topics;
    std::map<std::string, group> _groups;
    int _members_created = 0;
};

} // namespace sluice::golden
