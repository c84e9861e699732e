// Group coordinator benchmark against a running broker (bench/group_bench.sh starts one):
//
//   group_bench stabilise <port> <members> <heartbeat ms> <joins>
//       <members> members (one connection and thread each, Kafka's classic protocol: JoinGroup
//       with the KIP-394 member-id round trip, SyncGroup, Heartbeat every <heartbeat ms>) form a
//       stable group; then one more member joins, <joins> times. Reports the time from the new
//       member's first JoinGroup until every member has finished SyncGroup of the new
//       generation. The existing members learn of the rebalance from their next heartbeat, so
//       the time is bounded below by the heartbeat interval (clients default to 3000 ms).
//   group_bench commits <port> <connections> <seconds>
//       each connection commits one offset per OffsetCommit (v8, standalone consumer: generation
//       -1), waiting for each answer (a commit is answered once it is on disk): commits/s and
//       latency percentiles.
//
// Plain key=value output.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/tests/test_client.h"
#include "protocol/api_table.h"
#include "protocol/generated/all_messages.h"

using namespace sluice;
namespace msg = protocol::msg;
using protocol::error_code;
using steady = std::chrono::steady_clock;

namespace {

uint16_t port = 0;

template <typename Response, typename Request>
std::optional<Response> call(net::testing::test_client& c, const Request& req, int16_t version, int32_t correlation) {
    msg::request_header header;
    header.request_api_key = Request::api_key;
    header.request_api_version = version;
    header.correlation_id = correlation;
    header.client_id = "group-bench";
    const protocol::api_info* api = protocol::find_api(Request::api_key);
    byte_buffer frame = header.encode(protocol::request_header_version(*api, version));
    byte_buffer body = req.encode(version);
    frame.insert(frame.end(), body.begin(), body.end());
    c.send_frame(std::string_view(reinterpret_cast<const char*>(frame.data()), frame.size()));
    auto answer = c.read_frame(std::chrono::seconds(120));
    if (!answer) return std::nullopt;
    protocol::reader r(byte_view(reinterpret_cast<const uint8_t*>(answer->data()), answer->size()));
    msg::response_header h;
    h.read(r, protocol::response_header_version(*api, version));
    Response out;
    if (!out.decode(byte_view(r.position(), r.remaining()), version)) return std::nullopt;
    return out;
}

struct group_state {
    std::mutex mutex;
    // member index -> (generation, time its SyncGroup completed)
    std::vector<std::pair<int32_t, steady::time_point>> synced;
    std::atomic<bool> stop{false};
};

void member(int index, int heartbeat_ms, group_state& g) {
    net::testing::test_client c(port);
    int32_t correlation = 0;
    std::string member_id;
    auto join_and_sync = [&]() -> bool {
        for (;;) {
            msg::join_group_request join;
            join.group_id = "bench";
            join.session_timeout_ms = 30'000;
            join.rebalance_timeout_ms = 60'000;
            join.member_id = member_id;
            join.protocol_type = "consumer";
            auto& p = join.protocols.emplace_back();
            p.name = "range";
            auto joined = call<msg::join_group_response>(c, join, 9, ++correlation);
            if (!joined) return false;
            if (joined->error_code == error_code::member_id_required) {
                member_id = joined->member_id;
                continue;
            }
            if (joined->error_code != error_code::none) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                continue;
            }
            member_id = joined->member_id;
            msg::sync_group_request sync;
            sync.group_id = "bench";
            sync.generation_id = joined->generation_id;
            sync.member_id = member_id;
            sync.protocol_type = "consumer";
            sync.protocol_name = "range";
            if (joined->leader == member_id)
                for (const auto& m : joined->members) {
                    auto& a = sync.assignments.emplace_back();
                    a.member_id = m.member_id;
                    a.assignment = {0, 1};
                }
            auto synced = call<msg::sync_group_response>(c, sync, 5, ++correlation);
            if (!synced) return false;
            if (synced->error_code == error_code::rebalance_in_progress) continue;
            if (synced->error_code != error_code::none) return false;
            std::lock_guard lock(g.mutex);
            g.synced[static_cast<size_t>(index)] = {joined->generation_id, steady::now()};
            return true;
        }
    };
    if (!join_and_sync()) return;
    while (!g.stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(heartbeat_ms));
        msg::heartbeat_request hb;
        hb.group_id = "bench";
        hb.member_id = member_id;
        {
            std::lock_guard lock(g.mutex);
            hb.generation_id = g.synced[static_cast<size_t>(index)].first;
        }
        auto answer = call<msg::heartbeat_response>(c, hb, 4, ++correlation);
        if (!answer) return;
        if (answer->error_code == error_code::rebalance_in_progress && !join_and_sync()) return;
    }
    msg::leave_group_request leave;
    leave.group_id = "bench";
    leave.members.emplace_back().member_id = member_id;
    (void)call<msg::leave_group_response>(c, leave, 5, ++correlation);
}

