#include "storage/segment.h"

#include <gtest/gtest.h>

#include "storage/memory_file_system.h"
#include "storage/tests/storage_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;
using model::offset;

const std::string dir = "/log/t-0";

// Batches of 3 records each: batch k holds offsets 3k..3k+2, timestamps 1000k + {0,1,2}.
class segment_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(fs.mkdir(dir), storage_errc::none);
        batch_bytes = make_batch(3).size();
        // Kafka's rule (entry when more than the interval was appended since the last one):
        // with interval = one batch, batches 2, 4, 6... get entries.
        config.index_interval_bytes = static_cast<int32_t>(batch_bytes);
        seg = std::move(*segment::create(fs, dir, offset(0), config));
    }

    byte_buffer batch(int k) { return make_batch(3, 1000 * k, 10, offset(3 * k)); }

    void append_batches(int count) {
        for (int k = 0; k < count; ++k) {
            byte_buffer b = batch(k);
            written.push_back(b);
            ASSERT_EQ(seg->append(protocol::record_batch_view(b), 0), storage_errc::none);
        }
    }

    uint64_t pos(int k) const { return k * batch_bytes; }

    memory_file_system fs;
    segment_config config;
    uint64_t batch_bytes = 0;
    std::unique_ptr<segment> seg;
    std::vector<byte_buffer> written;
};

TEST(segment_names, twenty_digit_base_offset) {
    EXPECT_EQ(segment_file_name(offset(42), ".log"), "00000000000000000042.log");
    EXPECT_EQ(segment_file_name(offset(9223372036854775807), ".index"), "09223372036854775807.index");
    EXPECT_EQ(parse_segment_file_name("00000000000000368769.log", ".log"), offset(368769));
    EXPECT_EQ(parse_segment_file_name("0000000000000036876.log", ".log"), std::nullopt);
    EXPECT_EQ(parse_segment_file_name("00000000000000368769.index", ".log"), std::nullopt);
    EXPECT_EQ(parse_segment_file_name("0000000000000036876x.log", ".log"), std::nullopt);
}

TEST_F(segment_test, append_writes_the_batches_exactly) {
    append_batches(3);
    EXPECT_EQ(seg->next_offset(), offset(9));
    EXPECT_EQ(seg->size_bytes(), 3 * batch_bytes);
    EXPECT_EQ(seg->max_timestamp(), 2002);
    EXPECT_EQ(seg->offset_of_max_timestamp(), offset(8));
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.log"), concat(written));
}

TEST_F(segment_test, index_entry_every_interval_bytes_written_on_flush) {
    append_batches(7);
    ASSERT_EQ(seg->index().size(), 3u); // batches 2, 4, 6
    EXPECT_TRUE(fs.contents(dir + "/00000000000000000000.index").empty()); // not before flush
    ASSERT_EQ(seg->flush(), storage_errc::none);
    byte_buffer expected;
    for (int k : {2, 4, 6}) {
        uint8_t entry[8];
        be::store<int32_t>(entry, 3 * k + 2);                       // the batch's last offset
        be::store<int32_t>(entry + 4, static_cast<int32_t>(pos(k))); // the batch's position
        expected.insert(expected.end(), entry, entry + 8);
    }
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.index"), expected);
    byte_buffer expected_time;
    for (int k : {2, 4, 6}) {
        uint8_t entry[12];
        be::store<int64_t>(entry, 1000 * k + 2);
        be::store<int32_t>(entry + 8, 3 * k + 2);
        expected_time.insert(expected_time.end(), entry, entry + 12);
    }
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.timeindex"), expected_time);
}

TEST_F(segment_test, lookups_at_the_edges) {
    append_batches(7); // entries at offsets 8, 14, 20
    auto at = [&](int64_t o) { return seg->find_batch(offset(o)).value(); };
    EXPECT_EQ(at(0)->position, pos(0));  // first offset, before any entry
    EXPECT_EQ(at(5)->position, pos(1));  // before the first entry
    EXPECT_EQ(at(8)->position, pos(2));  // exactly an entry
    EXPECT_EQ(at(9)->position, pos(3));  // between entries
    EXPECT_EQ(at(13)->position, pos(4)); // just below an entry
    EXPECT_EQ(at(20)->position, pos(6)); // last offset, last entry
    EXPECT_EQ(at(20)->base_offset, offset(18));
    EXPECT_FALSE(at(21).has_value());    // beyond the end
    EXPECT_FALSE(at(1000).has_value());
}

