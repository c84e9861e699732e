#!/usr/bin/env bash
# Sluice side by side with librdkafka's mock cluster and the machine's limits, in one run (issue 7).
# The machine is shared and noisy, so every figure that matters is a ratio within this run:
# Sluice/mock (same client, same workload, minutes apart) and Sluice/limit (iperf3 on loopback,
# fio with the broker's fsync cadence).
#
# 1. Builds the peer (mock_broker.c), the throughput client (librdkafka's
#    examples/rdkafka_performance.c, with the two internal headers it wants supplied from shim/)
#    and the fixed-rate latency client (latency_client.c) into <build>/bench/compare.
# 2. Starts a release Sluice broker on a temporary log dir and the mock, creates the same topics.
# 3. Runs each latency workload once per broker (fixed rate; delivery latency, and end-to-end
#    latency against Sluice).
# 4. Runs each throughput workload BENCH_REPEATS times (default 3), alternating which broker goes
#    first (the consume workload right after its topic is filled, before the latency runs), reading the broker's CPU time (utime+stime, /proc/<pid>/stat) before and after, and
#    its peak RSS (VmHWM, reset through /proc/<pid>/clear_refs before each run).
# 5. Measures loopback TCP (iperf3) and sequential writes with fdatasync (fio: 1 MiB writes, the
#    durable throughput limit; 4 KiB writes, the fdatasync latency the acks=all target uses).
# 6. Writes bench/results/<date>-<commit>.md and the chart beside it (.png, report.py).
#
# usage: bench/compare/run.sh [build dir=build/release] [work dir=/var/tmp/sluice-compare]
# env:   BENCH_REPEATS (3), BENCH_LATENCY_SECONDS (6, measured seconds per latency run)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/release}
work=${2:-/var/tmp/sluice-compare}
sluice=$build/src/app/sluice
out=$build/bench/compare
repeats=${BENCH_REPEATS:-3}
latency_s=${BENCH_LATENCY_SECONDS:-6}
# A run that needs longer than this is reported as failed (keeps the whole run under 10 minutes).
client_timeout_s=40
[ -x "$sluice" ] || { echo "run.sh: no $sluice (make build)"; exit 1; }

# What the machine was doing before we added to it: load average, and the CPU idle share of two
# one-second vmstat samples (the first line vmstat prints averages since boot, so it is dropped).
loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)
idle_before=$(vmstat 1 3 | awk 'NR > 3 {printf "%s%s", sep, $15; sep = " "}')
started=$(date +%s)
echo "before: loadavg $loadavg_before, vmstat idle% $idle_before ($(nproc) cores)"

mkdir -p "$out" "$work"
gcc -O2 -Wall -o "$out/mock_broker" "$here/mock_broker.c" -lrdkafka -lpthread
# rdkafka_performance.c ships with librdkafka-dev (gzip-compressed on some Debian releases).
example=/usr/share/doc/librdkafka-dev/examples/rdkafka_performance.c
if [ -f "$example" ]; then cp "$example" "$out/rdkafka_performance.c"
else gunzip -c "$example.gz" >"$out/rdkafka_performance.c"; fi
gcc -O2 -w -I"$here/shim/src" -I/usr/include/librdkafka -o "$out/rdkafka_performance" \
    "$out/rdkafka_performance.c" -lrdkafka -lm
perf=$out/rdkafka_performance
gcc -O2 -Wall -o "$out/latency_client" "$here/latency_client.c" -lrdkafka -lpthread
gcc -O2 -Wall -o "$out/wire_latency" "$here/wire_latency.c" -lpthread

run_dir=$(mktemp -d "$work/run.XXXXXX")
results=$run_dir/results.jsonl
: >"$results"
port=$((20000 + RANDOM % 20000))
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$run_dir"
}
trap cleanup EXIT

