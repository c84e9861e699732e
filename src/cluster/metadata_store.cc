#include "cluster/metadata_store.h"

#include "base/endian.h"
#include "base/log.h"
#include "cluster/metadata_records.h"

namespace sluice::cluster {

metadata_store::metadata_store() : _current(std::make_shared<const metadata_image>()) {}

void metadata_store::publish(image_ptr next) {
    image_ptr before = _current.exchange(next, std::memory_order_acq_rel);
    for (const listener& l : _listeners) l(before, next);
}

void metadata_store::apply(uint64_t index, byte_view entry) {
    auto records = decode_entry(entry);
    image_ptr base = current();
    image_builder builder(*base);
    if (!records) {
        // Written by a newer or broken writer: skipped, loudly; the offset still advances.
        ++_malformed;
        log::error("metadata log entry {} does not decode; skipped", index);
    } else {
        for (const metadata_record& r : *records) builder.apply(r);
        if (builder.skipped() > 0)
            log::warn("metadata log entry {}: {} record(s) contradict the image; skipped", index, builder.skipped());
    }
    publish(builder.build(index));
}

byte_buffer metadata_store::snapshot() const {
    image_ptr image = current();
    byte_buffer out(8);
    be::store<uint64_t>(out.data(), image->offset());
    byte_buffer entry = encode_entry(image_records(*image));
    out.insert(out.end(), entry.begin(), entry.end());
    return out;
}

bool metadata_store::restore(byte_view snapshot) {
    if (snapshot.size() < 8) return false;
    const uint64_t offset = be::load<uint64_t>(snapshot.data());
    auto records = decode_entry(snapshot.subspan(8));
    if (!records) return false;
    metadata_image empty;
    image_builder builder(empty);
    for (const metadata_record& r : *records) builder.apply(r);
    publish(builder.build(offset));
    return true;
}

} // namespace sluice::cluster