TEST_F(segment_test, read_returns_whole_batches_within_max_bytes_but_at_least_one) {
    append_batches(4);
    auto range = seg->read(offset(4), 1).value(); // offset 4 is inside batch 1
    EXPECT_EQ(range.position, pos(1));
    EXPECT_EQ(range.length, batch_bytes); // larger than max_bytes, still one batch
    range = seg->read(offset(3), 2 * batch_bytes + 1).value();
    EXPECT_EQ(range.position, pos(1));
    EXPECT_EQ(range.length, 2 * batch_bytes);
    range = seg->read(offset(0), 1 << 20).value();
    EXPECT_EQ(range.length, 4 * batch_bytes);
    EXPECT_EQ(read_range(*range.file, range.position, range.length), concat(written));
    EXPECT_TRUE(seg->read(offset(12), 1 << 20).value().empty());
}

TEST_F(segment_test, timestamp_lookup_finds_the_first_record_at_or_after) {
    append_batches(7);
    auto find = [&](int64_t ts, int64_t min = 0) -> std::optional<offset> {
        auto found = seg->find_offset_by_timestamp(ts, offset(min)).value();
        if (found) return found->offset;
        return std::nullopt;
    };
    EXPECT_EQ(find(0), offset(0));
    EXPECT_EQ(find(1), offset(1));
    EXPECT_EQ(find(3), offset(3));     // between batches: the next batch's first record
    EXPECT_EQ(find(1000), offset(3));
    EXPECT_EQ(find(1001), offset(4));
    EXPECT_EQ(find(4002), offset(14)); // exactly the time index entry's record
    EXPECT_EQ(find(6002), offset(20)); // the last record
    EXPECT_EQ(find(6003), std::nullopt);
    EXPECT_EQ(find(0, 10), offset(10)); // not below the log start offset
}

TEST_F(segment_test, truncate_removes_the_batch_holding_the_offset_and_after) {
    append_batches(7);
    ASSERT_EQ(seg->flush(), storage_errc::none);
    ASSERT_EQ(seg->truncate_to(offset(13)), storage_errc::none); // inside batch 4 (12..14)
    EXPECT_EQ(seg->next_offset(), offset(12));
    EXPECT_EQ(seg->size_bytes(), pos(4));
    EXPECT_EQ(seg->index().size(), 1u); // the entry of batch 4 went
    EXPECT_EQ(seg->max_timestamp(), 3002);
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.log"),
              concat({written[0], written[1], written[2], written[3]}));
    ASSERT_EQ(seg->flush(), storage_errc::none);
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.index").size(), 8u);
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.timeindex").size(), 12u);
    byte_buffer again = batch(4);
    EXPECT_EQ(seg->append(protocol::record_batch_view(again), 0), storage_errc::none);
    EXPECT_EQ(seg->next_offset(), offset(15));
    ASSERT_EQ(seg->truncate_to(offset(0)), storage_errc::none);
    EXPECT_TRUE(seg->empty());
    EXPECT_EQ(seg->next_offset(), offset(0));
}

TEST_F(segment_test, reopen_after_flush_restores_the_state) {
    append_batches(7);
    seg->seal();
    ASSERT_EQ(seg->flush(), storage_errc::none);
    seg.reset();
    auto reopened = segment::open(fs, dir, offset(0), config);
    ASSERT_TRUE(reopened.ok());
    EXPECT_EQ((*reopened)->next_offset(), offset(21));
    EXPECT_EQ((*reopened)->size_bytes(), pos(7));
    EXPECT_EQ((*reopened)->max_timestamp(), 6002);
    EXPECT_EQ((*reopened)->index().size(), 3u);
    EXPECT_EQ((*reopened)->find_batch(offset(16)).value()->position, pos(5));
}

TEST_F(segment_test, missing_or_corrupt_index_is_rebuilt_on_open) {
    append_batches(7);
    ASSERT_EQ(seg->flush(), storage_errc::none);
    seg.reset();
    for (byte_buffer bad : {byte_buffer{}, byte_buffer{1, 2, 3}, byte_buffer(8, 0xff)}) {
        fs.set_contents(dir + "/00000000000000000000.index", bad);
        auto reopened = segment::open(fs, dir, offset(0), config);
        ASSERT_TRUE(reopened.ok());
        EXPECT_EQ((*reopened)->index().size(), 3u);
        EXPECT_EQ((*reopened)->index().last()->position, pos(6));
        EXPECT_EQ((*reopened)->next_offset(), offset(21));
    }
}

