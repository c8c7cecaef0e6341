# make bench: recur (native and wasm) against TensorFlow.js, ONNX Runtime Web and brain.js, and
# recur's stream() against its generate() in headless Chromium, in one
# run, printing a markdown table (bench/run.mjs; also saved to bench/build/last-run.md).
# Included by the top-level Makefile; not part of make test. The peers are installed from npm into
# bench/node_modules (git-ignored) on first use.
#   make bench                      the full run (a few minutes; take it on an idle machine)
#   make bench BENCH_FLAGS=--quick  fewer repetitions, for a smoke test
#   make bench BENCH_FLAGS=--only=native,wasm
# The demo page's first character on a throttled link: node bench/first_char.mjs (after make build).
BENCH_BUILD := bench/build
BENCH_FLAGS ?=

.PHONY: bench bench-tools native-bench

bench: build bench-tools
	node bench/run.mjs $(BENCH_FLAGS)

bench-tools: native-bench $(BENCH_BUILD)/roofline.wasm bench/node_modules/.package-lock.json $(E2E_STAMP)

# The native bench is a CMake target of the main build ($(BUILD), -march=native).
native-bench: build
	cmake --build $(BUILD) -j $(JOBS) --target recur_native_bench
	@mkdir -p $(BENCH_BUILD)
	cp $(BUILD)/recur_native_bench $(BENCH_BUILD)/native_bench

# The wasm SIMD128 roofline kernels: a standalone module without imports.
$(BENCH_BUILD)/roofline.wasm: bench/roofline_wasm.c
	@mkdir -p $(BENCH_BUILD)
	emcc -O3 -msimd128 --no-entry -sSTANDALONE_WASM=1 -sINITIAL_MEMORY=33554432 $< -o $@

bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund
