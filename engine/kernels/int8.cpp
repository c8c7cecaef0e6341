// int8.h: quantisation, the scalar twin, and the integer dot products on wasm SIMD128, AVX2 (AVX-VNNI
// where targeted) and SSE2: the only place that names those instruction sets (xsimd 8.1 has no pmaddwd).
#include "kernels/int8.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "kernels/parallel.h"
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

// v (finite, |v| <= lim) rounded half away from zero. (v + 0.5 would round 0.49999997 up.)
inline int round_int(float v, int lim) {
  const float t = std::trunc(v);
  const int r = int(t) + (std::fabs(v - t) >= 0.5f ? (v < 0 ? -1 : 1) : 0);
  return std::clamp(r, -lim, lim);
}

// max |x_k|: NaN if an element is NaN (std::max would skip it), inf if one is infinite.
inline float abs_max(int n, const float* x) {
  float amax = 0;
  int k = 0;
#if RECUR_SIMD
  // A vector at a time: called for every product of an int8 step, and on every weight of a model
  // when its int8 copies are made.
  using B = Vec<float>;
  constexpr int N = int(B::size);
  B m(0.f);
  auto nan = xsimd::isnan(m);
  for (; k + N <= n; k += N) {
    const B v = B::load_unaligned(x + k);
    nan = nan | xsimd::isnan(v);
    m = xsimd::max(m, xsimd::abs(v));
  }
  if (xsimd::any(nan)) return std::numeric_limits<float>::quiet_NaN();
  alignas(64) float lanes[N];
  m.store_aligned(lanes);
  for (float v : lanes) amax = std::max(amax, v);
#endif
  for (; k < n; ++k) {
    if (std::isnan(x[k])) return x[k];
    amax = std::max(amax, std::fabs(x[k]));
  }
  return amax;
}

// out[k] = round_int(x[k] * inv, lim) for k < n: with x86 SIMD, the same float operations a vector
// at a time (trunc, the exact difference, +-1 where it is >= 0.5, the clamp), so the same integers.
// Not in wasm, where the emulated SSE4.1 made a Transformer's int8 copies take 2.1 ms against the
// scalar loop's 1.1 (Node 20); converting the lanes with to_int took 6.4.
template <typename Q>
void round_scaled(int n, const float* x, float inv, int lim, Q* out) {
  int k = 0;
#if RECUR_SIMD && !defined(__wasm_simd128__)
  using B = Vec<float>;
  constexpr int N = int(B::size);
  const B s(inv), half(0.5f), one(1.f), zero(0.f), hi = B(float(lim));
  alignas(64) float lanes[N];
  for (; k + N <= n; k += N) {
    const B v = B::load_unaligned(x + k) * s;
    const B t = xsimd::trunc(v);
    const B step = xsimd::select(xsimd::abs(v - t) >= half, xsimd::select(v < zero, -one, one), zero);
    xsimd::clip(t + step, -hi, hi).store_aligned(lanes);  // whole numbers: the conversion is exact
    for (int j = 0; j < N; ++j) out[k + j] = Q(lanes[j]);
  }
#endif
  for (; k < n; ++k) out[k] = Q(round_int(x[k] * inv, lim));
}

}  // namespace

I8Matrix i8_zeros(int rows, int cols) {
  I8Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.ld = (cols + kI8Block - 1) / kI8Block * kI8Block;
  m.q.assign(size_t(rows) * m.ld, 0);
  m.scale.assign(size_t(rows), 0.f);
  return m;
}

I8Matrix quantize_rows(int rows, int cols, const float* W, int ldw) {
  I8Matrix m = i8_zeros(rows, cols);
  for (int r = 0; r < rows; ++r) {
    const float* w = W + size_t(r) * ldw;
    // A row so small that 127 / amax overflows stays 0; the loader's weights are finite.
    const float amax = abs_max(cols, w), inv = 127 / amax;
    if (!(amax <= FLT_MAX && inv <= FLT_MAX)) continue;
    m.scale[size_t(r)] = amax / 127;
    int8_t* q = m.q.data() + size_t(r) * m.ld;
    round_scaled(cols, w, inv, 127, q);
  }
  return m;
}

