// binary16 conversions and gemv_half (half.h): F16C + AVX2/FMA where available, scalar elsewhere.
#include "kernels/half.h"

#include <cstring>

#if defined(__F16C__) && defined(__AVX2__) && defined(__FMA__) && RECUR_SIMD
#include <immintrin.h>
#define RECUR_F16C 1
#else
#define RECUR_F16C 0
#endif

namespace recur {

uint16_t float_to_half(float f) noexcept {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t a = x & 0x7FFFFFFFu;
  if (a >= 0x7F800000u) return uint16_t(sign | 0x7C00u | (a > 0x7F800000u ? 0x200u | ((a >> 13) & 0x3FFu) : 0u));
  if (a >= 0x477FF000u) return uint16_t(sign | 0x7C00u);  // rounds to >= 65520: inf
  if (a < 0x38800000u) {                                   // below 2^-14: a subnormal half (or 0)
    if (a < 0x33000000u) return uint16_t(sign);            // below 2^-25: rounds to 0
    const uint32_t e = a >> 23, m = (a & 0x7FFFFFu) | 0x800000u;
    const uint32_t shift = 126 - e;                        // 14..24
    uint32_t h = m >> shift;
    const uint32_t rest = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (h & 1u))) ++h;
    return uint16_t(sign | h);
  }
  uint32_t h = ((a - 0x38000000u) >> 13);                  // rebias 127 -> 15, drop 13 bits
  const uint32_t rest = a & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // a carry into the exponent is right
  return uint16_t(sign | h);
}

float half_to_float(uint16_t h) noexcept {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
  uint32_t x;
  if (e == 0x1F) {
    x = sign | 0x7F800000u | (m << 13);
  } else if (e != 0) {
    x = sign | ((e + 112) << 23) | (m << 13);
  } else if (m == 0) {
    x = sign;
  } else {  // subnormal half: normalise
    int s = 0;
    uint32_t mm = m;
    while (!(mm & 0x400u)) mm <<= 1, ++s;
    x = sign | (uint32_t(113 - s) << 23) | ((mm & 0x3FFu) << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

void to_half(size_t n, const float* src, uint16_t* dst) noexcept {
  for (size_t i = 0; i < n; ++i) dst[i] = float_to_half(src[i]);
}

void from_half(size_t n, const uint16_t* src, float* dst) noexcept {
  for (size_t i = 0; i < n; ++i) dst[i] = half_to_float(src[i]);
}

bool half_is_native() noexcept { return RECUR_F16C; }

void gemv_half(int M, int K, const uint16_t* W, int ldw, const float* x, float* y, bool accumulate) noexcept {
  int m = 0;
#if RECUR_F16C
  // 8 rows per pass as in gemv: each x vector feeds 8 accumulators; vcvtph2ps widens 8 weights
  // straight from memory, so a row streams 16 bytes per 8 columns instead of 32.
  for (; m + 8 <= M; m += 8) {
    const uint16_t* w = W + size_t(m) * ldw;
    __m256 a[8];
    for (int r = 0; r < 8; ++r) a[r] = _mm256_setzero_ps();
    int k = 0;
    for (; k + 8 <= K; k += 8) {
      const __m256 xv = _mm256_loadu_ps(x + k);
      for (int r = 0; r < 8; ++r)
        a[r] = _mm256_fmadd_ps(
            _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + size_t(r) * ldw + k))), xv, a[r]);
    }
    // Row sums: pairwise hadds then fold the two 128-bit halves.
    const __m256 s01 = _mm256_hadd_ps(a[0], a[1]), s23 = _mm256_hadd_ps(a[2], a[3]);
    const __m256 s45 = _mm256_hadd_ps(a[4], a[5]), s67 = _mm256_hadd_ps(a[6], a[7]);
    const __m256 s0123 = _mm256_hadd_ps(s01, s23), s4567 = _mm256_hadd_ps(s45, s67);
    // s0123 = [r0 r1 r2 r3 | r0 r1 r2 r3] (low / high halves of the columns), same for s4567.
    const __m256 lo = _mm256_permute2f128_ps(s0123, s4567, 0x20), hi = _mm256_permute2f128_ps(s0123, s4567, 0x31);
    alignas(32) float t[8];
    _mm256_store_ps(t, _mm256_add_ps(lo, hi));
    for (; k < K; ++k)
      for (int r = 0; r < 8; ++r) t[r] += half_to_float(w[size_t(r) * ldw + k]) * x[k];
    for (int r = 0; r < 8; ++r) y[m + r] = accumulate ? y[m + r] + t[r] : t[r];
  }
#endif
  for (; m < M; ++m) {
    const uint16_t* w = W + size_t(m) * ldw;
    float s = 0;
    for (int k = 0; k < K; ++k) s += half_to_float(w[k]) * x[k];
    y[m] = accumulate ? y[m] + s : s;
  }
}

}  // namespace recur
