# recur: the README's two commands are `make demo` and `make test`; both set up what they need.
# Debian packages are installed with apt-get when missing (as root, or through sudo).

BUILD   ?= build
WASM_BUILD ?= build-wasm
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DRECUR_NATIVE_ARCH=ON

# Build and test dependencies: compilers, Eigen, xsimd, GoogleTest, Emscripten (for the wasm module).
# chromium drives the browser tests; the CJK font lets its screenshots show Chinese; fortunes,
# fortunes-zh and wordnet-base are the corpora and cue vocabularies the shipped models train on.
PACKAGES = cmake make g++ libeigen3-dev libxsimd-dev googletest libgtest-dev emscripten \
           clang libclang-rt-14-dev chromium fonts-wqy-microhei fortunes fortunes-zh wordnet-base

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup build test test-native test-sanitize test-fuzz fuzz clean

setup:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "setup: all packages present"; fi
	@# Node 20 + npm normally come with the machine (NodeSource's nodejs); Debian's are the fallback.
	@command -v node >/dev/null && command -v npm >/dev/null || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; }

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

# Emscripten's JS optimiser imports acorn, which Debian installs under /usr/share/nodejs.
export NODE_PATH := /usr/share/nodejs

$(WASM_BUILD)/CMakeCache.txt:
	emcmake cmake -S . -B $(WASM_BUILD) -DCMAKE_BUILD_TYPE=Release -DRECUR_BUILD_TESTS=OFF

# Native library, CLI and tests in $(BUILD); the wasm module into web/lib/.
build: setup $(BUILD)/CMakeCache.txt $(WASM_BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cmake --build $(WASM_BUILD) -j $(JOBS)

# Everything: a short run of each fuzz target over its committed corpus, the suite under
# AddressSanitizer + UndefinedBehaviorSanitizer, natively (including the wasm/JS tests), and the
# demo site in Chromium. Run it without -j: build and web-wasm share the wasm build tree.
test: test-fuzz test-sanitize test-native e2e

test-native: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The learning test only re-runs code the other tests cover, 50x slower under ASan; wasm is not native code.
test-sanitize: setup
	[ -f $(ASAN_BUILD)/CMakeCache.txt ] || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECUR_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -LE 'learning|wasm'

$(FUZZ_BUILD)/CMakeCache.txt:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECUR_FUZZ=ON -DRECUR_BUILD_TESTS=OFF

test-fuzz: setup $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	ctest --test-dir $(FUZZ_BUILD) --output-on-failure -j $(JOBS)

# Longer fuzzing: FUZZ_SECONDS per target (default 300).
fuzz: setup $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	for t in $(FUZZ_BUILD)/*_fuzz; do \
	  c=$$(basename $$t _fuzz); mkdir -p $(FUZZ_BUILD)/corpus/$$c; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    $(FUZZ_BUILD)/corpus/$$c tests/fuzz/corpus/$$c || exit 1; \
	done

clean:
	rm -rf $(BUILD) $(WASM_BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) web/lib/recur-core.mjs web/lib/recur-core.wasm

# The demo site: make demo (serve on 127.0.0.1:8080), make e2e (browser tests).
include web/demo.mk

# Retraining the shipped models: make models (see models/README.md).
include tools/models.mk

# The apple taggers: make models-apple (also part of make models).
include tools/apple/apple.mk
models: models-apple

# Benchmarks against TensorFlow.js, ONNX Runtime Web and brain.js: make bench (not part of make test).
include bench/bench.mk
