# The package as its users get it. Included from the top Makefile after web/demo.mk.
#   make test-examples   npm pack web/lib, install the tarball into a copy of each example under
#                        examples/ and run it: Node (import and require), tsc, and in Chromium a
#                        plain page with recur-rnn/worker, a Vite app, a webpack and an esbuild bundle
.PHONY: test-examples

test-examples: web-wasm $(E2E_STAMP)
	node --test tests/examples/
