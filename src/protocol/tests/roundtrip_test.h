#pragma once
// encode(decode(bytes)) == bytes for every generated message and every version, on messages
// whose every field (incl. tagged fields) holds a random value.
#include <gtest/gtest.h>

#include "protocol/generated/all_messages.h"
#include "protocol/tests/message_filler.h"

namespace sluice::protocol {
namespace {

template <typename M>
void round_trip_all_versions() {
    for (int16_t v = M::min_version; v <= M::max_version; ++v) {
        for (uint64_t seed = 1; seed <= 12; ++seed) {
            testing::message_filler filler(seed * 7919 + v, v);
            M original;
            filler.fill(original);
            const bool flexible = M::first_flexible_version >= 0 && v >= M::first_flexible_version;
            if (flexible && seed % 3 == 0) {
                // A tag this build does not know must survive decode and re-encode.
                original.unknown_tagged_fields.push_back(tagged_field{7000, {1, 2, 3}});
            }
            bytes_value bytes = original.encode(v);
            ASSERT_EQ(bytes.size(), original.size(v)) << M::message_name << " v" << v;

            reader r(bytes);
            M decoded;
            decoded.read(r, v);
            ASSERT_FALSE(r.failed()) << M::message_name << " v" << v << " seed " << seed;
            ASSERT_EQ(r.remaining(), 0u) << M::message_name << " v" << v;
            ASSERT_TRUE(decoded == original) << M::message_name << " v" << v << " seed " << seed
                                             << "\n  original: " << original.to_json(v)
                                             << "\n  decoded:  " << decoded.to_json(v);
            ASSERT_EQ(decoded.encode(v), bytes) << M::message_name << " v" << v;

            if (seed == 1) {
                // Every field is read, so every strict prefix must be rejected.
                for (size_t n = 0; n < bytes.size(); ++n) {
                    M partial;
                    reader pr(byte_view(bytes.data(), n));
                    partial.read(pr, v);
                    ASSERT_TRUE(pr.failed()) << M::message_name << " v" << v << " accepted a prefix of " << n;
                }
            }
        }
    }
}

#define SLUICE_ROUNDTRIP_TEST(M) \
    TEST(roundtrip, M) { round_trip_all_versions<msg::M>(); }
// roundtrip_part_N.cc defines SLUICE_ROUNDTRIP_PART to the part it instantiates.
SLUICE_ROUNDTRIP_PART(SLUICE_ROUNDTRIP_TEST)

} // namespace
} // namespace sluice::protocol
