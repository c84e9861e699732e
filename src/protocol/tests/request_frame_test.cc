#include "protocol/request_frame.h"

#include <gtest/gtest.h>

#include "protocol/generated/all_messages.h"

namespace sluice::protocol {
namespace {

bytes_value frame_of(int16_t key, int16_t version, int32_t correlation_id, const bytes_value& body,
                     int16_t header_version) {
    msg::request_header h;
    h.request_api_key = key;
    h.request_api_version = version;
    h.correlation_id = correlation_id;
    h.client_id = "test-client";
    bytes_value out = h.encode(header_version);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

TEST(request_frame, flexible_request_uses_header_v2_and_body_is_a_view) {
    msg::metadata_request req;
    req.topics.emplace();
    req.topics->emplace_back().name = "orders";
    bytes_value body = req.encode(12);
    bytes_value frame = frame_of(3, 12, 42, body, 2);

    request_frame f = parse_request_frame(frame);
    ASSERT_EQ(f.error, frame_error::none);
    EXPECT_EQ(f.correlation_id, 42);
    EXPECT_EQ(f.header.client_id, "test-client");
    ASSERT_EQ(f.body.size(), body.size());
    EXPECT_EQ(f.body.data(), frame.data() + (frame.size() - body.size())); // no copy

    msg::metadata_request decoded;
    ASSERT_TRUE(decoded.decode(f.body, 12));
    ASSERT_TRUE(decoded.topics.has_value());
    EXPECT_EQ(decoded.topics->at(0).name, "orders");
}

TEST(request_frame, classic_request_uses_header_v1) {
    msg::heartbeat_request req;
    req.group_id = "g";
    req.member_id = "m";
    bytes_value frame = frame_of(12, 3, 7, req.encode(3), 1);
    request_frame f = parse_request_frame(frame);
    ASSERT_EQ(f.error, frame_error::none);
    msg::heartbeat_request decoded;
    ASSERT_TRUE(decoded.decode(f.body, 3));
    EXPECT_EQ(decoded.group_id, "g");
}

TEST(request_frame, errors_keep_the_correlation_id) {
    bytes_value unknown = frame_of(999, 0, 5, {}, 1);
    request_frame f = parse_request_frame(unknown);
    EXPECT_EQ(f.error, frame_error::unknown_api);
    EXPECT_EQ(f.correlation_id, 5);

    bytes_value too_new = frame_of(0, 99, 6, {}, 2);
    f = parse_request_frame(too_new);
    EXPECT_EQ(f.error, frame_error::unsupported_version);
    EXPECT_EQ(f.correlation_id, 6);

    // ApiVersions from a newer client: header still parsed, so the broker can answer.
    bytes_value newer_api_versions = frame_of(18, 9, 8, {0, 0, 0}, 2);
    f = parse_request_frame(newer_api_versions);
    EXPECT_EQ(f.error, frame_error::unsupported_version);
    EXPECT_EQ(f.header.client_id, "test-client");

    bytes_value tiny{0, 18, 0};
    EXPECT_EQ(parse_request_frame(tiny).error, frame_error::truncated_header);

    bytes_value bad_client_id{0, 18, 0, 3, 0, 0, 0, 1, 0x7f, 0x00};
    EXPECT_EQ(parse_request_frame(bad_client_id).error, frame_error::malformed_header);
}

} // namespace
} // namespace sluice::protocol
