#pragma once
// offset_store: the committed offsets of the groups a coordinator owns, as applied from records
// (group → topic → partition, ordered so answers are deterministic). Owned by
// group_coordinator; used only on its shard.
#include <cstdint>
#include <map>
#include <string>

#include "coordinator/offsets_records.h"

namespace sluice::coordinator {

class offset_store {
public:
    using partitions = std::map<int32_t, offset_and_metadata>;
    using topics = std::map<std::string, partitions>;

    void put(const std::string& group, const std::string& topic, int32_t partition, offset_and_metadata o) {
        _groups[group][topic][partition] = std::move(o);
    }
    // Keeps whichever of the two was written last (log_order): an append that becomes durable
    // after a transaction's marker must not hide the newer transactional offset.
    void put_if_newer(const std::string& group, const std::string& topic, int32_t partition, offset_and_metadata o) {
        auto& slot = _groups[group][topic];
        auto it = slot.find(partition);
        if (it == slot.end()) {
            slot.emplace(partition, std::move(o));
        } else if (o.log_order >= it->second.log_order) {
            it->second = std::move(o);
        }
    }
    void erase(const std::string& group, const std::string& topic, int32_t partition) {
        auto g = _groups.find(group);
        if (g == _groups.end()) return;
        auto t = g->second.find(topic);
        if (t == g->second.end()) return;
        t->second.erase(partition);
        if (t->second.empty()) g->second.erase(t);
        if (g->second.empty()) _groups.erase(g);
    }
    void erase_group(const std::string& group) { _groups.erase(group); }
    const topics* group(const std::string& group) const {
        auto g = _groups.find(group);
        return g == _groups.end() ? nullptr : &g->second;
    }
    const offset_and_metadata* find(const std::string& group, const std::string& topic, int32_t partition) const {
        const topics* g = this->group(group);
        if (!g) return nullptr;
        auto t = g->find(topic);
        if (t == g->end()) return nullptr;
        auto p = t->second.find(partition);
        return p == t->second.end() ? nullptr : &p->second;
    }
    const std::map<std::string, topics>& all() const noexcept { return _groups; }

private:
    std::map<std::string, topics> _groups;
};

} // namespace sluice::coordinator