float quantize_vector(int n, const float* x, int16_t* xq) noexcept {
  const float amax = abs_max(n, x);
  if (!(amax <= FLT_MAX)) {  // NaN or inf (a diverged state): carried into y, as float32 would
    std::fill_n(xq, n, int16_t(0));
    return std::numeric_limits<float>::quiet_NaN();
  }
  const float inv = kXqMax / amax;
  if (!(inv <= FLT_MAX)) {  // 0, or so small that kXqMax / amax overflows: rounds to 0
    std::fill_n(xq, n, int16_t(0));
    return 0;
  }
  round_scaled(n, x, inv, kXqMax, xq);
  return amax / kXqMax;
}

void i8_linear(const I8Matrix& W, int n, const float* x, int ldx, const float* b, float* y, int ldy,
               I8Scratch& scratch) {
  scratch.xq.assign(size_t(n) * W.ld, int16_t(0));  // zero past W.cols in every row
  scratch.sx.resize(size_t(n));
  for (int v = 0; v < n; ++v)
    scratch.sx[size_t(v)] = quantize_vector(W.cols, x + size_t(v) * ldx, scratch.xq.data() + size_t(v) * W.ld);
  i8_gemv(W, n, scratch.xq.data(), W.ld, scratch.sx.data(), b, y, ldy);
}

namespace ref {

void i8_gemv(const I8Matrix& W, int n, const int16_t* xq, int ldx, const float* sx, const float* b, float* y,
             int ldy) noexcept {
  for (int v = 0; v < n; ++v)
    for (int r = 0; r < W.rows; ++r) {
      const int8_t* q = W.q.data() + size_t(r) * W.ld;
      const int16_t* x = xq + size_t(v) * ldx;
      const float s = W.scale[size_t(r)] * sx[v];
      float acc = b ? b[r] : 0.f;
      for (int k0 = 0; k0 < W.ld; k0 += kI8Chunk) {
        int32_t sum = 0;
        for (int k = k0; k < std::min(W.ld, k0 + kI8Chunk); ++k) sum += int32_t(q[k]) * x[k];
        acc += float(sum) * s;
      }
      y[size_t(v) * ldy + r] = acc;
    }
}

}  // namespace ref

#if RECUR_I8_WASM || RECUR_I8_AVX2 || RECUR_I8_SSE2

namespace {

#if RECUR_I8_WASM
// 16 columns of one row: two i16x8 halves, each an 8-wide multiply with pairwise add. The two
// halves are summed before they join the accumulator: one add on its dependency chain per step,
// not two (1024 x 256 in Node 20: 13.4 -> 10 us).
using Acc = v128_t;
struct X { v128_t lo, hi; };
inline X load_x(const int16_t* x) { return {wasm_v128_load(x), wasm_v128_load(x + 8)}; }
using Wide = X;  // 16 weights widened to two i16x8. (Storing them widened made one stream 10 %
                 // slower: 2 bytes a weight no longer fit the 1 MB L2 with the rest.)
inline Wide widen(const int8_t* q) {
  const v128_t w = wasm_v128_load(q);
  return {wasm_i16x8_extend_low_i8x16(w), wasm_i16x8_extend_high_i8x16(w)};
}
inline Acc acc_zero() { return wasm_i32x4_splat(0); }
inline Acc dot_add(Acc a, Wide w, X x) {
  return wasm_i32x4_add(a, wasm_i32x4_add(wasm_i32x4_dot_i16x8(w.lo, x.lo), wasm_i32x4_dot_i16x8(w.hi, x.hi)));
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
using Wide = __m256i;
inline Wide widen(const int8_t* q) { return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q))); }
inline Acc acc_zero() { return _mm256_setzero_si256(); }
#if defined(__AVXVNNI__)
// vpdpwssd: the multiply, pairwise add and accumulate in one instruction.
inline Acc dot_add(Acc a, Wide w, X x) { return _mm256_dpwssd_avx_epi32(a, w, x); }
#else
inline Acc dot_add(Acc a, Wide w, X x) { return _mm256_add_epi32(a, _mm256_madd_epi16(w, x)); }
#endif
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
using Wide = X;
inline Wide widen(const int8_t* q) {
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  return {_mm_srai_epi16(_mm_unpacklo_epi8(w, w), 8), _mm_srai_epi16(_mm_unpackhi_epi8(w, w), 8)};
}
inline Acc acc_zero() { return _mm_setzero_si128(); }
inline Acc dot_add(Acc a, Wide w, X x) {
  return _mm_add_epi32(a, _mm_add_epi32(_mm_madd_epi16(w.lo, x.lo), _mm_madd_epi16(w.hi, x.hi)));
}
inline int32_t total(Acc a) {
  a = _mm_add_epi32(a, _mm_shuffle_epi32(a, 0x4e));
  a = _mm_add_epi32(a, _mm_shuffle_epi32(a, 0xb1));
  return _mm_cvtsi128_si32(a);
}
#endif

