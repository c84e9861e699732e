// DescribeCluster (key 60), v0-1 (KIP-700; v1 adds the endpoint type, KIP-919). A cluster of
// one: this broker, also the controller. Authorized operations are not computed until ACLs
// exist (the "not requested" sentinel is returned).
#include "protocol/generated/api_060_describe_cluster.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

constexpr int8_t endpoint_type_broker = 1;
constexpr int8_t endpoint_type_controller = 2;

asio::awaitable<handler_outcome> handle(request& r) {
    msg::describe_cluster_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::describe_cluster_response response;
    response.endpoint_type = endpoint_type_broker;
    if (req.endpoint_type == endpoint_type_controller) {
        // KIP-919: asking a broker listener for controllers is the wrong endpoint type.
        response.error_code = error_code::mismatched_endpoint_type;
        response.error_message = "The request was sent to a broker endpoint, not a controller endpoint.";
        co_return respond(r, response);
    }
    if (req.endpoint_type != endpoint_type_broker) {
        response.error_code = error_code::unsupported_endpoint_type;
        co_return respond(r, response);
    }
    response.cluster_id = r.broker.cluster_id;
    response.controller_id = r.broker.node_id;
    msg::describe_cluster_response::describe_cluster_broker self;
    self.broker_id = r.broker.node_id;
    self.host = r.broker.advertised_host;
    self.port = r.broker.advertised_port;
    self.rack = r.broker.rack;
    response.brokers.push_back(std::move(self));
    co_return respond(r, response);
}

void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::describe_cluster_response response;
    response.error_code = code;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler describe_cluster{60, 0, 1, handle, error_response};

} // namespace sluice::server::handlers
