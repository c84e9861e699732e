// DescribeCluster (key 60), v0-1 (KIP-700; v1 adds the endpoint type, KIP-919). A cluster of
// one: this broker, also the controller. Kafka 4.0's AuthHelper.computeDescribeClusterResponse:
// an endpoint type other than BROKER is refused (UNSUPPORTED_ENDPOINT_TYPE for an unknown one,
// MISMATCHED_ENDPOINT_TYPE for CONTROLLER; INVALID_REQUEST in v0, where the field cannot be
// sent) with nothing else filled in; authorized operations, when asked, are every cluster
// operation (no authorizer).
#include "protocol/generated/api_060_describe_cluster.h"
#include "server/handlers/admin_rules.h"
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
    if (req.endpoint_type != endpoint_type_broker) {
        const bool controller = req.endpoint_type == endpoint_type_controller;
        response.error_code = r.version == 0   ? error_code::invalid_request
                              : controller     ? error_code::mismatched_endpoint_type
                                               : error_code::unsupported_endpoint_type;
        response.error_message = controller ? std::string("The request was sent to an endpoint of type BROKER, but we "
                                                          "wanted an endpoint of type CONTROLLER")
                                            : "Unsupported endpoint type " + std::to_string(req.endpoint_type);
        co_return respond(r, response);
    }
    response.endpoint_type = endpoint_type_broker;
    response.cluster_id = r.broker.cluster_id;
    response.controller_id = r.broker.node_id;
    if (req.include_cluster_authorized_operations) response.cluster_authorized_operations = cluster_operations_allowed;
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
