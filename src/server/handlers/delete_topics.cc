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

// Answers the references Kafka refuses before asking the controller (into `response`) and
// returns the rest, each once.
std::vector<cluster::topic_ref> checked(const std::vector<msg::delete_topics_request::delete_topic_state>& refs,
                                        const cluster::metadata_image& image, msg::delete_topics_response& response) {
    auto refuse = [&](std::optional<std::string> name, uuid id, std::string message) {
        response.responses.push_back(result(std::move(name), id, {error_code::invalid_request, std::move(message)}));
    };
    std::map<std::string, int, std::less<>> names;
    std::map<uuid, int> ids;
    for (const auto& ref : refs) {
        if (ref.name && ref.topic_id.is_zero()) ++names[*ref.name];
        if (!ref.name && !ref.topic_id.is_zero()) ++ids[ref.topic_id];
    }
    std::vector<cluster::topic_ref> out;
    for (const auto& ref : refs) {
        if (ref.name && !ref.topic_id.is_zero()) {
            refuse(ref.name, ref.topic_id, "You may not specify both topic name and topic id.");
        } else if (!ref.name && ref.topic_id.is_zero()) {
            refuse(std::nullopt, {}, "Neither topic name nor id were specified.");
        } else if (ref.name) {
            int& n = names[*ref.name];
            const cluster::topic_image* t = image.find(*ref.name);
            if (n > 1)
                refuse(ref.name, {}, "Duplicate topic name.");
            else if (n == 1 && t != nullptr && ids.contains(t->id))
                refuse(ref.name, t->id, "The provided topic name maps to an ID that was already supplied.");
            else if (n == 1)
                out.push_back({ref.name, {}});
            n = 0; // answered once
        } else {
            int& n = ids[ref.topic_id];
            if (n > 1)
                refuse(std::nullopt, ref.topic_id, "Duplicate topic id.");
            else if (n == 1)
                out.push_back({std::nullopt, ref.topic_id});
            n = 0;
        }
    }
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
    std::vector<cluster::topic_ref> to_delete = checked(refs, *r.ctx.metadata->current(), response);
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
