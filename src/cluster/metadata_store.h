#pragma once
// metadata_store: the state machine of the metadata quorum. It applies committed entries to
// the image (image_builder) and publishes each new image atomically; shards read the current
// image without locks and keep the shared_ptr for as long as a request uses it. Listeners
// (the broker's shards reconcile their partitions) hear of every published image.
//
// Threads: apply/snapshot/restore and listeners on the quorum thread only; current() from any.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "base/bytes.h"
#include "cluster/metadata_image.h"

namespace sluice::cluster {

class metadata_store {
public:
    metadata_store();

    image_ptr current() const noexcept { return _current.load(std::memory_order_acquire); }

    using listener = std::function<void(const image_ptr& before, const image_ptr& after)>;
    // Before the quorum starts.
    void subscribe(listener l) { _listeners.push_back(std::move(l)); }

    void apply(uint64_t index, byte_view entry);
    // uint64 offset | entry of image_records(image).
    byte_buffer snapshot() const;
    // False (and nothing changed) when the snapshot is malformed.
    bool restore(byte_view snapshot);

    size_t malformed_entries() const noexcept { return _malformed; }

private:
    void publish(image_ptr next);

    std::atomic<image_ptr> _current;
    std::vector<listener> _listeners;
    size_t _malformed = 0;
};

} // namespace sluice::cluster
