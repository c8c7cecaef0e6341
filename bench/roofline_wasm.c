// The wasm SIMD128 roofline kernels of make bench, independent of recur's own: a matrix-vector
// product (4 rows per pass sharing each load of x, f32x4 mul + add into 4 accumulators, one
// horizontal sum per row) and a streaming read. Built with emcc into bench/build/roofline.wasm,
// a standalone module with no imports; wasm_bench.mjs calls each kernel many times (V8 compiles
// a function with TurboFan only on a later call to it: there is no on-stack replacement for wasm).
#include <stddef.h>
#include <stdint.h>
#include <wasm_simd128.h>

// 16 MB of working memory: the benchmark's matrices, x and y live here.
static float heap[4 << 20] __attribute__((aligned(16)));

__attribute__((export_name("buffer"))) float* buffer(void) { return heap; }

static inline float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

// y (M) = W (M, K) x (K); K a multiple of 4, W 16-byte aligned rows.
__attribute__((export_name("matvec"))) void matvec(int M, int K, const float* W, const float* x, float* y) {
  int i = 0;
  for (; i + 4 <= M; i += 4) {
    const float* w0 = W + (size_t)i * K;
    const float* w1 = w0 + K;
    const float* w2 = w1 + K;
    const float* w3 = w2 + K;
    v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (int k = 0; k < K; k += 4) {
      const v128_t xv = wasm_v128_load(x + k);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(w0 + k), xv));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(w1 + k), xv));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(w2 + k), xv));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(w3 + k), xv));
    }
    y[i] = hsum(a0);
    y[i + 1] = hsum(a1);
    y[i + 2] = hsum(a2);
    y[i + 3] = hsum(a3);
  }
  for (; i < M; ++i) {
    float s = 0;
    for (int k = 0; k < K; ++k) s += W[(size_t)i * K + k] * x[k];
    y[i] = s;
  }
}

// Sum of n floats (n a multiple of 16): the read half of any matrix-vector product.
__attribute__((export_name("stream_sum"))) float stream_sum(const float* a, int n) {
  v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
  for (int k = 0; k + 16 <= n; k += 16) {
    s0 = wasm_f32x4_add(s0, wasm_v128_load(a + k));
    s1 = wasm_f32x4_add(s1, wasm_v128_load(a + k + 4));
    s2 = wasm_f32x4_add(s2, wasm_v128_load(a + k + 8));
    s3 = wasm_f32x4_add(s3, wasm_v128_load(a + k + 12));
  }
  return hsum(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
}
