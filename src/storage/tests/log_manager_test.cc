// log_manager: loading a log directory, checkpoints, the clean-shutdown marker, topic
// overrides, partition deletion, and a 10,000-partition start that reads no segment.
#include <gtest/gtest.h>

#include "storage/checkpoint_file.h"
#include "storage/completion_queue.h"
#include "storage/log_manager.h"
#include "storage/memory_file_system.h"
#include "storage/tests/storage_test_util.h"

namespace sluice::storage {
namespace {

using namespace test;
using model::leader_epoch;
using model::offset;
using model::partition_id;

const std::string dir = "/data";

// Counts what is read from .log files, to prove a clean start scans nothing.
class counting_file_system final : public forwarding_file_system {
public:
    using forwarding_file_system::forwarding_file_system;
    uint64_t log_reads = 0, log_bytes_read = 0, largest_log_read = 0;

    result<std::shared_ptr<file_handle>> open(const std::string& path, open_mode mode) override {
        auto file = _inner.open(path, mode);
        if (!file || !path.ends_with(".log")) return file;
        return std::shared_ptr<file_handle>(std::make_shared<counting_file>(*this, std::move(*file)));
    }
private:
    class counting_file final : public file_handle {
    public:
        counting_file(counting_file_system& fs, std::shared_ptr<file_handle> file) : _fs(fs), _file(std::move(file)) {}
        const std::string& path() const noexcept override { return _file->path(); }
        result<size_t> read_at(uint64_t position, std::span<uint8_t> buffer) override {
            ++_fs.log_reads;
            _fs.log_bytes_read += buffer.size();
            _fs.largest_log_read = std::max<uint64_t>(_fs.largest_log_read, buffer.size());
            return _file->read_at(position, buffer);
        }
        storage_errc write_at(uint64_t position, byte_view data) override { return _file->write_at(position, data); }
        storage_errc append(byte_view data) override { return _file->append(data); }
        storage_errc fdatasync() override { return _file->fdatasync(); }
        storage_errc truncate(uint64_t size) override { return _file->truncate(size); }
        result<uint64_t> size() override { return _file->size(); }
        int native_handle() const noexcept override { return _file->native_handle(); }

    private:
        counting_file_system& _fs;
        std::shared_ptr<file_handle> _file;
    };
};

struct fixture {
    memory_file_system fs;
    manual_clock clock;
    completion_queue owner;

