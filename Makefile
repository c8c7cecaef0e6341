# recur: the README's two commands are `make demo` and `make test`; both set up what they need.
# Debian packages are installed with apt-get when missing (as root, or through sudo).

BUILD   ?= build
WASM_BUILD ?= build-wasm
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DRECUR_NATIVE_ARCH=ON

# Build and test dependencies: compilers, Eigen, xsimd, GoogleTest, Emscripten (for the wasm module).
PACKAGES = cmake make g++ libeigen3-dev libxsimd-dev googletest libgtest-dev emscripten

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup build test demo clean

setup:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "setup: all packages present"; fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

# Emscripten's JS optimiser needs Debian's acorn from /usr/share/nodejs (toolchain notes §0).
export NODE_PATH := /usr/share/nodejs

$(WASM_BUILD)/CMakeCache.txt:
	emcmake cmake -S . -B $(WASM_BUILD) -DCMAKE_BUILD_TYPE=Release -DRECUR_BUILD_TESTS=OFF

# Native library, CLI and tests in $(BUILD); the wasm module into web/lib/.
build: setup $(BUILD)/CMakeCache.txt $(WASM_BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cmake --build $(WASM_BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Until the web demo lands (#6): train a small character model on the GPL text every Debian
# machine ships, then sample from it.
DEMO_DATA  = /usr/share/common-licenses/GPL-3
DEMO_MODEL = $(BUILD)/demo/gpl-lstm.safetensors

$(DEMO_MODEL): | build
	@mkdir -p $(dir $@)
	$(BUILD)/recur train --data $(DEMO_DATA) --out $@ --cell lstm --layers 2 --hidden 128 --embed 32 \
	  --seq 64 --batch 32 --steps 600 --lr 0.003 --eval-every 200 --seed 1

demo: build $(DEMO_MODEL)
	$(BUILD)/recur info --model $(DEMO_MODEL)
	@echo; echo "--- sampled text (temperature 0.7, seed 7) ---"
	$(BUILD)/recur generate --model $(DEMO_MODEL) --prompt "The licensee " --length 400 --temperature 0.7 --seed 7

clean:
	rm -rf $(BUILD) $(WASM_BUILD) web/lib/recur-core.mjs web/lib/recur-core.wasm
