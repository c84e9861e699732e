#include "cluster/metadata_image.h"

namespace sluice::cluster {

const topic_image* metadata_image::find(std::string_view name) const noexcept {
    auto it = _by_name.find(name);
    return it == _by_name.end() ? nullptr : it->second.get();
}

topic_ptr metadata_image::find_shared(std::string_view name) const noexcept {
    auto it = _by_name.find(name);
    return it == _by_name.end() ? nullptr : it->second;
}

const topic_image* metadata_image::find(const uuid& id) const noexcept {
    auto it = _by_id.find(id);
    return it == _by_id.end() ? nullptr : it->second.get();
}

} // namespace sluice::cluster
