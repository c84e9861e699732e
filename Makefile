# Sluice: the two set-up commands are `make run` and `make test` (README.md).
# Both install what they need from Debian packages first (scripts/install-deps.sh).
JOBS ?= $(shell nproc)
CMAKE_GEN := -G Ninja

.PHONY: deps build run test build-test bench fuzz clean

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B build/release $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/release -j $(JOBS)

run: build
	./build/release/src/app/sluice --version

# The test build: -O1 with AddressSanitizer and UndefinedBehaviorSanitizer.
build-test: deps
	@cmake -S . -B build/test $(CMAKE_GEN) -DSLUICE_SANITIZE=ON >/dev/null
	@cmake --build build/test -j $(JOBS)

test: build-test
	ctest --test-dir build/test --output-on-failure -j $(JOBS)

bench: build
	@bash bench/run.sh build/release

clean:
	rm -rf build build-fuzz
