// CreatePartitions (key 37), v0-3: raises topics' partition counts (count is the new total),
// with optional manual assignments of the new partitions, or only validates them. Answered once
// the new partitions are committed.
//
// Kafka 4.0's rules (ControllerApis.createPartitions, ReplicationControlManager): a topic named
// more than once is refused with INVALID_REQUEST "Duplicate topic name." (answered first, once);
// an unknown topic is UNKNOWN_TOPIC_OR_PARTITION without a message; the count must grow
// (INVALID_PARTITIONS); assignments, when given, must cover exactly the new partitions
// (INVALID_REPLICA_ASSIGNMENT).
#include <algorithm>
#include <map>

#include "protocol/generated/api_037_create_partitions.h"
#include "server/controller_call.h"
#include "server/handlers/admin_rules.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using topic_result = msg::create_partitions_response::create_partitions_topic_result;

topic_result result(std::string name, cluster::admin_error error) {
    topic_result out;
    out.name = std::move(name);
    out.error_code = error.code;
    out.error_message = error.ok() ? std::nullopt : std::move(error.message);
    return out;
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::create_partitions_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    std::map<std::string, int, std::less<>> occurrences;
    for (const auto& t : req.topics) ++occurrences[t.name];

    msg::create_partitions_response response;
    std::vector<cluster::new_partitions> changes;
    std::vector<topic_result> refused;
    const cluster::image_ptr image = r.ctx.metadata->current();
    for (const auto& t : req.topics) {
        int& n = occurrences[t.name];
        if (n > 1) {
            response.results.push_back(result(t.name, {error_code::invalid_request, "Duplicate topic name."}));
            n = 0;
            continue;
        }
        if (n == 0) continue;
        cluster::new_partitions change;
        change.topic = t.name;
        change.count = t.count;
        if (t.assignments) {
            for (const auto& a : *t.assignments) {
                auto& replicas = change.assignments.emplace_back();
                for (model::node_id b : a.broker_ids) replicas.push_back(b.value());
            }
            // An empty (not null) list is an assignment of nothing: the controller reads empty
            // as "place them yourself", so the mismatch is answered here.
            const cluster::topic_image* topic = image->find(t.name);
            const auto current = topic ? static_cast<int32_t>(topic->partitions.size()) : 0;
            if (t.assignments->empty() && topic != nullptr && t.count > current) {
                refused.push_back(result(t.name, {error_code::invalid_replica_assignment,
                                                  "Attempted to add " + std::to_string(t.count - current) +
                                                      " additional partition(s), but only 0 assignment(s) were specified."}));
                continue;
            }
        }
        changes.push_back(std::move(change));
    }

    if (!changes.empty() && r.ctx.controller == nullptr) {
        for (const auto& c : changes) response.results.push_back(result(c.topic, no_controller()));
    } else if (!changes.empty()) {
        std::vector<std::string> names;
        for (const auto& c : changes) names.push_back(c.topic);
        auto errors = co_await controller_call<std::vector<cluster::admin_error>>([&](auto done) {
            r.ctx.controller->create_partitions(std::move(changes), req.validate_only, std::move(done));
        });
        for (size_t i = 0; i < errors.size(); ++i) response.results.push_back(result(std::move(names[i]), std::move(errors[i])));
    }
    for (auto& t : refused) response.results.push_back(std::move(t));
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::create_partitions_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler create_partitions{37, 0, 3, handle, error_response};

} // namespace sluice::server::handlers