# Throughput workloads: name, topic, partitions, record bytes, acks, record count. A subset of
# issue 7's {100 B, 1 KiB} x {acks=1, acks=all} x {1, 8, 100} partitions that fits the 10-minute
# budget on 2 cores with 3 repeats (bench/README.md says which are left out). Counts are sized
# for ~2-6 s per run (1-2 s runs swung the ratios by 50%).
workloads=(
    "produce_1k_acks1_1p      bench-p1k-a1-1     1 1024  1 600000"
    "produce_1k_acks1_8p      bench-p1k-a1-8     8 1024  1 1000000"
    "produce_1k_acks1_100p    bench-p1k-a1-100 100 1024  1 800000"
    "produce_1k_acksall_8p    bench-p1k-all-8    8 1024 -1 800000"
    "produce_1k_acksall_100p  bench-p1k-all-100 100 1024 -1 800000"
    "produce_100b_acks1_1p    bench-p100-a1-1    1  100  1 2500000"
    "produce_100b_acks1_8p    bench-p100-a1-8    8  100  1 2500000"
    "produce_100b_acksall_8p  bench-p100-all-8   8  100 -1 1500000"
)
# The consume topic holds at most ~3 MiB per partition because the mock keeps only the last
# 5 MiB of each partition.
consume_topic=bench-consume-64
consume_records=192000
# Latency workloads: name, topic, partitions, record bytes, acks, msgs/s (issue 7: 10k msg/s of
# 100 B; 50 MB/s of 1 KiB = 48,828 msgs/s).
latency_workloads=(
    "latency_100b_acks1_10k     bench-l100-a1    8  100  1 10000"
    "latency_100b_acksall_10k   bench-l100-all   8  100 -1 10000"
    "latency_1k_acks1_50MBps    bench-l1k-a1     8 1024  1 48828"
)

topics=()
for w in "${workloads[@]}" "${latency_workloads[@]}"; do read -r _ t p _ <<<"$w"; topics+=("$t:$p"); done
topics+=("$consume_topic:64")

"$sluice" serve --set "listeners=PLAINTEXT://127.0.0.1:$port" --set "log.dirs=$run_dir/sluice" \
    >"$run_dir/sluice.log" 2>&1 &
sluice_pid=$!; pids+=("$sluice_pid")
"$out/mock_broker" "${topics[@]}" >"$run_dir/mock.out" 2>"$run_dir/mock.log" &
mock_pid=$!; pids+=("$mock_pid")
for _ in $(seq 100); do
    grep -q '^bootstrap=' "$run_dir/mock.out" && kcat -b "127.0.0.1:$port" -L -m 1 >/dev/null 2>&1 && break
    sleep 0.1
done
mock_bootstrap=$(sed -n 's/^bootstrap=//p' "$run_dir/mock.out")
sluice_bootstrap=127.0.0.1:$port
for spec in "${topics[@]}"; do
    "$sluice" topic create "${spec%:*}" -b "$sluice_bootstrap" --partitions "${spec##*:}" >/dev/null
done
echo "sluice pid $sluice_pid on $sluice_bootstrap, mock pid $mock_pid on $mock_bootstrap"

