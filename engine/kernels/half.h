// IEEE binary16, the engine's one codec for it: the conversions the model loader reads F16 files
// with, and weight storage for batch-1 generation (weights kept as 16-bit halves and widened to
// float inside the matrix-vector product, so a step streams half the bytes). Arithmetic stays
// float32; only the stored weights are rounded (relative error <= 2^-11 each).
#pragma once
#include <cstddef>
#include <cstdint>

namespace recur {

/// h rounded from f to the nearest binary16 (ties to even; overflow to inf, NaN kept as NaN).
uint16_t float_to_half(float f) noexcept;
/// h widened to float (exact; inf and NaN payloads kept).
float half_to_float(uint16_t h) noexcept;

/// dst (n) = src rounded to the nearest binary16 (ties to even; overflow to inf, NaN kept).
void to_half(size_t n, const float* src, uint16_t* dst) noexcept;
/// dst (n) = src widened (exact).
void from_half(size_t n, const uint16_t* src, float* dst) noexcept;

/// y (M) = W (M, K) x (K), or y += W x when accumulate, with W stored as binary16. Uses F16C
/// conversions where the build targets them (x86 with -mf16c, e.g. -march=native on Zen 4);
/// elsewhere widens each element in scalar code, which is slower than a float32 gemv.
void gemv_half(int M, int K, const uint16_t* W, int ldw, const float* x, float* y, bool accumulate) noexcept;

/// True when gemv_half runs on hardware conversions (F16C).
bool half_is_native() noexcept;

}  // namespace recur