// Four rows times NV vectors (1 or 2) over columns k0..k1: each load of x serves four rows and each
// widened block of weights NV vectors; y[v][r] += sum * scale[r] * sx[v]. Written out, not as
// arrays of accumulators: in wasm the arrays lived in memory (int8 generation 24k -> 20k steps/s).
template <int NV>
inline void block4(const I8Matrix& W, int r, int k0, int k1, const int16_t* const* xq, const float* sx,
                   float* const* y) noexcept {
  const int8_t* q0 = W.q.data() + size_t(r) * W.ld;
  const int8_t *q1 = q0 + W.ld, *q2 = q1 + W.ld, *q3 = q2 + W.ld;
  Acc a0 = acc_zero(), a1 = acc_zero(), a2 = acc_zero(), a3 = acc_zero();
  Acc b0 = acc_zero(), b1 = acc_zero(), b2 = acc_zero(), b3 = acc_zero();
  for (int k = k0; k < k1; k += kI8Block) {
    const X x = load_x(xq[0] + k);
    const Wide w0 = widen(q0 + k), w1 = widen(q1 + k), w2 = widen(q2 + k), w3 = widen(q3 + k);
    a0 = dot_add(a0, w0, x);
    a1 = dot_add(a1, w1, x);
    a2 = dot_add(a2, w2, x);
    a3 = dot_add(a3, w3, x);
    if constexpr (NV == 2) {
      const X z = load_x(xq[1] + k);
      b0 = dot_add(b0, w0, z);
      b1 = dot_add(b1, w1, z);
      b2 = dot_add(b2, w2, z);
      b3 = dot_add(b3, w3, z);
    }
  }
  const float* s = W.scale.data() + r;
  y[0][r] += float(total(a0)) * (s[0] * sx[0]);
  y[0][r + 1] += float(total(a1)) * (s[1] * sx[0]);
  y[0][r + 2] += float(total(a2)) * (s[2] * sx[0]);
  y[0][r + 3] += float(total(a3)) * (s[3] * sx[0]);
  if constexpr (NV == 2) {
    y[1][r] += float(total(b0)) * (s[0] * sx[1]);
    y[1][r + 1] += float(total(b1)) * (s[1] * sx[1]);
    y[1][r + 2] += float(total(b2)) * (s[2] * sx[1]);
    y[1][r + 3] += float(total(b3)) * (s[3] * sx[1]);
  }
}