# Memory that the page cache can take without the hypervisor's first touch. On these VMs
# (Firecracker) a page the guest has not used yet, or gave back, costs the host a fault when
# the page cache first takes it: buffered writes then cost 3-6 CPU-s/GB instead of 0.3-0.6
# (docs/performance.md: the same 1 GB Sluice run took 5.2 CPU-s/GB, and 0.5-0.6 right after
# this warm-up). A broker that has run for a while recycles its page cache and never pays it,
# so every produce run, mock and Sluice alike, starts right after the page cache has taken
# and given back as many bytes as the run will write: fio writes them to a scratch file that
# is deleted at once (its dirty pages are dropped, not written back, so the disk stays quiet).
warm_memory() {
    local bytes=$1
    fio --name=warm --filename="$run_dir/warm.dat" --rw=write --bs=1M --ioengine=psync --direct=0 \
        --fallocate=none --size="$bytes" --output-format=terse >/dev/null
    rm -f "$run_dir/warm.dat"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
reset_peak_rss() { echo 5 >"/proc/$1/clear_refs"; }
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# measure <workload> <repeat> <broker name> <broker pid> <records expected> <client> <args...>:
# one client run, one JSON line.
measure() {
    local workload=$1 repeat=$2 broker=$3 pid=$4 expected=$5 client=$6; shift 6
    local ticks_before ticks_after log=$run_dir/$workload.$repeat.$broker.log
    reset_peak_rss "$pid"
    ticks_before=$(cpu_ticks "$pid")
    timeout -s INT "$client_timeout_s" "$client" "$@" >"$log" 2>&1 || true
    ticks_after=$(cpu_ticks "$pid")
    python3 "$here/parse_client.py" "$log" "$workload" "$broker" \
        "$(( ticks_after - ticks_before ))" "$(getconf CLK_TCK)" "$(peak_rss_kib "$pid")" "$expected" "$repeat" >>"$results"
    tail -n 1 "$results" | cut -c1-240
}
use_broker() {
    if [ "$1" = mock ]; then pid=$mock_pid; bootstrap=$mock_bootstrap
    else pid=$sluice_pid; bootstrap=$sluice_bootstrap; fi
}

# Consume catch-up topic: filled once per broker (not measured), read from the start each repeat.
for broker in mock sluice; do
    use_broker $broker
    # A random partition per record: the default sticky partitioner sends ~10 ms of records to
    # one partition, which would overflow the mock's 5 MiB per partition and lose records.
    timeout "$client_timeout_s" "$perf" -q -P -t "$consume_topic" -b "$bootstrap" -s 1024 -a 1 \
        -X sticky.partitioning.linger.ms=0 -c "$consume_records" >"$run_dir/fill.$broker.log" 2>&1
done
partition_args=()
for p in $(seq 0 63); do partition_args+=(-p "$p"); done
# Catch-up reads, measured right after the fill: a consumer minutes behind, whose data is
# still in the page cache (the mock's is in its memory). Measured after the produce runs, the
# fill was ~10 GB of writes old and partly evicted, so Sluice's sendfile read it from disk in
# some repeats (0.60 x mock in one); that is a disk-read benchmark, not a fetch one.
for repeat in $(seq "$repeats"); do
    if [ $((repeat % 2)) = 1 ]; then order="mock sluice"; else order="sluice mock"; fi
    for broker in $order; do
        use_broker $broker
        measure consume_1k_64p "$repeat" "$broker" "$pid" "$consume_records" "$perf" -q -C -t "$consume_topic" \
            -b "$bootstrap" -o beginning -c "$consume_records" "${partition_args[@]}"
        # The broker's own fetch rate: the topic read 10 times over by wire_latency -F, which
        # walks batch headers only (the consumer above parses every record and is CPU-bound).
        measure wire_consume_1k_64p "$repeat" "$broker" "$pid" 0 "$out/wire_latency" -b "$bootstrap" \
            -t "$consume_topic" -p 64 -F $((consume_records * 10))
    done
done

# Latency at a fixed rate, once per broker, first: before the throughput runs leave gigabytes of
# writeback behind them. The client's JSON line carries the percentiles.
# Delivery latency with the producer alone; end-to-end (a consumer in the same client) against
# Sluice only: the mock's Fetch is no peer's (latency_client.c, bench/README.md), and serving it
# takes the mock's one thread, and its producer latency with it.
for w in "${latency_workloads[@]}"; do
    read -r name topic partitions size acks rate <<<"$w"
    for broker in mock sluice; do
        use_broker $broker
        warm_memory $((rate * size * (latency_s + 1) * 11 / 10))
        measure "$name" 1 "$broker" "$pid" 0 "$out/latency_client" -b "$bootstrap" -t "$topic" -s "$size" \
            -a "$acks" -r "$rate" -d "$latency_s" -w 1
    done
    # The broker's own latency, without librdkafka's thread hand-offs (wire_latency.c).
    if [ "$size" = 100 ]; then
        for broker in mock sluice; do
            use_broker $broker
            measure "wire_${name#latency_}" 1 "$broker" "$pid" 0 "$out/wire_latency" -b "$bootstrap" -t "$topic" \
                -p "$partitions" -s "$size" -a "$acks" -r "$rate" -d "$latency_s" -w 1
        done
    fi
    use_broker sluice
    measure "${name}_e2e" 1 sluice "$pid" 0 "$out/latency_client" -b "$bootstrap" -t "$topic" -s "$size" \
        -a "$acks" -r "$rate" -d "$latency_s" -w 1 -E
done

# The machine's cost of writing the same bytes through the page cache, right after the brokers'
# run of the same repeat and from the same warmed memory: fio, buffered sequential 64 KiB
# writes, no fsync; CPU-seconds per GB from fio's usr+sys share.
page_cache_limit() {
    local repeat=$1 bytes=$2
    fio --name=sluice --filename="$run_dir/page-cache.dat" --rw=write --bs=64k --ioengine=psync --direct=0 \
        --fallocate=none --size="$bytes" --output-format=json >"$run_dir/fio.page-cache.$repeat.json"
    python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["jobs"][0]; b=w["write"]["io_bytes"]
cpu=(w["usr_cpu"]+w["sys_cpu"])/100*w["job_runtime"]/1e3
print(json.dumps({"workload": "limit_page_cache_write", "broker": "fio", "repeat": int(sys.argv[2]),
                  "MBps": w["write"]["bw_bytes"]/1e6, "cpu_s_per_GB": cpu/(b/1e9)}))' \
        "$run_dir/fio.page-cache.$repeat.json" "$repeat" >>"$results"
    tail -n 1 "$results"
    rm -f "$run_dir/page-cache.dat"
}

# Repeats alternate which broker goes first, so that a neighbour's burst or the page cache's
# writeback does not always land on the same one.
for repeat in $(seq "$repeats"); do
    if [ $((repeat % 2)) = 1 ]; then order="mock sluice"; else order="sluice mock"; fi
    for w in "${workloads[@]}"; do
        read -r name topic _ size acks count <<<"$w"
        for broker in $order; do
            use_broker $broker
            warm_memory $((count * size * 11 / 10))
            measure "$name" "$repeat" "$broker" "$pid" "$count" "$perf" -q -P -t "$topic" -b "$bootstrap" \
                -s "$size" -a "$acks" -c "$count"
        done
        if [ "$name" = produce_1k_acks1_8p ]; then
            warm_memory $((count * size * 11 / 10))
            page_cache_limit "$repeat" $((count * size))
        fi
    done
done

# Machine limits, after the brokers so that their page cache and CPU are quiet.
sync
iperf_port=$((port + 1))
iperf3 -s -1 -p "$iperf_port" >/dev/null 2>&1 &
pids+=($!)
sleep 0.3
iperf3 -c 127.0.0.1 -p "$iperf_port" -t 5 -J >"$run_dir/iperf3.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["end"]["sum_received"];
print(json.dumps({"workload": "limit_loopback_tcp", "broker": "iperf3", "MBps": d["bits_per_second"]/8e6}))' \
    "$run_dir/iperf3.json" >>"$results"
tail -n 1 "$results"
# The durable workloads' limits, in the same file system as the broker's log: sequential 1 MiB
# writes with an fdatasync after each (throughput), and 4 KiB writes with an fdatasync after
# each for 5 s (the fdatasync latency of small appends, as at 10k msg/s of 100 B).
fio_limit() {
    local name=$1 bs=$2; shift 2
    fio --name=sluice --filename="$run_dir/fio.dat" --rw=write --bs="$bs" --ioengine=psync \
        --direct=0 --fallocate=none --fdatasync=1 --output-format=json "$@" >"$run_dir/fio.$name.json"
    python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["jobs"][0]; s=w["sync"]["lat_ns"];
p=s["percentile"]; us=lambda k: p.get(k, 0)/1e3
print(json.dumps({"workload": sys.argv[2], "broker": "fio", "MBps": w["write"]["bw_bytes"]/1e6,
                  "fdatasync_p50_us": us("50.000000"), "fdatasync_p99_us": us("99.000000"),
                  "fdatasync_p999_us": us("99.900000"), "fdatasync_max_us": s["max"]/1e3}))' \
        "$run_dir/fio.$name.json" "$name" >>"$results"
    tail -n 1 "$results"
    rm -f "$run_dir/fio.dat"
}
fio_limit limit_disk_fdatasync_1MiB 1M --size=512M
fio_limit limit_disk_fdatasync_4KiB 4k --size=256M --runtime=5

loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$root/bench/results"
commit=$(git -C "$root" rev-parse --short HEAD)
git -C "$root" diff --quiet HEAD -- src bench || commit="$commit+changes"
report=$root/bench/results/$(date +%Y-%m-%d)-${commit%%+*}.md
python3 "$here/report.py" "$results" "$report" "$loadavg_before" "$idle_before" "$loadavg_after" \
    "$(( $(date +%s) - started ))" "$commit" "$repeats" "$(nproc)"
cat "$report"
