// int8.h: quantisation, the scalar twin, and the integer dot products on wasm SIMD128, AVX2 and
// SSE2 (the only place that names those instruction sets directly: xsimd 8.1 has no pmaddwd).
#include "kernels/int8.h"

#include <algorithm>
#include <cmath>

#include "kernels/simd.h"

#if RECUR_SIMD && defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define RECUR_I8_WASM 1
#elif RECUR_SIMD && defined(__AVX2__)
#include <immintrin.h>
#define RECUR_I8_AVX2 1
#elif RECUR_SIMD && defined(__SSE2__)
#include <emmintrin.h>
#define RECUR_I8_SSE2 1
#endif

namespace recur {

namespace {

// Round half away from zero; |v| is bounded by the caller.
inline int round_int(float v) { return int(v + (v < 0 ? -0.5f : 0.5f)); }

}  // namespace

I8Matrix quantize_rows(int rows, int cols, const float* W, int ldw) {
  I8Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.ld = (cols + kI8Block - 1) / kI8Block * kI8Block;
  m.q.assign(size_t(rows) * m.ld, 0);
  m.scale.assign(size_t(rows), 0.f);
  for (int r = 0; r < rows; ++r) {
    const float* w = W + size_t(r) * ldw;
    float amax = 0;
    for (int k = 0; k < cols; ++k) amax = std::max(amax, std::fabs(w[k]));
    if (amax == 0) continue;
    m.scale[r] = amax / 127;
    const float inv = 127 / amax;
    int8_t* q = m.q.data() + size_t(r) * m.ld;
    for (int k = 0; k < cols; ++k) q[k] = int8_t(std::clamp(round_int(w[k] * inv), -127, 127));
  }
  return m;
}

float quantize_vector(int n, const float* x, int16_t* xq) noexcept {
  float amax = 0;
  for (int k = 0; k < n; ++k) amax = std::max(amax, std::fabs(x[k]));
  if (amax == 0) {
    std::fill_n(xq, n, int16_t(0));
    return 0;
  }
  const float inv = kXqMax / amax;
  for (int k = 0; k < n; ++k) xq[k] = int16_t(std::clamp(round_int(x[k] * inv), -kXqMax, kXqMax));
  return amax / kXqMax;
}

void i8_linear(const I8Matrix& W, const float* x, const float* b, float* y, std::vector<int16_t>& scratch) {
  scratch.resize(size_t(W.ld));
  std::fill(scratch.begin() + W.cols, scratch.end(), int16_t(0));
  const float sx = quantize_vector(W.cols, x, scratch.data());
  i8_gemv(W, scratch.data(), sx, b, y);
}

namespace ref {

void i8_gemv(const I8Matrix& W, const int16_t* xq, float sx, const float* b, float* y) noexcept {
  for (int r = 0; r < W.rows; ++r) {
    const int8_t* q = W.q.data() + size_t(r) * W.ld;
    const float s = W.scale[r] * sx;
    float acc = b ? b[r] : 0.f;
    for (int k0 = 0; k0 < W.ld; k0 += kI8Chunk) {
      int32_t sum = 0;
      for (int k = k0; k < std::min(W.ld, k0 + kI8Chunk); ++k) sum += int32_t(q[k]) * xq[k];
      acc += float(sum) * s;
    }
    y[r] = acc;
  }
}

}  // namespace ref

#if RECUR_I8_WASM || RECUR_I8_AVX2 || RECUR_I8_SSE2

namespace {

#if RECUR_I8_WASM
// 16 columns of one row: i8 -> two i16x8 halves, each an 8-wide multiply with pairwise add. The
// two halves are summed before they join the accumulator: one add on its dependency chain per
// step, not two (1024 x 256 in Node 20: 13.4 -> 10 us).
using Acc = v128_t;
struct X { v128_t lo, hi; };
inline X load_x(const int16_t* x) { return {wasm_v128_load(x), wasm_v128_load(x + 8)}; }
inline Acc acc_zero() { return wasm_i32x4_splat(0); }
inline Acc step(Acc a, const int8_t* q, X x) {
  const v128_t w = wasm_v128_load(q);
  return wasm_i32x4_add(a, wasm_i32x4_add(wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(w), x.lo),
                                          wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(w), x.hi)));
}
inline int32_t total(Acc a) {
  return wasm_i32x4_extract_lane(a, 0) + wasm_i32x4_extract_lane(a, 1) + wasm_i32x4_extract_lane(a, 2) +
         wasm_i32x4_extract_lane(a, 3);
}
#elif RECUR_I8_AVX2
// 16 columns of one row: i8 sign-extended to 16 i16, one pmaddwd into 8 i32 lanes.
using Acc = __m256i;
using X = __m256i;
inline X load_x(const int16_t* x) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)); }
inline Acc acc_zero() { return _mm256_setzero_si256(); }
inline Acc step(Acc a, const int8_t* q, X x) {
  const __m256i w = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)));
  return _mm256_add_epi32(a, _mm256_madd_epi16(w, x));
}
inline int32_t total(Acc a) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}
#else
// SSE2 has no sign extension of bytes: interleave each byte with itself and shift right by 8.
using Acc = __m128i;
struct X { __m128i lo, hi; };
inline X load_x(const int16_t* x) {
  return {_mm_loadu_si128(reinterpret_cast<const __m128i*>(x)), _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + 8))};
}
inline Acc acc_zero() { return _mm_setzero_si128(); }
inline Acc step(Acc a, const int8_t* q, X x) {
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  const __m128i lo = _mm_srai_epi16(_mm_unpacklo_epi8(w, w), 8), hi = _mm_srai_epi16(_mm_unpackhi_epi8(w, w), 8);
  return _mm_add_epi32(a, _mm_add_epi32(_mm_madd_epi16(lo, x.lo), _mm_madd_epi16(hi, x.hi)));
}
inline int32_t total(Acc a) {
  a = _mm_add_epi32(a, _mm_shuffle_epi32(a, 0x4e));
  a = _mm_add_epi32(a, _mm_shuffle_epi32(a, 0xb1));
  return _mm_cvtsi128_si32(a);
}
#endif

}  // namespace