// Waits until members [0, count) all synced one generation above `after`; that generation and
// the latest sync time.
std::pair<int32_t, steady::time_point> wait_stable(group_state& g, size_t count, int32_t after) {
    for (;;) {
        {
            std::lock_guard lock(g.mutex);
            int32_t gen = g.synced[0].first;
            bool same = gen > after;
            steady::time_point last{};
            for (size_t i = 0; i < count && same; ++i) {
                same = g.synced[i].first == gen;
                last = std::max(last, g.synced[i].second);
            }
            if (same) return {gen, last};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

int stabilise(int members, int heartbeat_ms, int joins) {
    group_state g;
    g.synced.assign(static_cast<size_t>(members + joins), {-1, {}});
    std::vector<std::thread> threads;
    for (int i = 0; i < members; ++i) threads.emplace_back(member, i, heartbeat_ms, std::ref(g));
    auto [gen, at] = wait_stable(g, static_cast<size_t>(members), 0);
    std::vector<double> ms;
    for (int j = 0; j < joins; ++j) {
        const auto t0 = steady::now();
        threads.emplace_back(member, members + j, heartbeat_ms, std::ref(g));
        auto [next, last] = wait_stable(g, static_cast<size_t>(members + j + 1), gen);
        gen = next;
        ms.push_back(std::chrono::duration<double, std::milli>(last - t0).count());
    }
    g.stop = true;
    for (auto& t : threads) t.join();
    std::sort(ms.begin(), ms.end());
    std::printf("members=%d heartbeat_ms=%d joins=%d stabilise_ms_min=%.1f stabilise_ms_median=%.1f stabilise_ms_max=%.1f "
                "generation=%d\n",
                members, heartbeat_ms, joins, ms.front(), ms[ms.size() / 2], ms.back(), gen);
    return 0;
}

int commits(int connections, int seconds) {
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::vector<double> latencies_us;
    std::atomic<uint64_t> failed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < connections; ++i)
        threads.emplace_back([&, i] {
            net::testing::test_client c(port);
            std::vector<double> mine;
            int32_t correlation = 0;
            for (int64_t offset = 0; !stop.load(); ++offset) {
                msg::offset_commit_request req;
                req.group_id = "bench-commits-" + std::to_string(i);
                auto& t = req.topics.emplace_back();
                t.name = "bench-commits";
                auto& p = t.partitions.emplace_back();
                p.partition_index = model::partition_id{0};
                p.committed_offset = model::offset{offset};
                const auto t0 = steady::now();
                auto answer = call<msg::offset_commit_response>(c, req, 8, ++correlation);
                if (!answer || answer->topics.empty() ||
                    answer->topics[0].partitions[0].error_code != error_code::none) {
                    ++failed;
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    continue;
                }
                mine.push_back(std::chrono::duration<double, std::micro>(steady::now() - t0).count());
            }
            std::lock_guard lock(mutex);
            latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
        });
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    std::sort(latencies_us.begin(), latencies_us.end());
    auto pct = [&](double q) {
        return latencies_us.empty() ? 0.0 : latencies_us[std::min(latencies_us.size() - 1, size_t(q * latencies_us.size()))];
    };
    std::printf("connections=%d seconds=%d commits=%zu commits_per_s=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f failed=%llu\n",
                connections, seconds, latencies_us.size(), double(latencies_us.size()) / seconds, pct(0.5), pct(0.99),
                latencies_us.empty() ? 0.0 : latencies_us.back(), static_cast<unsigned long long>(failed.load()));
    return 0;
}

// FindCoordinator: creates __consumer_offsets on a fresh broker before the measured traffic.
bool find_coordinator() {
    net::testing::test_client c(port);
    msg::find_coordinator_request req;
    req.key = "bench";
    auto answer = call<msg::find_coordinator_response>(c, req, 3, 1);
    return answer && answer->error_code == error_code::none;
}

} // namespace

int main(int argc, char** argv) {
    if (argc >= 3) {
        port = static_cast<uint16_t>(std::atoi(argv[2]));
        if (!find_coordinator()) {
            std::fprintf(stderr, "FindCoordinator failed on port %u\n", port);
            return 1;
        }
    }
    if (argc == 6 && std::string(argv[1]) == "stabilise") {
        return stabilise(std::atoi(argv[3]), std::atoi(argv[4]), std::atoi(argv[5]));
    }
    if (argc == 5 && std::string(argv[1]) == "commits") {
        return commits(std::atoi(argv[3]), std::atoi(argv[4]));
    }
    std::fprintf(stderr, "usage: group_bench stabilise <port> <members> <heartbeat ms> <joins>\n"
                         "       group_bench commits <port> <connections> <seconds>\n");
    return 2;
}
