// IEEE binary16, the engine's one codec for it: the model loader widens F16 tensors with it
// (to_half, its inverse, rounds with relative error <= 2^-11). Arithmetic is always float32.
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

}  // namespace recur
