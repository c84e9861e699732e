// Metadata (key 3), v0-12. A cluster of one: this broker is the only broker and the
// controller. There is no topic registry yet, so every requested topic is unknown
// (UNKNOWN_TOPIC_OR_PARTITION; by id, UNKNOWN_TOPIC_ID) and "all topics" is empty.
// Auto-creation (auto.create.topics.enable) arrives with topic creation.
#include "protocol/generated/api_003_metadata.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::metadata_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::metadata_response response;
    msg::metadata_response::metadata_response_broker self;
    self.node_id = r.broker.node_id;
    self.host = r.broker.advertised_host;
    self.port = r.broker.advertised_port;
    self.rack = r.broker.rack;
    response.brokers.push_back(std::move(self));
    response.cluster_id = r.broker.cluster_id;
    response.controller_id = r.broker.node_id;
    // Null topics (v1+), or an empty list in v0, asks for every topic: there are none yet.
    if (req.topics.has_value()) {
        for (const auto& wanted : *req.topics) {
            msg::metadata_response::metadata_response_topic topic;
            topic.name = wanted.name;
            topic.topic_id = wanted.topic_id;
            // Kafka answers a lookup by id alone (name null, v10+) with UNKNOWN_TOPIC_ID.
            topic.error_code = wanted.name.has_value() ? error_code::unknown_topic_or_partition
                                                       : error_code::unknown_topic_id;
            response.topics.push_back(std::move(topic));
        }
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::metadata_response response;
    response.error_code = code; // only on the wire from v13 (KIP-1102)
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler metadata{3, 0, 12, handle, error_response};

} // namespace sluice::server::handlers
