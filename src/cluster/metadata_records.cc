#include "cluster/metadata_records.h"

#include <algorithm>

#include "base/log.h"
#include "protocol/wire.h"

namespace sluice::cluster {

namespace msg = protocol::msg;

namespace {

constexpr uint32_t frame_version = 1;

template <typename Record>
void append_record(protocol::writer& w, const Record& r) {
    constexpr int16_t version = 0;
    protocol::bytes_value body;
    protocol::writer b(body);
    b.write_uvarint(frame_version);
    b.write_uvarint(static_cast<uint32_t>(Record::api_key));
    b.write_uvarint(static_cast<uint32_t>(version));
    r.write(b, version);
    w.write_uvarint(static_cast<uint32_t>(body.size()));
    w.write_raw(body);
}

template <typename Record>
std::optional<metadata_record> decode_as(byte_view body, uint32_t version) {
    if (version != 0) return std::nullopt;
    Record r;
    if (!r.decode(body, 0)) return std::nullopt;
    return metadata_record{std::move(r)};
}

} // namespace

byte_buffer encode_entry(const std::vector<metadata_record>& records) {
    protocol::bytes_value out;
    protocol::writer w(out);
    for (const metadata_record& r : records) std::visit([&](const auto& rec) { append_record(w, rec); }, r);
    return out;
}

std::optional<std::vector<metadata_record>> decode_entry(byte_view entry) {
    std::vector<metadata_record> records;
    protocol::reader r(entry);
    while (r.remaining() > 0) {
        const uint32_t length = r.read_uvarint();
        if (r.failed() || length > r.remaining()) return std::nullopt;
        byte_view record = r.take(length);
        protocol::reader h(record);
        const uint32_t frame = h.read_uvarint();
        const uint32_t type = h.read_uvarint();
        const uint32_t version = h.read_uvarint();
        if (h.failed() || frame != frame_version) return std::nullopt;
        byte_view body = record.subspan(record.size() - h.remaining());
        std::optional<metadata_record> decoded;
        switch (type) {
        case msg::topic_record::api_key: decoded = decode_as<msg::topic_record>(body, version); break;
        case msg::partition_record::api_key: decoded = decode_as<msg::partition_record>(body, version); break;
        case msg::config_record::api_key: decoded = decode_as<msg::config_record>(body, version); break;
        case msg::remove_topic_record::api_key: decoded = decode_as<msg::remove_topic_record>(body, version); break;
        case msg::producer_ids_record::api_key: decoded = decode_as<msg::producer_ids_record>(body, version); break;
        default: break;
        }
        if (!decoded) return std::nullopt;
        records.push_back(std::move(*decoded));
    }
    if (r.failed()) return std::nullopt;
    return records;
}

image_builder::image_builder(const metadata_image& base) : _image(base) {}

topic_image& image_builder::mutable_topic(const uuid& id) {
    auto changed = _changed.find(id);
    if (changed != _changed.end()) return *changed->second;
    auto copy = std::make_shared<topic_image>(*_image._by_id.at(id));
    _image._by_id[id] = copy;
    _image._by_name[copy->name] = copy;
    _changed.emplace(id, copy);
    return *copy;
}

void image_builder::apply(const metadata_record& record) {
    if (const auto* t = std::get_if<msg::topic_record>(&record)) {
        if (_image._by_name.contains(t->name) || _image._by_id.contains(t->topic_id) || t->topic_id.is_zero()) {
            ++_skipped;
            return;
        }
        auto topic = std::make_shared<topic_image>();
        topic->name = t->name;
        topic->id = t->topic_id;
        _image._by_name.emplace(t->name, topic);
        _image._by_id.emplace(t->topic_id, topic);
        _changed.emplace(t->topic_id, topic);
    } else if (const auto* p = std::get_if<msg::partition_record>(&record)) {
        if (!_image._by_id.contains(p->topic_id) || p->partition_id.value() < 0) {
            ++_skipped;
            return;
        }
        topic_image& topic = mutable_topic(p->topic_id);
        const auto index = static_cast<size_t>(p->partition_id.value());
        // Partitions are added in order; a record may also replace an existing one.
        if (index > topic.partitions.size()) {
            ++_skipped;
            return;
        }
        partition_image part;
        part.leader = p->leader.value();
        part.leader_epoch = p->leader_epoch.value();
        part.partition_epoch = p->partition_epoch;
        for (auto n : p->replicas) part.replicas.push_back(n.value());
        for (auto n : p->isr) part.isr.push_back(n.value());
        if (index == topic.partitions.size()) {
            topic.partitions.push_back(std::move(part));
            ++_image._partition_count;
        } else {
            topic.partitions[index] = std::move(part);
        }
    } else if (const auto* c = std::get_if<msg::config_record>(&record)) {
        if (c->resource_type != config_resource_topic) return; // broker configs: not dynamic yet
        auto it = _image._by_name.find(c->resource_name);
        if (it == _image._by_name.end()) {
            ++_skipped;
            return;
        }
        topic_image& topic = mutable_topic(it->second->id);
        if (c->value) topic.configs[c->name] = *c->value;
        else topic.configs.erase(c->name);
    } else if (const auto* rm = std::get_if<msg::remove_topic_record>(&record)) {
        auto it = _image._by_id.find(rm->topic_id);
        if (it == _image._by_id.end()) {
            ++_skipped;
            return;
        }
        _image._partition_count -= it->second->partitions.size();
        _image._by_name.erase(it->second->name);
        _image._by_id.erase(it);
        _changed.erase(rm->topic_id);
    } else if (const auto* ids = std::get_if<msg::producer_ids_record>(&record)) {
        _image._next_producer_id = std::max(_image._next_producer_id, ids->next_producer_id.value());
    }
}

image_ptr image_builder::build(uint64_t offset) {
    _image._offset = offset;
    _changed.clear();
    return std::make_shared<const metadata_image>(_image);
}

std::vector<metadata_record> image_records(const metadata_image& image) {
    std::vector<metadata_record> out;
    for (const auto& [name, topic] : image.topics()) {
        msg::topic_record t;
        t.name = name;
        t.topic_id = topic->id;
        out.emplace_back(std::move(t));
        for (size_t i = 0; i < topic->partitions.size(); ++i) {
            const partition_image& p = topic->partitions[i];
            msg::partition_record r;
            r.partition_id = model::partition_id{static_cast<int32_t>(i)};
            r.topic_id = topic->id;
            for (int32_t n : p.replicas) r.replicas.emplace_back(n);
            for (int32_t n : p.isr) r.isr.emplace_back(n);
            r.leader = model::node_id{p.leader};
            r.leader_epoch = model::leader_epoch{p.leader_epoch};
            r.partition_epoch = p.partition_epoch;
            out.emplace_back(std::move(r));
        }
        for (const auto& [key, value] : topic->configs) {
            msg::config_record c;
            c.resource_type = config_resource_topic;
            c.resource_name = name;
            c.name = key;
            c.value = value;
            out.emplace_back(std::move(c));
        }
    }
    if (image.next_producer_id() > 0) {
        msg::producer_ids_record ids;
        ids.next_producer_id = model::producer_id{image.next_producer_id()};
        out.emplace_back(std::move(ids));
    }
    return out;
}

} // namespace sluice::cluster
