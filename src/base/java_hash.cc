// java_hash: Java's String.hashCode over UTF-8 input, and Kafka's partition of a key.
#include "base/java_hash.h"

#include "base/assert.h"

namespace sluice {

namespace {

// Appends the UTF-16 code units of one code point to Java's String.hashCode.
void hash_code_point(int32_t& h, uint32_t cp) {
    auto unit = [&](uint32_t u) { h = static_cast<int32_t>(31u * static_cast<uint32_t>(h) + u); };
    if (cp < 0x10000) {
        unit(cp);
    } else {
        cp -= 0x10000;
        unit(0xD800 + (cp >> 10));
        unit(0xDC00 + (cp & 0x3FF));
    }
}

} // namespace

int32_t java_string_hash(std::string_view s) noexcept {
    int32_t h = 0;
    size_t i = 0;
    while (i < s.size()) {
        auto b = static_cast<uint8_t>(s[i]);
        size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
        bool ok = len > 0 && i + len <= s.size();
        for (size_t k = 1; ok && k < len; ++k) {
            auto c = static_cast<uint8_t>(s[i + k]);
            ok = (c & 0xC0) == 0x80;
            cp = (cp << 6) | (c & 0x3F);
        }
        if (!ok) {
            hash_code_point(h, 0xFFFD);
            ++i;
            continue;
        }
        hash_code_point(h, cp);
        i += len;
    }
    return h;
}

int32_t java_hash_partition(std::string_view key, int32_t partitions) noexcept {
    SLUICE_ASSERT(partitions > 0, "the partition count must be positive");
    int32_t h = java_string_hash(key);
    int32_t a = h == INT32_MIN ? 0 : (h < 0 ? -h : h); // Kafka's Utils.abs
    return a % partitions;
}

} // namespace sluice