// One row times NV vectors: the rows past the last group of four.
template <int NV>
inline void block1(const I8Matrix& W, int r, int k0, int k1, const int16_t* const* xq, const float* sx,
                   float* const* y) noexcept {
  const int8_t* q = W.q.data() + size_t(r) * W.ld;
  Acc a = acc_zero(), b = acc_zero();
  for (int k = k0; k < k1; k += kI8Block) {
    const Wide w = widen(q + k);
    a = dot_add(a, w, load_x(xq[0] + k));
    if constexpr (NV == 2) b = dot_add(b, w, load_x(xq[1] + k));
  }
  y[0][r] += float(total(a)) * (W.scale[size_t(r)] * sx[0]);
  if constexpr (NV == 2) y[1][r] += float(total(b)) * (W.scale[size_t(r)] * sx[1]);
}

// Rows r..r+R-1 (R = 4 or 1) against all n vectors, two at a time: the R rows of weights are read
// from memory once and stay in L1 for the other pairs.
template <int R>
inline void rows_all(const I8Matrix& W, int r, int k0, int k1, int n, const int16_t* xq, int ldx, const float* sx,
                     float* y, int ldy) noexcept {
  int v = 0;
  for (; v + 2 <= n; v += 2) {
    const int16_t* xs[2] = {xq + size_t(v) * ldx, xq + size_t(v + 1) * ldx};
    float* ys[2] = {y + size_t(v) * ldy, y + size_t(v + 1) * ldy};
    if constexpr (R == 4) block4<2>(W, r, k0, k1, xs, sx + v, ys); else block1<2>(W, r, k0, k1, xs, sx + v, ys);
  }
  if (v < n) {
    const int16_t* xs[1] = {xq + size_t(v) * ldx};
    float* ys[1] = {y + size_t(v) * ldy};
    if constexpr (R == 4) block4<1>(W, r, k0, k1, xs, sx + v, ys); else block1<1>(W, r, k0, k1, xs, sx + v, ys);
  }
}

// Rows [r0, r1) of i8_gemv.
void gemv_rows(const I8Matrix& W, int r0, int r1, int n, const int16_t* xq, int ldx, const float* sx, const float* b,
               float* y, int ldy) noexcept {
  for (int v = 0; v < n; ++v)
    for (int r = r0; r < r1; ++r) y[size_t(v) * ldy + r] = b ? b[r] : 0.f;
  for (int k0 = 0; k0 < W.ld; k0 += kI8Chunk) {
    const int k1 = std::min(W.ld, k0 + kI8Chunk);
    // Four rows per pass share each load of x (wasm, 1024 x 256: within a few % of 2 or 8 rows);
    // vectors in pairs share each widened block of weights (4 x 2: 8 accumulators, the largest
    // tile that stays in registers).
    int r = r0;
    for (; r + 4 <= r1; r += 4) rows_all<4>(W, r, k0, k1, n, xq, ldx, sx, y, ldy);
    for (; r < r1; ++r) rows_all<1>(W, r, k0, k1, n, xq, ldx, sx, y, ldy);
  }
}

}  // namespace

// Split among the threads by rows when big enough (kernels/parallel.h); a row's sums are exact
// integers and its float steps the same, whichever part it falls in.
void i8_gemv(const I8Matrix& W, int n, const int16_t* xq, int ldx, const float* sx, const float* b, float* y,
             int ldy) noexcept {
  if constexpr (kHaveThreads) {
    if (num_threads() > 1 && 2.0 * W.rows * W.ld * n >= kGemvSplitFlops) {
      parallel_ranges(W.rows, 4, [&](int r0, int r1) { gemv_rows(W, r0, r1, n, xq, ldx, sx, b, y, ldy); });
      return;
    }
  }
  gemv_rows(W, 0, W.rows, n, xq, ldx, sx, b, y, ldy);
}

#else

void i8_gemv(const I8Matrix& W, int n, const int16_t* xq, int ldx, const float* sx, const float* b, float* y,
             int ldy) noexcept {
  ref::i8_gemv(W, n, xq, ldx, sx, b, y, ldy);
}

#endif

}  // namespace recur
