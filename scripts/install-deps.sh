#!/usr/bin/env bash
# Installs every build and test dependency of Sluice from Debian packages.
# Idempotent and quick when everything is already present: apt-get runs only
# when a package is missing. Nothing is downloaded from anywhere but apt.
set -euo pipefail

packages=(
  # toolchain and build speed
  build-essential cmake ninja-build ccache mold python3 pkg-config clang-14 libclang-rt-14-dev
  # libraries (DESIGN.md §9)
  libasio-dev libisal-dev libraft-dev libuv1-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
  libssl-dev libfmt-dev libcli11-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # real Kafka clients used by the end-to-end and golden tests
  librdkafka-dev kcat python3-confluent-kafka python3-kafka
  # codecs kafka-python needs for snappy, lz4 and zstd batches
  python3-snappy python3-lz4 python3-zstandard
  # machine-limit measurements for the benchmarks
  fio iperf3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# kafkajs (tests/e2e/kafkajs) is installed from the npm registry by `npm ci` in the tests; the
# machine's own Node.js is used when present, else Debian's.
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
