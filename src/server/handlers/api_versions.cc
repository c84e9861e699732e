// ApiVersions (key 18), v0-4. The versions advertised are each handler's range intersected
// with the API table's (schemas/api_versions.txt): an API without a handler is not
// advertised, so clients never pick a request the broker would close the connection on.
#include "base/log.h"
#include "protocol/generated/api_018_api_versions.h"
#include "server/handler_table.h"
#include "server/handlers/handlers.h"

namespace sluice::server::handlers {

namespace {

using protocol::error_code;
namespace msg = protocol::msg;

msg::api_versions_response advertised(const handler_table& table) {
    msg::api_versions_response response;
    for (const api_handler* h : table.all()) {
        msg::api_versions_response::api_version v;
        v.api_key = h->api_key;
        if (handler_table::advertised_range(*h, v.min_version, v.max_version)) response.api_keys.push_back(v);
    }
    return response;
}

// KIP-511: client software name and version must match [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?
// else INVALID_REQUEST.
bool valid_software_field(const std::string& s) {
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
    for (char c : s)
        if (!alnum(c) && c != '-' && c != '.') return false;
    return true;
}

asio::awaitable<handler_outcome> handle(request& r) {
    msg::api_versions_request req;
    if (!req.decode(r.body, r.version)) co_return handler_outcome::close;
    msg::api_versions_response response = advertised(r.handlers);
    if (r.version >= 3) {
        if (!valid_software_field(req.client_software_name) || !valid_software_field(req.client_software_version)) {
            response.error_code = error_code::invalid_request;
        } else {
            r.connection.client_software_name = req.client_software_name;
            r.connection.client_software_version = req.client_software_version;
            log::debug("connection {} from {}: client {} {}", r.connection.id, r.connection.peer,
                       req.client_software_name, req.client_software_version);
        }
    }
    co_return respond(r, response);
}

// KIP-511: a version the broker does not know is answered in the v0 layout (header v0), with
// UNSUPPORTED_VERSION and every advertised API, so the client can retry with a version in
// ApiVersions' own range.
void error_response(int16_t version, error_code code, byte_buffer& out) {
    msg::api_versions_response response = advertised(handler_table::instance());
    response.error_code = code;
    const int16_t v = code == error_code::unsupported_version ? 0 : version;
    protocol::writer w(out);
    response.write(w, v);
}

} // namespace

const api_handler api_versions{protocol::api_versions_key, 0, 4, handle, error_response};

} // namespace sluice::server::handlers