TEST_F(segment_test, open_refuses_a_torn_tail_and_recover_cuts_it) {
    append_batches(3);
    ASSERT_EQ(seg->flush(), storage_errc::none);
    seg.reset();
    byte_buffer log = fs.contents(dir + "/00000000000000000000.log");
    byte_buffer torn = log;
    torn.insert(torn.end(), written[0].begin(), written[0].begin() + 20);
    fs.set_contents(dir + "/00000000000000000000.log", torn);
    EXPECT_EQ(segment::open(fs, dir, offset(0), config).error(), storage_errc::corrupt);
    auto s = std::move(*segment::open_for_recovery(fs, dir, offset(0), config));
    segment_recovery r = s->recover().value();
    EXPECT_EQ(r.valid_bytes, pos(3));
    EXPECT_EQ(r.truncated_bytes, 20u);
    EXPECT_EQ(r.valid_batches, 3);
    EXPECT_EQ(r.next_offset, offset(9));
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.log"), log);
}

TEST_F(segment_test, recover_cuts_at_the_first_crc_mismatch) {
    append_batches(4);
    seg.reset();
    byte_buffer log = fs.contents(dir + "/00000000000000000000.log");
    log[pos(2) + 70] ^= 0x01; // a record byte of batch 2: under the CRC
    fs.set_contents(dir + "/00000000000000000000.log", log);
    auto s = std::move(*segment::open_for_recovery(fs, dir, offset(0), config));
    segment_recovery r = s->recover().value();
    EXPECT_EQ(r.valid_bytes, pos(2));
    EXPECT_EQ(r.truncated_bytes, 2 * batch_bytes);
    EXPECT_EQ(s->next_offset(), offset(6));
    EXPECT_EQ(s->index().size(), 0u); // batch 2 held the first entry
}

TEST_F(segment_test, enospc_short_write_is_reported_and_undone) {
    append_batches(2);
    fs.inject({.op = fs_op::write, .path_contains = ".log", .count = 1, .error = storage_errc::no_space,
               .short_write_bytes = 30});
    byte_buffer b = batch(2);
    EXPECT_EQ(seg->append(protocol::record_batch_view(b), 0), storage_errc::no_space);
    EXPECT_EQ(seg->next_offset(), offset(6));
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.log"), concat(written)); // short write cut
    EXPECT_EQ(seg->append(protocol::record_batch_view(b), 0), storage_errc::none);
    EXPECT_EQ(seg->next_offset(), offset(9));
}

TEST_F(segment_test, failed_undo_fails_the_segment_but_reads_still_work) {
    append_batches(2);
    fs.inject({.op = fs_op::write, .path_contains = ".log", .error = storage_errc::io_error, .short_write_bytes = 30});
    fs.inject({.op = fs_op::truncate, .error = storage_errc::io_error});
    byte_buffer b = batch(2);
    EXPECT_EQ(seg->append(protocol::record_batch_view(b), 0), storage_errc::io_error);
    EXPECT_TRUE(seg->failed());
    EXPECT_EQ(seg->append(protocol::record_batch_view(b), 0), storage_errc::failed);
    auto range = seg->read(offset(0), 1 << 20).value();
    EXPECT_EQ(read_range(*range.file, range.position, range.length), concat(written));
}

// Counts map_read_only calls, to prove sealed segments look entries up in mappings.
class mapping_counter final : public forwarding_file_system {
public:
    using forwarding_file_system::forwarding_file_system;
    int maps = 0;

    result<std::shared_ptr<const mapped_file>> map_read_only(const std::string& path) override {
        ++maps;
        return _inner.map_read_only(path);
    }
};