void i8_gemv(const I8Matrix& W, const int16_t* xq, float sx, const float* b, float* y) noexcept {
  for (int r = 0; r < W.rows; ++r) y[r] = b ? b[r] : 0.f;
  for (int k0 = 0; k0 < W.ld; k0 += kI8Chunk) {
    const int k1 = std::min(W.ld, k0 + kI8Chunk);
    int r = 0;
    // Four rows per pass share each load of x. (wasm, 1024 x 256: within a few % of 2 or 8 rows.)
    for (; r + 4 <= W.rows; r += 4) {
      const int8_t* q = W.q.data() + size_t(r) * W.ld;
      Acc a0 = acc_zero(), a1 = acc_zero(), a2 = acc_zero(), a3 = acc_zero();
      const int8_t *q1 = q + W.ld, *q2 = q1 + W.ld, *q3 = q2 + W.ld;
      for (int k = k0; k < k1; k += kI8Block) {
        const X x = load_x(xq + k);
        a0 = step(a0, q + k, x);
        a1 = step(a1, q1 + k, x);
        a2 = step(a2, q2 + k, x);
        a3 = step(a3, q3 + k, x);
      }
      y[r] += float(total(a0)) * (W.scale[r] * sx);
      y[r + 1] += float(total(a1)) * (W.scale[r + 1] * sx);
      y[r + 2] += float(total(a2)) * (W.scale[r + 2] * sx);
      y[r + 3] += float(total(a3)) * (W.scale[r + 3] * sx);
    }
    for (; r < W.rows; ++r) {
      const int8_t* q = W.q.data() + size_t(r) * W.ld;
      Acc a = acc_zero();
      for (int k = k0; k < k1; k += kI8Block) a = step(a, q + k, load_x(xq + k));
      y[r] += float(total(a)) * (W.scale[r] * sx);
    }
  }
}

#else

void i8_gemv(const I8Matrix& W, const int16_t* xq, float sx, const float* b, float* y) noexcept {
  ref::i8_gemv(W, xq, sx, b, y);
}

#endif

}  // namespace recur
