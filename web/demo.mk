# The demo site. Included from the top Makefile, which defines setup, JOBS, WASM_BUILD
# and the rule for $(WASM_BUILD)/CMakeCache.txt, and exports NODE_PATH for em++.
#   make demo        builds the wasm module, copies the shipped models into web/models/ and serves
#                    web/ on http://127.0.0.1:$(DEMO_PORT)/ (this computer only; Ctrl+C stops it),
#                    cross-origin isolated, so that training runs on the threaded module
#   make e2e         the browser tests (Debian's chromium + playwright-core), screenshots in build/e2e/
#   make web-models  only the model copy: web/models/*.safetensors + web/models/index.json

DEMO_PORT ?= 8080
E2E_DIR   := tests/e2e
E2E_STAMP := $(E2E_DIR)/node_modules/.installed

.PHONY: demo e2e web-wasm web-models web-texts

# The WebAssembly engine alone, built in $(WASM_BUILD) and copied next to web/lib/recur.js (where
# the page and the npm package load it), with the licence the package ships; no native build
# needed; the threaded module (loadRecur({ threads })) into web/lib/mt/. The only rule that builds
# recur_core and recur_core_mt.
web-wasm: setup $(CLOSURE_STAMP) $(WASM_BUILD)/CMakeCache.txt
	cmake --build $(WASM_BUILD) -j $(JOBS) --target recur_core recur_core_mt
	cp $(WASM_BUILD)/recur-core.mjs $(WASM_BUILD)/recur-core.wasm web/lib/
	cp $(WASM_BUILD)/recur-core-mt.mjs $(WASM_BUILD)/recur-core-mt.wasm $(WASM_BUILD)/recur-core-mt.worker.js web/lib/mt/
	cp LICENSE web/lib/LICENSE

# Models that exist under models/<name>/model.safetensors, made small to download (I8 matrices, F16 vectors);
# the page says which are missing.
web-models:
	node web/prepare-models.mjs

# The Train panel's built-in texts, from the Debian packages fortunes-min and fortunes-zh (make setup).
web-texts:
	node web/prepare-texts.mjs

demo: web-wasm web-models web-texts
	node web/server.mjs web $(DEMO_PORT) --coi

# playwright-core, pinned in tests/e2e/package-lock.json (drives /usr/bin/chromium; no browser download).
$(E2E_STAMP): $(E2E_DIR)/package.json $(E2E_DIR)/package-lock.json
	cd $(E2E_DIR) && npm ci --no-audit --no-fund
	@touch $@

e2e: web-wasm web-models web-texts $(E2E_STAMP)
	@test -x /usr/bin/chromium || { echo "e2e: /usr/bin/chromium is missing (apt-get install chromium)"; exit 1; }
	node --test $(E2E_DIR)/
