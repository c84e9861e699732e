// __transaction_state records: Kafka's bytes, written and read.
#include "txn/tests/harness.h"

namespace sluice::txn::testing {
namespace {

byte_buffer bytes(std::initializer_list<int> b) {
    byte_buffer out;
    for (int x : b) out.push_back(static_cast<uint8_t>(x));
    return out;
}

TEST(state_records, key_and_empty_value_v0) {
    txn_values v;
    v.producer_id = model::producer_id{1000};
    v.producer_epoch = model::producer_epoch{0};
    v.timeout_ms = 60'000;
    v.state = txn_state::empty;
    v.last_update_timestamp_ms = 1'000'000;
    state_record r = transaction_record("tx1", v, 0);
    EXPECT_EQ(r.key, bytes({0, 0, 0, 3, 't', 'x', '1'}));
    EXPECT_EQ(*r.value, bytes({0, 0,                                   // value version 0
                               0, 0, 0, 0, 0, 0, 0x03, 0xe8,           // producer id 1000
                               0, 0,                                   // epoch 0
                               0, 0, 0xea, 0x60,                       // timeout 60000
                               0,                                      // Empty
                               0xff, 0xff, 0xff, 0xff,                 // partitions: null
                               0, 0, 0, 0, 0, 0x0f, 0x42, 0x40,        // last update 1000000
                               0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})); // start -1
    auto d = decode_transaction_record(r.key, byte_view(*r.value));
    ASSERT_TRUE(d && d->values);
    EXPECT_EQ(d->transactional_id, "tx1");
    EXPECT_EQ(*d->values, v);
}

TEST(state_records, ongoing_value_v1) {
    txn_values v;
    v.producer_id = model::producer_id{1000};
    v.producer_epoch = model::producer_epoch{2};
    v.timeout_ms = 60'000;
    v.state = txn_state::ongoing;
    v.partitions = {{"t", 1}, {"t", 0}};
    v.start_timestamp_ms = 1'000'000;
    v.last_update_timestamp_ms = 1'000'000;
    state_record r = transaction_record("tx1", v, 1);
    EXPECT_EQ(*r.value, bytes({0, 1,                                   // value version 1
                               0, 0, 0, 0, 0, 0, 0x03, 0xe8,           // producer id
                               0, 2,                                   // epoch 2
                               0, 0, 0xea, 0x60,                       // timeout
                               1,                                      // Ongoing
                               2,                                      // 1 topic (compact)
                               2, 't',                                 // "t"
                               3, 0, 0, 0, 0, 0, 0, 0, 1,              // partitions [0, 1]
                               0,                                      // topic's tagged fields
                               0, 0, 0, 0, 0, 0x0f, 0x42, 0x40,        // last update
                               0, 0, 0, 0, 0, 0x0f, 0x42, 0x40,        // start
                               0}));                                   // no tagged fields
    auto d = decode_transaction_record(r.key, byte_view(*r.value));
    ASSERT_TRUE(d && d->values);
    EXPECT_EQ(*d->values, v);
}

TEST(state_records, v1_tagged_fields_are_read) {
    // CompleteCommit, no partitions, written by a Kafka with previous (tag 0), next (tag 1)
    // producer ids and client transaction version 2 (tag 2).
    byte_buffer key = bytes({0, 0, 0, 1, 'x'});
    byte_buffer value = bytes({0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 5, 0, 0, 0x03, 0xe8, 4,
                               1,                                      // empty array
                               0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 6,
                               3,                                      // three tags
                               0, 8, 0, 0, 0, 0, 0, 0, 0, 8,           // previous producer id 8
                               1, 8, 0, 0, 0, 0, 0, 0, 0, 10,          // next producer id 10
                               2, 2, 0, 2});                           // client transaction version 2
    auto d = decode_transaction_record(key, byte_view(value));
    ASSERT_TRUE(d && d->values);
    EXPECT_EQ(d->transactional_id, "x");
    EXPECT_EQ(d->values->producer_id, model::producer_id{9});
    EXPECT_EQ(d->values->previous_producer_id, model::producer_id{8});
    EXPECT_EQ(d->values->next_producer_id, model::producer_id{10});
    EXPECT_EQ(d->values->producer_epoch, model::producer_epoch{5});
    EXPECT_EQ(d->values->state, txn_state::complete_commit);
    EXPECT_EQ(d->values->client_transaction_version, 2);
    EXPECT_EQ(d->values->last_update_timestamp_ms, 7);
    EXPECT_EQ(d->values->start_timestamp_ms, 6);
    // And written back (client version only: Kafka 4.0 writes no producer id tags).
    state_record r = transaction_record("x", *d->values, 1);
    byte_buffer expected = value;
    expected.resize(value.size() - 25);
    for (int b : {1, 2, 2, 0, 2}) expected.push_back(static_cast<uint8_t>(b));
    EXPECT_EQ(*r.value, expected);
}

TEST(state_records, tombstones_and_garbage) {
    state_record t = transaction_tombstone("tx1");
    EXPECT_FALSE(t.value);
    auto d = decode_transaction_record(t.key, std::nullopt);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->transactional_id, "tx1");
    EXPECT_FALSE(d->values);
    EXPECT_FALSE(decode_transaction_record(bytes({0, 1, 0, 1, 'x'}), std::nullopt)); // unknown key type
    EXPECT_FALSE(decode_transaction_record(bytes({0, 0, 0, 9, 'x'}), std::nullopt)); // truncated
    byte_buffer bad_version = bytes({0, 2, 0});
    EXPECT_FALSE(decode_transaction_record(t.key, byte_view(bad_version)));
}

} // namespace
} // namespace sluice::txn::testing
