#!/usr/bin/env bash
# Group coordinator numbers (bench/group_bench.cc) against a release broker started here on a
# temporary directory: a 50-member group stabilising after a join (heartbeat every 3000 ms as
# Kafka clients default, and every 100 ms), and offset commits/s with 1 and 8 connections.
# Usage: bench/group_bench.sh [build dir, default build/release]
set -euo pipefail
build=${1:-build/release}
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
"$build/src/app/sluice" serve --set "listeners=PLAINTEXT://127.0.0.1:$port" --set "log.dirs=$dir" \
    --set group.initial.rebalance.delay.ms=0 >"$dir.log" 2>&1 &
broker=$!
trap 'kill -TERM $broker 2>/dev/null; wait $broker 2>/dev/null; rm -rf "$dir" "$dir.log"' EXIT
for _ in $(seq 100); do kcat -b "127.0.0.1:$port" -L -m 1 >/dev/null 2>&1 && break; sleep 0.1; done
echo "loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/src/app/sluice" topic create bench-commits -b "127.0.0.1:$port" --partitions 1 >/dev/null
"$build/bench/group_bench" stabilise "$port" 50 3000 5
"$build/bench/group_bench" stabilise "$port" 50 100 5
"$build/bench/group_bench" commits "$port" 1 5
"$build/bench/group_bench" commits "$port" 8 5