// Offset lookups at and between the entries (batches 2, 4, 6 hold them), before the first
// and past the last, and time lookups: the same whether entries are on the heap or mapped.
void expect_lookups(segment& s, uint64_t batch_bytes) {
    auto pos = [&](int k) { return k * batch_bytes; };
    EXPECT_EQ(s.index().lookup(offset(0)).position, 0u);
    EXPECT_EQ(s.index().lookup(offset(7)).position, 0u);    // below the first entry (offset 8)
    EXPECT_EQ(s.index().lookup(offset(8)).position, pos(2)); // exactly an entry
    EXPECT_EQ(s.index().lookup(offset(13)).position, pos(2)); // batch 4's entry is its last offset, 14
    EXPECT_EQ(s.index().lookup(offset(14)).position, pos(4));
    EXPECT_EQ(s.index().lookup(offset(1000)).position, pos(6));
    EXPECT_EQ(s.find_batch(offset(0)).value()->position, 0u);
    EXPECT_EQ(s.find_batch(offset(16)).value()->position, pos(5));
    EXPECT_EQ(s.find_batch(offset(20)).value()->position, pos(6));
    EXPECT_FALSE(s.find_batch(offset(21)).value().has_value());
    EXPECT_EQ(s.timestamps().lookup(-5).offset, offset(0));
    EXPECT_EQ(s.find_offset_by_timestamp(3001, offset(0)).value()->offset, offset(10));
    EXPECT_EQ(s.find_offset_by_timestamp(0, offset(0)).value()->offset, offset(0));
    EXPECT_FALSE(s.find_offset_by_timestamp(6003, offset(0)).value().has_value());
}

TEST_F(segment_test, sealed_segment_looks_up_entries_in_mappings) {
    append_batches(7);
    EXPECT_FALSE(seg->index().mapped());
    expect_lookups(*seg, batch_bytes);
    seg->seal();
    EXPECT_TRUE(seg->index().mapped());
    EXPECT_TRUE(seg->timestamps().mapped());
    EXPECT_EQ(seg->index().heap_entries(), 0u);
    EXPECT_EQ(seg->timestamps().heap_entries(), 0u);
    EXPECT_EQ(seg->index().size(), 3u);
    EXPECT_EQ(seg->timestamps().last()->timestamp, 6002); // the final entry is in the file
    expect_lookups(*seg, batch_bytes);
}

TEST_F(segment_test, reopened_segment_looks_up_entries_in_mappings) {
    append_batches(7);
    seg->seal();
    ASSERT_EQ(seg->flush(), storage_errc::none);
    seg.reset();
    mapping_counter counting(fs);
    auto reopened = std::move(*segment::open(counting, dir, offset(0), config));
    EXPECT_EQ(counting.maps, 2); // .index and .timeindex, nothing read into the heap
    EXPECT_TRUE(reopened->index().mapped());
    EXPECT_EQ(reopened->index().heap_entries(), 0u);
    EXPECT_EQ(reopened->timestamps().heap_entries(), 0u);
    expect_lookups(*reopened, batch_bytes);
    EXPECT_EQ(counting.maps, 2);
}

TEST_F(segment_test, truncating_a_sealed_segment_copies_its_entries_back_to_memory) {
    append_batches(7);
    seg->seal();
    ASSERT_EQ(seg->truncate_to(offset(12)), storage_errc::none); // cuts batches 4..6
    EXPECT_FALSE(seg->index().mapped());
    EXPECT_EQ(seg->index().size(), 1u);
    byte_buffer b = batch(4);
    ASSERT_EQ(seg->append(protocol::record_batch_view(b), 0), storage_errc::none);
    ASSERT_EQ(seg->flush(), storage_errc::none);
    EXPECT_EQ(fs.contents(dir + "/00000000000000000000.index").size(), 2 * offset_index_entry::bytes);
    seg.reset();
    auto reopened = std::move(*segment::open(fs, dir, offset(0), config));
    EXPECT_EQ(reopened->index().last()->position, pos(4));
    EXPECT_EQ(reopened->next_offset(), offset(15));
}

TEST_F(segment_test, txn_index_file_is_created_empty_and_removed_with_the_segment) {
    const std::string txn_path = dir + "/00000000000000000000.txnindex";
    ASSERT_TRUE(fs.exists(txn_path));
    EXPECT_TRUE(fs.contents(txn_path).empty());
    ASSERT_EQ(seg->remove_files(), storage_errc::none);
    EXPECT_FALSE(fs.exists(txn_path));
    EXPECT_FALSE(fs.exists(dir + "/00000000000000000000.log"));
}

} // namespace
} // namespace sluice::storage
