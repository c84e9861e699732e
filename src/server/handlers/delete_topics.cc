// DeleteTopics (key 20), v1-6 (v0 removed in Kafka 4.0, KIP-896): by name (topic_names, v1-5;
// topics[].name, v6) or by id (topics[].topic_id, v6, KIP-516). Answered once the deletions are
// committed: the topics are gone from the next Metadata response.
//
// Kafka 4.0's rules (ControllerApis.deleteTopics):
//  - delete.topic.enable=false: the whole request fails, INVALID_REQUEST before v3,
//    TOPIC_DELETION_DISABLED from v3 (each topic carries the code, no message).
//  - v6 entries with both a name and an id, or neither: INVALID_REQUEST; a name or an id given
//    twice: INVALID_REQUEST "Duplicate topic name." / "Duplicate topic id." (once each); a name
//    that resolves to an id also given: INVALID_REQUEST for the name.
//  - unknown name: UNKNOWN_TOPIC_OR_PARTITION (id zero); unknown id: UNKNOWN_TOPIC_ID (name
//    null); a deleted topic answers with its name and id and no message.
#include <algorithm>
#include <map>

#include "protocol/generated/api_020_delete_topics.h"
#include "server/controller_call.h"
#include "server/handlers/admin_rules.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;
using topic_result = msg::delete_topics_response::deletable_topic_result;

topic_result result(std::optional<std::string> name, uuid id, cluster::admin_error error) {
    topic_result out;
    out.name = std::move(name);
    out.topic_id = id;
    out.error_code = error.code;
    out.error_message = std::move(error.message);
    return out;
}

// The request's references in one form: v1-5 topic_names become name-only entries.
std::vector<msg::delete_topics_request::delete_topic_state> references(const msg::delete_topics_request& req, int16_t version) {
    if (version >= 6) return req.topics;
    std::vector<msg::delete_topics_request::delete_topic_state> out;
    for (const auto& name : req.topic_names) out.emplace_back().name = name;
    return out;
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::delete_topics_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    const auto refs = references(req, r.version);
    msg::delete_topics_response response;

    if (r.ctx.controller != nullptr && !r.ctx.controller->config().delete_topic_enable) {
        const error_code code = r.version < 3 ? error_code::invalid_request : error_code::topic_deletion_disabled;
        for (const auto& ref : refs) response.responses.push_back(result(ref.name, ref.topic_id, {code, std::nullopt}));
        co_return respond(r, response);
    }

    std::map<std::string, int, std::less<>> names;
    std::map<uuid, int> ids;
    for (const auto& ref : refs) {
        if (ref.name && ref.topic_id.is_zero()) ++names[*ref.name];
        if (!ref.name && !ref.topic_id.is_zero()) ++ids[ref.topic_id];
    }
    const cluster::image_ptr image = r.ctx.metadata->current();
    std::vector<cluster::topic_ref> to_delete;
    for (const auto& ref : refs) {
        if (ref.name && !ref.topic_id.is_zero()) {
            response.responses.push_back(result(ref.name, ref.topic_id,
                                                {error_code::invalid_request, "You may not specify both topic name and topic id."}));
        } else if (!ref.name && ref.topic_id.is_zero()) {
            response.responses.push_back(
                result(std::nullopt, {}, {error_code::invalid_request, "Neither topic name nor id were specified."}));
        } else if (ref.name) {
            int& n = names[*ref.name];
            if (n > 1) {
                response.responses.push_back(result(ref.name, {}, {error_code::invalid_request, "Duplicate topic name."}));
                n = 0; // answered once
            } else if (n == 1) {
                const cluster::topic_image* t = image->find(*ref.name);
                if (t != nullptr && ids.contains(t->id)) {
                    response.responses.push_back(result(ref.name, t->id,
                                                        {error_code::invalid_request,
                                                         "The provided topic name maps to an ID that was already supplied."}));
                } else {
                    to_delete.push_back({ref.name, {}});
                }
            }
        } else {
            int& n = ids[ref.topic_id];
            if (n > 1) {
                response.responses.push_back(result(std::nullopt, ref.topic_id, {error_code::invalid_request, "Duplicate topic id."}));
                n = 0;
            } else if (n == 1) {
                to_delete.push_back({std::nullopt, ref.topic_id});
            }
        }
    }

    if (!to_delete.empty() && r.ctx.controller == nullptr) {
        for (const auto& t : to_delete) response.responses.push_back(result(t.name, t.id, no_controller()));
    } else if (!to_delete.empty()) {
        auto results = co_await controller_call<std::vector<cluster::delete_topic_result>>(
            [&](auto done) { r.ctx.controller->delete_topics(std::move(to_delete), std::move(done)); });
        for (auto& d : results) {
            if (d.error.ok()) d.error.message.reset(); // Kafka's ApiError.NONE carries no message
            response.responses.push_back(result(std::move(d.name), d.id, std::move(d.error)));
        }
    }
    co_return respond(r, response);
}

void error_response(int16_t version, error_code, byte_buffer& out) {
    msg::delete_topics_response response;
    protocol::writer w(out);
    response.write(w, version);
}

} // namespace

const api_handler delete_topics{20, 1, 6, handle, error_response};

} // namespace sluice::server::handlers
