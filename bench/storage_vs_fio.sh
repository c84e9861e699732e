#!/usr/bin/env bash
# Storage benchmarks side by side with fio on the same disk in the same run (issue 3):
#  1. append of 1 KiB-record batches to the page cache      vs fio buffered writes of the same size
#  2. acks=all, one batch in flight (a sync per append)       vs fio --fdatasync=1
#  3. acks=all, group commit (64 batches in flight)          vs fio --fdatasync=<appends per sync we measured>
#  4. read-by-offset latency, 5. recovery time of an unsynced tail, 6. memory per idle partition.
# Needs a release build: cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release &&
#                        cmake --build build/release --target storage_bench
# usage: bench/storage_vs_fio.sh [build dir=build/release] [work dir=/var/tmp/sluice-bench]
#                                [page-cache MiB=1024] [sync MiB=128] [recovery MiB=1024] [partitions=10000]
set -euo pipefail
BUILD=${1:-build/release}
WORK=${2:-/var/tmp/sluice-bench}
CACHE_MIB=${3:-1024}
SYNC_MIB=${4:-128}
RECOVERY_MIB=${5:-1024}
PARTITIONS=${6:-10000}
BENCH=$BUILD/bench/storage_bench
RECORDS=16 # 16 x 1 KiB records per batch
mkdir -p "$WORK"

get() { sed -n "s/^$1=//p" <<<"$2"; }
# Each measurement starts from a quiet disk: the previous run's dirty pages written back first.
quiet() { sync; sleep 1; }
fio_MBps() { # fio_MBps <bs> <MiB> [extra fio options...]
    local bs=$1 mib=$2; shift 2
    rm -f "$WORK/fio.dat"; sync
    fio --name=sluice --filename="$WORK/fio.dat" --rw=write --bs="$bs" --size="${mib}M" --ioengine=psync \
        --direct=0 --fallocate=none --output-format=json "$@" |
        python3 -c 'import json,sys; print("%.1f" % (json.load(sys.stdin)["jobs"][0]["write"]["bw_bytes"]/1e6))'
    rm -f "$WORK/fio.dat"
}
ratio() { python3 -c "print('%.0f%%' % (100*$1/$2))"; }

echo "== 1. page cache: $CACHE_MIB MiB of $RECORDS x 1 KiB-record batches"
# Page-cache rates swing 2-5x with writeback and dirty throttling: three alternating pairs,
# medians compared.
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
ours_all=(); theirs_all=()
for run in 1 2 3; do
    rm -rf "$WORK/log"; quiet
    out=$("$BENCH" append "$WORK/log" "$CACHE_MIB" $RECORDS 0)
    bs=$(get batch_bytes "$out"); ours_all+=("$(get MBps "$out")")
    quiet; theirs_all+=("$(fio_MBps "$bs" "$CACHE_MIB")")
done
ours=$(median "${ours_all[@]}"); theirs=$(median "${theirs_all[@]}")
echo "sluice ${ours_all[*]} MB/s   fio ${theirs_all[*]} MB/s (bs=$bs)   ratio of medians $(ratio "$ours" "$theirs")"

echo "== 4. read by offset (the log of step 1, page cache)"
"$BENCH" read "$WORK/log" 200000
rm -rf "$WORK/log"

echo "== 2. acks=all, 1 batch in flight: $SYNC_MIB MiB"
quiet; out=$("$BENCH" append "$WORK/log" "$SYNC_MIB" $RECORDS 1)
ours=$(get MBps "$out")
theirs=$(fio_MBps "$bs" "$SYNC_MIB" --fdatasync=1)
echo "sluice ${ours} MB/s (ack p50 $(get ack_p50_us "$out") us, p99 $(get ack_p99_us "$out") us)   fio --fdatasync=1 ${theirs} MB/s   ratio $(ratio "$ours" "$theirs")"

echo "== 3. acks=all, group commit, 64 batches in flight: $SYNC_MIB MiB"
quiet; out=$("$BENCH" append "$WORK/log" "$SYNC_MIB" $RECORDS 64)
ours=$(get MBps "$out"); per_sync=$(get appends_per_sync "$out")
cadence=$(python3 -c "print(max(1, round($per_sync)))")
theirs=$(fio_MBps "$bs" "$SYNC_MIB" --fdatasync="$cadence")
echo "sluice ${ours} MB/s ($per_sync appends per fdatasync, ack p50 $(get ack_p50_us "$out") us, p99 $(get ack_p99_us "$out") us)   fio --fdatasync=$cadence ${theirs} MB/s   ratio $(ratio "$ours" "$theirs")"
rm -rf "$WORK/log"

echo "== 3b. acks=all across 16 partitions, 4 batches in flight each: $SYNC_MIB MiB (no fio equivalent)"
quiet; out=$("$BENCH" append "$WORK/log" "$SYNC_MIB" $RECORDS 4 16)
echo "sluice $(get MBps "$out") MB/s ($(get appends_per_round "$out") appends and $(python3 -c "print('%.1f' % ($(get file_syncs "$out")/$(get rounds "$out")))") fdatasyncs per round, ack p50 $(get ack_p50_us "$out") us, p99 $(get ack_p99_us "$out") us)"
rm -rf "$WORK/log"

echo "== 5. recovery of an unsynced tail of $RECOVERY_MIB MiB (page cache warm)"
quiet; "$BENCH" recovery "$WORK/log" "$RECOVERY_MIB"
rm -rf "$WORK/log"

echo "== 6. $PARTITIONS idle partitions"
quiet; "$BENCH" partitions "$WORK/partitions" "$PARTITIONS"
rm -rf "$WORK/partitions"