    std::unique_ptr<log_manager> open(file_system& on, log_manager_options options = {}) {
        options.post = owner.poster();
        options.flush_thread = false;
        auto m = log_manager::open(on, clock, log_dir_config_from(dir, {}), std::move(options));
        EXPECT_TRUE(m.ok());
        return std::move(*m);
    }
    std::unique_ptr<log_manager> open() { return open(fs); }
    // Appends a batch and waits (running the flush service's rounds) for it to be durable.
    void append_synced(log_manager& m, partition_log& p, int records = 3) {
        byte_buffer batch = make_batch(records);
        auto appended = p.log->append(batch, leader_epoch(0));
        ASSERT_TRUE(appended.ok());
        bool done = false;
        p.syncer->wait_durable(offset(appended->last_offset.value() + 1), [&](storage_errc e) {
            done = e == storage_errc::none;
        });
        m.flusher().run_round();
        owner.run_ready();
        ASSERT_TRUE(done);
    }
};

bool append_unsynced(partition_log& p, int records) {
    byte_buffer batch = make_batch(records);
    return p.log->append(batch, leader_epoch(0)).ok();
}

const topic_partition orders0{"orders", partition_id(0)};
const topic_partition orders1{"orders", partition_id(1)};

TEST(topic_partition, directory_names) {
    EXPECT_EQ(orders1.dir_name(), "orders-1");
    EXPECT_EQ(topic_partition::parse("my-topic.v2-17"), (topic_partition{"my-topic.v2", partition_id(17)}));
    EXPECT_FALSE(topic_partition::parse("orders-0.0a1b2c-delete"));
    EXPECT_FALSE(topic_partition::parse("recovery-point-offset-checkpoint"));
    EXPECT_FALSE(topic_partition::parse("meta.properties"));
    EXPECT_FALSE(topic_partition::parse("orders-"));
    EXPECT_FALSE(topic_partition::parse("-3"));
}

TEST(log_settings, broker_keys_and_topic_overrides) {
    log_dir_config c = log_dir_config_from(dir, {{"log.segment.bytes", "1048576"},
                                                 {"log.roll.hours", "2"},
                                                 {"log.index.interval.bytes", "100"},
                                                 {"log.flush.interval.messages", "1000"},
                                                 {"log.max.open.files", "500"},
                                                 {"retention.ms", "1"}});
    EXPECT_EQ(c.defaults.log.segment.segment_bytes, 1048576);
    EXPECT_EQ(c.defaults.log.segment_ms, 2 * 3'600'000);
    EXPECT_EQ(c.defaults.log.segment.index_interval_bytes, 100);
    EXPECT_EQ(c.defaults.flush.flush_messages, 1000);
    EXPECT_EQ(c.defaults.flush.flush_ms, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(c.max_open_files, 500u);
    // log.roll.ms wins over log.roll.hours.
    EXPECT_EQ(log_dir_config_from(dir, {{"log.roll.hours", "2"}, {"log.roll.ms", "5000"}}).defaults.log.segment_ms, 5000);
    log_settings t = with_topic_overrides(c.defaults, {{"segment.bytes", "4096"},
                                                       {"segment.ms", "60000"},
                                                       {"message.timestamp.type", "LogAppendTime"},
                                                       {"flush.ms", "10"}});
    EXPECT_EQ(t.log.segment.segment_bytes, 4096);
    EXPECT_EQ(t.log.segment_ms, 60000);
    EXPECT_TRUE(t.log.log_append_time);
    EXPECT_EQ(t.flush.flush_ms, 10);
    EXPECT_EQ(t.flush.flush_messages, 1000); // the broker default stays
    EXPECT_THROW(with_topic_overrides(c.defaults, {{"segment.bytes", "10"}}), config_error);
    EXPECT_THROW(with_topic_overrides(c.defaults, {{"flush.messages", "many"}}), config_error);
    EXPECT_THROW(log_dir_config_from(dir, {{"log.message.timestamp.type", "Now"}}), config_error);
}

TEST(log_manager, clean_shutdown_writes_checkpoints_and_marker_and_the_next_start_skips_scans) {
    fixture f;
    auto m = f.open();
    partition_log* p0 = *m->create(orders0, m->config().defaults);
    partition_log* p1 = *m->create(orders1, m->config().defaults);
    f.append_synced(*m, *p0);
    f.append_synced(*m, *p1);
    ASSERT_TRUE(append_unsynced(*p1, 2)); // not synced yet
    ASSERT_EQ(m->shutdown(), storage_errc::none);
    EXPECT_TRUE(has_clean_shutdown_marker(f.fs, dir));
    auto points = *read_offset_checkpoint(f.fs, dir, "recovery-point-offset-checkpoint");
    EXPECT_EQ(points, (std::vector<partition_offset>{{"orders", partition_id(0), offset(3)},
                                                     {"orders", partition_id(1), offset(5)}}));
    m.reset();

    m = f.open();
    EXPECT_TRUE(m->load_report().clean_shutdown);
    EXPECT_EQ(m->load_report().logs, 2u);
    EXPECT_EQ(m->load_report().segments_scanned, 0u);
    EXPECT_FALSE(has_clean_shutdown_marker(f.fs, dir)); // a crash from now on is not clean
    EXPECT_EQ(m->find(orders1)->log->log_end_offset(), offset(5));
}

TEST(log_manager, a_clean_shutdown_skips_the_syncs_of_empty_logs) {
    fixture f;
    auto m = f.open();
    ASSERT_TRUE(m->create(orders0, m->config().defaults).ok());
    // Any fdatasync fails: an empty log must not need one.
    f.fs.inject({.op = fs_op::sync, .path_contains = "orders-0"});
    ASSERT_EQ(m->shutdown(), storage_errc::none);
    f.fs.clear_faults();
    m.reset();
    m = f.open();
    EXPECT_TRUE(m->load_report().clean_shutdown);
    EXPECT_EQ(m->find(orders0)->log->log_end_offset(), offset(0));
}

TEST(log_manager, after_a_crash_logs_recover_from_the_checkpointed_recovery_point) {
    fixture f;
    auto m = f.open();
    partition_log* p = *m->create(orders0, m->config().defaults);
    f.append_synced(*m, *p);
    ASSERT_EQ(m->write_checkpoints(), storage_errc::none);
    f.append_synced(*m, *p); // durable, but after the checkpoint
    ASSERT_TRUE(append_unsynced(*p, 5)); // lost in the crash
    f.fs.crash(20);
    m.reset();
    m = f.open();
    EXPECT_FALSE(m->load_report().clean_shutdown);
    EXPECT_EQ(m->load_report().segments_scanned, 1u);
    EXPECT_EQ(m->load_report().bytes_truncated, 20u);
    EXPECT_EQ(m->find(orders0)->log->log_end_offset(), offset(6));
}

TEST(log_manager, tick_writes_checkpoints_at_their_interval_and_applies_flush_ms) {
    fixture f;
    auto m = f.open(f.fs, {.settings_for = [](const std::string&) {
                        log_settings s;
                        s.flush.flush_ms = 100;
                        return s;
                    }});
    partition_log* p = *m->create(orders0, with_topic_overrides({}, {{"flush.ms", "100"}}));
    ASSERT_TRUE(append_unsynced(*p, 3));
    f.clock.advance(100);
    ASSERT_EQ(m->tick(), storage_errc::none);
    m->flusher().run_round();
    f.owner.run_ready();
    EXPECT_EQ(p->log->recovery_point(), offset(3));
    EXPECT_FALSE(f.fs.exists(dir + "/recovery-point-offset-checkpoint"));
    f.clock.advance(checkpoint_interval_ms_default);
    ASSERT_EQ(m->tick(), storage_errc::none);
    auto points = *read_offset_checkpoint(f.fs, dir, "recovery-point-offset-checkpoint");
    EXPECT_EQ(points, (std::vector<partition_offset>{{"orders", partition_id(0), offset(3)}}));
}

TEST(log_manager, topic_settings_apply_at_load) {
    fixture f;
    auto small = [](const std::string& topic) {
        return with_topic_overrides({}, topic == "small" ? properties{{"segment.bytes", "200"}} : properties{});
    };
    auto m = f.open(f.fs, {.settings_for = small});
    partition_log* p = *m->create({"small", partition_id(0)}, small("small"));
    for (int i = 0; i < 5; ++i) f.append_synced(*m, *p);
    EXPECT_GT(p->log->segment_count(), 1u);
    ASSERT_EQ(m->shutdown(), storage_errc::none);
    m.reset();
    m = f.open(f.fs, {.settings_for = small});
    EXPECT_EQ(m->find({"small", partition_id(0)})->settings.log.segment.segment_bytes, 200);
}

TEST(log_manager, delete_renames_then_removes_and_a_leftover_is_finished_at_load) {
    fixture f;
    auto m = f.open();
    partition_log* p = *m->create(orders0, m->config().defaults);
    f.append_synced(*m, *p);
    ASSERT_EQ(m->remove(orders0), storage_errc::none);
    EXPECT_EQ(m->find(orders0), nullptr);
    EXPECT_EQ(*f.fs.list_dir(dir), std::vector<std::string>{});
    EXPECT_EQ(m->remove(orders0), storage_errc::not_found);
    // A crash between the rename and the removal.
    ASSERT_EQ(f.fs.mkdir(dir + "/orders-1.0123abcd-delete"), storage_errc::none);
    f.fs.set_contents(dir + "/orders-1.0123abcd-delete/00000000000000000000.log", make_batch(1));
    m.reset();
    m = f.open();
    EXPECT_EQ(m->load_report().deleted_directories, 1u);
    EXPECT_EQ(m->size(), 0u);
    EXPECT_FALSE(f.fs.exists(dir + "/orders-1.0123abcd-delete"));
}

TEST(log_manager, ten_thousand_partitions_start_clean_without_reading_segments) {
    const int partitions = 10'000;
    fixture f;
    auto m = f.open();
    uint64_t stored = 0;
    for (int i = 0; i < partitions; ++i) {
        partition_log* p = *m->create({"t", partition_id(i)}, m->config().defaults);
        byte_buffer batch = make_batch(2);
        stored += batch.size();
        ASSERT_TRUE(p->log->append(batch, leader_epoch(0)).ok());
    }
    EXPECT_LE(m->files().open_files(), m->files().max_open_files());
    ASSERT_EQ(m->shutdown(), storage_errc::none);
    m.reset();

    counting_file_system counting(f.fs);
    m = f.open(counting);
    EXPECT_TRUE(m->load_report().clean_shutdown);
    EXPECT_EQ(m->load_report().logs, static_cast<size_t>(partitions));
    EXPECT_EQ(m->load_report().segments_scanned, 0u);
    // At most the batch header chain after the last index entry (Kafka reads the active
    // segment's tail the same way), never a record body: no CRC scan.
    EXPECT_LE(counting.largest_log_read, protocol::batch_format::header_bytes);
    EXPECT_LE(counting.log_reads, static_cast<uint64_t>(partitions));
    EXPECT_LT(counting.log_bytes_read, stored);
    EXPECT_EQ(m->find({"t", partition_id(9'999)})->log->log_end_offset(), offset(2));
    m.reset();

    // Without the marker (a crash) and without checkpoints, every segment is scanned.
    ASSERT_EQ(f.fs.remove(dir + "/recovery-point-offset-checkpoint"), storage_errc::none);
    counting_file_system scanning(f.fs);
    m = f.open(scanning);
    EXPECT_EQ(m->load_report().segments_scanned, static_cast<size_t>(partitions));
    EXPECT_GE(scanning.log_bytes_read, stored);
}

} // namespace
} // namespace sluice::storage

namespace sluice::storage {
namespace {

// Two managers over one directory, as the broker's shards run them: each loads only its own
// partitions and writes its own checkpoints; a later layout (one manager) finds everything.
TEST(log_manager, managers_sharing_a_directory_split_partitions_and_merge_checkpoints) {
    fixture f;
    auto options_for = [](int shard) {
        log_manager_options o;
        o.owns = [shard](const topic_partition& tp) { return tp.partition.value() % 2 == shard; };
        o.checkpoint_suffix = "." + std::to_string(shard);
        o.shared_directory = true;
        return o;
    };
    {
        auto a = f.open(f.fs, options_for(0));
        auto b = f.open(f.fs, options_for(1));
        auto p0 = a->create(orders0, a->config().defaults);
        auto p1 = b->create(orders1, b->config().defaults);
        ASSERT_TRUE(p0.ok() && p1.ok());
        f.append_synced(*a, **p0, 3);
        f.append_synced(*b, **p1, 5);
        ASSERT_EQ((*p1)->log->delete_records(offset(2)), storage_errc::none);
        ASSERT_EQ(a->shutdown(), storage_errc::none);
        ASSERT_EQ(b->shutdown(), storage_errc::none);
        EXPECT_FALSE(has_clean_shutdown_marker(f.fs, dir)); // the caller's to write
        EXPECT_TRUE(f.fs.exists(dir + "/recovery-point-offset-checkpoint.0"));
        EXPECT_TRUE(f.fs.exists(dir + "/recovery-point-offset-checkpoint.1"));
    }
    {
        auto again = f.open(f.fs, options_for(1));
        EXPECT_EQ(again->size(), 1u);
        EXPECT_NE(again->find(orders1), nullptr);
        EXPECT_EQ(again->find(orders0), nullptr);
        ASSERT_EQ(again->shutdown(), storage_errc::none);
    }
    // One manager for the whole directory: both partitions, offsets from both files.
    log_manager_options one;
    one.shared_directory = true;
    one.clean_shutdown = true; // no scan: the recovery points must come from the files
    auto all = f.open(f.fs, std::move(one));
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ(all->find(orders0)->log->recovery_point(), offset(3));
    EXPECT_EQ(all->find(orders1)->log->recovery_point(), offset(5));
    EXPECT_EQ(all->find(orders1)->log->log_start_offset(), offset(2));
}

} // namespace
} // namespace sluice::storage
