# recur: the README's two commands are `make demo` and `make test`; both set up what they need.
# Debian packages are installed with apt-get when missing (as root, or through sudo).

BUILD   ?= build
WASM_BUILD ?= build-wasm
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
SSE41_BUILD ?= build-sse41
SCALAR_BUILD ?= build-scalar
FUZZ_SECONDS ?= 300
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DRECUR_NATIVE_ARCH=ON

# Build and test dependencies: compilers, xsimd, GoogleTest, Emscripten (for the wasm module).
# chromium drives the browser tests; the CJK font lets its screenshots show Chinese; fortunes,
# fortunes-zh and wordnet-base are the corpora and cue vocabularies the shipped models train on;
# python3-torch is what the PyTorch bridge (tools/pytorch) is tested against.
PACKAGES = cmake make g++ libxsimd-dev googletest libgtest-dev emscripten \
           clang libclang-rt-dev chromium fonts-wqy-microhei fortunes fortunes-zh wordnet-base python3-torch opencc

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup build test test-native test-wasm test-arches test-sanitize test-fuzz fuzz clean

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

# Closure Compiler for the wasm module's JS glue (bindings/package.json).
CLOSURE_STAMP = bindings/node_modules/.installed
$(CLOSURE_STAMP): bindings/package.json bindings/package-lock.json | setup
	cd bindings && npm ci --no-audit --no-fund
	@touch $@

$(WASM_BUILD)/CMakeCache.txt: | $(CLOSURE_STAMP)
	emcmake cmake -S . -B $(WASM_BUILD) -DCMAKE_BUILD_TYPE=Release

# Native library, CLI and tests in $(BUILD); the wasm module (web-wasm, web/demo.mk) into web/lib/.
build: setup $(BUILD)/CMakeCache.txt web-wasm
	cmake --build $(BUILD) -j $(JOBS)

# Everything: a short run of each fuzz target over its committed corpus, the suite under
# AddressSanitizer + UndefinedBehaviorSanitizer, natively (including the wasm/JS tests), the
# kernel suites compiled to wasm and for SSE4.1 and scalar kernels, the demo site in Chromium, and
# the packed npm package in example projects. Each build tree is built by one rule only, so
# `make -j test` is safe.
test: test-fuzz test-sanitize test-native test-wasm test-arches e2e test-examples

test-native: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The GoogleTest suites compiled with Emscripten, run under Node: the code the browser runs.
test-wasm: web-wasm
	cmake --build $(WASM_BUILD) -j $(JOBS)
	ctest --test-dir $(WASM_BUILD) --output-on-failure -j $(JOBS)

# The kernel-level suites natively for SSE4.1 (the xsimd arch of the wasm build) and with
# RECUR_SIMD=OFF (the scalar reference kernels alone).
ARCH_SUITES = recur_unit_tests recur_gradcheck_tests recur_golden_tests
test-arches: setup
	[ -f $(SSE41_BUILD)/CMakeCache.txt ] || cmake -S . -B $(SSE41_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-msse4.1
	[ -f $(SCALAR_BUILD)/CMakeCache.txt ] || cmake -S . -B $(SCALAR_BUILD) -DCMAKE_BUILD_TYPE=Release -DRECUR_SIMD=OFF
	cmake --build $(SSE41_BUILD) -j $(JOBS) --target $(ARCH_SUITES)
	cmake --build $(SCALAR_BUILD) -j $(JOBS) --target $(ARCH_SUITES)
	ctest --test-dir $(SSE41_BUILD) --output-on-failure -j $(JOBS) -L 'unit|gradcheck|golden'
	ctest --test-dir $(SCALAR_BUILD) --output-on-failure -j $(JOBS) -L 'unit|gradcheck|golden'

# The learning test only re-runs code the other tests cover, 50x slower under ASan; wasm is not
# native code; the PyTorch bridge's test checks Python code against the CLI that test-native runs.
test-sanitize: setup
	[ -f $(ASAN_BUILD)/CMakeCache.txt ] || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECUR_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -LE 'learning|wasm|pytorch'

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
	rm -rf $(BUILD) $(WASM_BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(SSE41_BUILD) $(SCALAR_BUILD) \
	  web/lib/recur-core.mjs web/lib/recur-core.wasm web/lib/mt/recur-core-mt.* web/lib/LICENSE

# The demo site: make demo (serve on 127.0.0.1:8080), make e2e (browser tests).
include web/demo.mk

# The npm package installed and used as a user would: make test-examples.
include examples/examples.mk

# Retraining the shipped models: make models (see models/README.md).
include tools/models.mk

# The apple taggers: make models-apple (also part of make models).
include tools/apple/apple.mk
models: models-apple

# The verse-form classifiers: make models-forms (also part of make models).
include tools/forms/forms.mk
models: models-forms

# Benchmarks against TensorFlow.js, ONNX Runtime Web and brain.js: make bench (not part of make test).
include bench/bench.mk
