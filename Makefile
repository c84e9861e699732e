# Sluice: the two set-up commands are `make run` and `make test` (README.md).
# Both install what they need from Debian packages first (scripts/install-deps.sh).
JOBS ?= $(shell nproc)
GEN := -G Ninja

.PHONY: deps build build-all run test build-test build-fuzz bench bench-compare bench-micro fuzz clean

deps:
	@bash scripts/install-deps.sh

# Release build of the broker binary (all targets: `make build-all`).
build: deps
	@cmake -S . -B build/release $(GEN) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/release -j $(JOBS) --target sluice

build-all: deps
	@cmake -S . -B build/release $(GEN) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/release -j $(JOBS)

# A single-node broker on localhost:9092, data in ./sluice-data (Ctrl-C stops it cleanly).
run: build
	./build/release/src/app/sluice serve

# The test build: -O1 with AddressSanitizer and UndefinedBehaviorSanitizer.
build-test: deps
	@cmake -S . -B build/test $(GEN) -DSLUICE_SANITIZE=ON >/dev/null
	@cmake --build build/test -j $(JOBS)

# The fuzz build: clang-14 with libFuzzer, only the fuzz targets.
build-fuzz: deps
	@CC=clang-14 CXX=clang++-14 cmake -S . -B build/fuzz $(GEN) -DSLUICE_FUZZ=ON -DCMAKE_BUILD_TYPE=Sanitize >/dev/null
	@cmake --build build/fuzz -j $(JOBS) --target fuzz_targets

# All tests: unit, round-trip, golden (real clients) and e2e under sanitizers, then each fuzz
# target for a few seconds.
test: build-test build-fuzz
	ctest --test-dir build/test --output-on-failure -j $(JOBS)
	ctest --test-dir build/fuzz --output-on-failure

# Long fuzz run (documented in fuzz/README.md): make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 300
fuzz: build-fuzz
	@for t in build/fuzz/fuzz/*_fuzz; do mkdir -p build/fuzz/corpus/$$(basename $$t); \
	  $$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 build/fuzz/corpus/$$(basename $$t) || exit 1; done

# Sluice beside librdkafka's mock broker and the machine's limits, one run (< 10 min): writes
# bench/results/<date>-<commit>.md and .png (bench/README.md). bench-compare: its old name.
bench bench-compare: build
	@bash bench/compare/run.sh build/release

# The Google Benchmark programs (CRC, batch validation, produce decoding, ...).
bench-micro: build-all
	@for b in build/release/bench/*_bench; do echo "== $$b"; $$b --benchmark_min_time=0.2 || exit 1; done

clean:
	rm -rf build
