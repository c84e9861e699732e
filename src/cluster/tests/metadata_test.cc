#include <gtest/gtest.h>

#include "cluster/metadata_records.h"
#include "cluster/metadata_store.h"

namespace sluice::cluster {
namespace {

namespace msg = protocol::msg;

uuid id_of(uint8_t b) {
    uuid u;
    u.bytes.fill(b);
    return u;
}

std::vector<metadata_record> topic_records(const std::string& name, uint8_t id, int partitions) {
    std::vector<metadata_record> out;
    msg::topic_record t;
    t.name = name;
    t.topic_id = id_of(id);
    out.emplace_back(t);
    for (int p = 0; p < partitions; ++p) {
        msg::partition_record r;
        r.topic_id = id_of(id);
        r.partition_id = model::partition_id{p};
        r.replicas = {model::node_id{1}};
        r.isr = {model::node_id{1}};
        r.leader = model::node_id{1};
        r.leader_epoch = model::leader_epoch{0};
        r.partition_epoch = 0;
        out.emplace_back(r);
    }
    return out;
}

TEST(metadata_entry, round_trips_every_record_kind) {
    auto records = topic_records("orders", 7, 3);
    msg::config_record c;
    c.resource_type = config_resource_topic;
    c.resource_name = "orders";
    c.name = "retention.ms";
    c.value = "1000";
    records.emplace_back(c);
    msg::producer_ids_record ids;
    ids.next_producer_id = model::producer_id{5000};
    records.emplace_back(ids);
    msg::remove_topic_record rm;
    rm.topic_id = id_of(7);
    records.emplace_back(rm);

    byte_buffer entry = encode_entry(records);
    auto decoded = decode_entry(entry);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, records);
    // First record: length, frame version 1, type 2 (TopicRecord), version 0.
    EXPECT_EQ(entry[1], 1);
    EXPECT_EQ(entry[2], 2);
    EXPECT_EQ(entry[3], 0);
}

TEST(metadata_entry, rejects_truncated_and_unknown) {
    byte_buffer entry = encode_entry(topic_records("a", 1, 0)); // one record: no prefix is whole
    for (size_t n = 1; n < entry.size(); ++n) {
        byte_buffer prefix(entry.begin(), entry.begin() + static_cast<ptrdiff_t>(n));
        EXPECT_FALSE(decode_entry(prefix)) << n;
    }
    byte_buffer unknown = entry;
    unknown[2] = 99; // record type 99
    EXPECT_FALSE(decode_entry(unknown));
    EXPECT_TRUE(decode_entry(byte_buffer{})); // an empty entry is valid and changes nothing
}

TEST(metadata_store, applies_and_publishes_new_images) {
    metadata_store store;
    std::vector<std::pair<uint64_t, uint64_t>> seen;
    store.subscribe([&](const image_ptr& before, const image_ptr& after) { seen.emplace_back(before->offset(), after->offset()); });
    image_ptr empty = store.current();
    store.apply(1, encode_entry(topic_records("orders", 1, 3)));
    store.apply(2, encode_entry(topic_records("events", 2, 1)));
    image_ptr two = store.current();
    EXPECT_EQ(empty->topics().size(), 0u); // old images never change
    ASSERT_NE(two->find("orders"), nullptr);
    EXPECT_EQ(two->find("orders")->partitions.size(), 3u);
    EXPECT_EQ(two->find(id_of(2))->name, "events");
    EXPECT_EQ(two->partition_count(), 4u);
    EXPECT_EQ(two->offset(), 2u);
    EXPECT_EQ(seen, (std::vector<std::pair<uint64_t, uint64_t>>{{0, 1}, {1, 2}}));

    // Unchanged topics are shared between images.
    msg::config_record c;
    c.resource_type = config_resource_topic;
    c.resource_name = "events";
    c.name = "cleanup.policy";
    c.value = "compact";
    store.apply(3, encode_entry({c}));
    image_ptr three = store.current();
    EXPECT_EQ(three->find_shared("orders"), two->find_shared("orders"));
    EXPECT_EQ(three->find("events")->configs.at("cleanup.policy"), "compact");
    EXPECT_TRUE(two->find("events")->configs.empty());

    msg::remove_topic_record rm;
    rm.topic_id = id_of(1);
    store.apply(4, encode_entry({rm}));
    EXPECT_EQ(store.current()->find("orders"), nullptr);
    EXPECT_EQ(store.current()->partition_count(), 1u);
}

TEST(metadata_store, contradicting_records_are_skipped_deterministically) {
    metadata_store store;
    store.apply(1, encode_entry(topic_records("orders", 1, 1)));
    store.apply(2, encode_entry(topic_records("orders", 9, 2))); // same name, other id
    EXPECT_EQ(store.current()->find("orders")->id, id_of(1));
    EXPECT_EQ(store.current()->find("orders")->partitions.size(), 1u);
    EXPECT_EQ(store.current()->find(id_of(9)), nullptr);
    store.apply(3, byte_buffer{0xff, 0xff}); // garbage: skipped, offset advances
    EXPECT_EQ(store.current()->offset(), 3u);
    EXPECT_EQ(store.malformed_entries(), 1u);
}

TEST(metadata_store, snapshot_restores_the_same_image) {
    metadata_store a;
    a.apply(1, encode_entry(topic_records("orders", 1, 3)));
    a.apply(2, encode_entry(topic_records("events", 2, 2)));
    msg::config_record c;
    c.resource_type = config_resource_topic;
    c.resource_name = "orders";
    c.name = "retention.ms";
    c.value = "60000";
    msg::producer_ids_record ids;
    ids.next_producer_id = model::producer_id{2000};
    a.apply(3, encode_entry({c, ids}));

    metadata_store b;
    ASSERT_TRUE(b.restore(a.snapshot()));
    image_ptr x = a.current(), y = b.current();
    EXPECT_EQ(y->offset(), 3u);
    EXPECT_EQ(y->next_producer_id(), 2000);
    ASSERT_EQ(x->topics().size(), y->topics().size());
    for (const auto& [name, topic] : x->topics()) EXPECT_EQ(*topic, *y->find(name)) << name;
    EXPECT_FALSE(b.restore(byte_buffer{1, 2, 3}));
}

} // namespace
} // namespace sluice::cluster
