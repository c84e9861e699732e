#!/usr/bin/env bash
# Sluice side by side with librdkafka's mock cluster and the machine's limits, in one run (issue 7).
# The machine is shared and noisy, so every figure that matters is a ratio within this run:
# Sluice/mock (same client, same workload, minutes apart) and Sluice/limit (iperf3 on loopback,
# fio with the broker's fsync cadence).
#
# 1. Builds the peer (mock_broker.c) and the client (librdkafka's examples/rdkafka_performance.c,
#    with the two internal headers it wants supplied from shim/) into <build>/bench/compare.
# 2. Starts a release Sluice broker on a temporary log dir and the mock, creates the same topics.
# 3. For each workload, runs the client against the mock then Sluice, reading the broker's
#    CPU time (utime+stime, /proc/<pid>/stat) before and after, and its peak RSS (VmHWM, reset
#    through /proc/<pid>/clear_refs before each workload).
# 4. Measures loopback TCP (iperf3) and sequential writes with fdatasync every 1 MiB (fio).
# 5. Writes bench/results/<date>.md (and a PNG chart when matplotlib or gnuplot is installed).
#
# usage: bench/compare/run.sh [build dir=build/release] [work dir=/var/tmp/sluice-compare]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/release}
work=${2:-/var/tmp/sluice-compare}
sluice=$build/src/app/sluice
out=$build/bench/compare
client_timeout_s=60
[ -x "$sluice" ] || { echo "run.sh: no $sluice (make build)"; exit 1; }

# What the machine was doing before we added to it.
loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)
echo "loadavg before: $loadavg_before ($(nproc) cores)"

mkdir -p "$out" "$work"
gcc -O2 -Wall -o "$out/mock_broker" "$here/mock_broker.c" -lrdkafka -lpthread
# rdkafka_performance.c ships with librdkafka-dev (gzip-compressed on some Debian releases).
example=/usr/share/doc/librdkafka-dev/examples/rdkafka_performance.c
if [ -f "$example" ]; then cp "$example" "$out/rdkafka_performance.c"
else gunzip -c "$example.gz" >"$out/rdkafka_performance.c"; fi
gcc -O2 -w -I"$here/shim/src" -I/usr/include/librdkafka -o "$out/rdkafka_performance" \
    "$out/rdkafka_performance.c" -lrdkafka -lm
perf=$out/rdkafka_performance

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

# Workloads: name, topic, partitions, record bytes, acks, record count.
# Counts are sized for ~4-6 s per run on 2 cores (1-2 s runs swung the ratios by 50%); the consume topic holds at most ~3 MiB per
# partition because the mock keeps only the last 5 MiB of each partition.
workloads=(
    "produce_1k_acks1_8p    bench-p1k-a1-8   8 1024  1 1200000"
    "produce_1k_acksall_8p  bench-p1k-all-8  8 1024 -1 600000"
    "produce_100b_acks1_1p  bench-p100-a1-1  1  100  1 3000000"
)
consume_topic=bench-consume-64
consume_records=192000

topics=()
for w in "${workloads[@]}"; do read -r _ t p _ <<<"$w"; topics+=("$t:$p"); done
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

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
reset_peak_rss() { echo 5 >"/proc/$1/clear_refs"; }
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# measure <workload> <broker name> <broker pid> <records expected> <client args...>: one client
# run, one JSON line.
measure() {
    local workload=$1 broker=$2 pid=$3 expected=$4; shift 4
    local ticks_before ticks_after log=$run_dir/$workload.$broker.log
    reset_peak_rss "$pid"
    ticks_before=$(cpu_ticks "$pid")
    timeout -s INT "$client_timeout_s" "$perf" -q "$@" >"$log" 2>&1 || true
    ticks_after=$(cpu_ticks "$pid")
    python3 "$here/parse_client.py" "$log" "$workload" "$broker" \
        "$(( ticks_after - ticks_before ))" "$(getconf CLK_TCK)" "$(peak_rss_kib "$pid")" "$expected" >>"$results"
    tail -n 1 "$results"
}

for w in "${workloads[@]}"; do
    read -r name topic _ size acks count <<<"$w"
    for broker in mock sluice; do
        if [ $broker = mock ]; then pid=$mock_pid; bootstrap=$mock_bootstrap
        else pid=$sluice_pid; bootstrap=$sluice_bootstrap; fi
        measure "$name" "$broker" "$pid" "$count" -P -t "$topic" -b "$bootstrap" -s "$size" -a "$acks" -c "$count"
    done
done

# Consume catch-up: fill the 64 partitions (not measured), then read them all from the start.
partition_args=()
for p in $(seq 0 63); do partition_args+=(-p "$p"); done
for broker in mock sluice; do
    if [ $broker = mock ]; then pid=$mock_pid; bootstrap=$mock_bootstrap
    else pid=$sluice_pid; bootstrap=$sluice_bootstrap; fi
    # A random partition per record: the default sticky partitioner sends ~10 ms of records to
    # one partition, which would overflow the mock's 5 MiB per partition and lose records.
    timeout "$client_timeout_s" "$perf" -q -P -t "$consume_topic" -b "$bootstrap" -s 1024 -a 1 \
        -X sticky.partitioning.linger.ms=0 -c "$consume_records" >"$run_dir/fill.$broker.log" 2>&1
    measure consume_1k_64p "$broker" "$pid" "$consume_records" -C -t "$consume_topic" -b "$bootstrap" -o beginning \
        -c "$consume_records" "${partition_args[@]}"
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
# The durable workload's limit: sequential 1 MiB writes, fdatasync after each, in the same
# file system as the broker's log.
fio --name=sluice --filename="$run_dir/fio.dat" --rw=write --bs=1M --size=512M --ioengine=psync \
    --direct=0 --fallocate=none --fdatasync=1 --output-format=json >"$run_dir/fio.json"
python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["jobs"][0]; s=w["sync"]["lat_ns"]["percentile"];
print(json.dumps({"workload": "limit_disk_fdatasync_1MiB", "broker": "fio", "MBps": w["write"]["bw_bytes"]/1e6,
                  "fdatasync_p99_us": s.get("99.000000", 0)/1e3}))' "$run_dir/fio.json" >>"$results"
tail -n 1 "$results"
rm -f "$run_dir/fio.dat"

loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$root/bench/results"
report=$root/bench/results/$(date +%Y-%m-%d).md
python3 "$here/report.py" "$results" "$report" "$loadavg_before" "$loadavg_after" \
    "$(( $(date +%s) - started ))" "$(git -C "$root" rev-parse --short HEAD)"
cat "$report"
