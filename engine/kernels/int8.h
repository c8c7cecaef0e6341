// Reduced-precision matrix-vector products for inference: int8 weights with one float scale per
// row, the vector rounded to int16 with one scale per call. The sums are exact integer arithmetic
// (wasm i32x4.dot_i16x8_s, x86 pmaddwd), so the SIMD paths and the scalar twin agree; the only
// error is the rounding of the weights and of the vector.
//
//   W[r][k] ~= q[r][k] * scale[r]   |q| <= 127      x[k] ~= xq[k] * sx   |xq| <= kXqMax
//   y[r] = b[r] + sum over chunks of float(sum_k q[r][k] xq[k]) * (scale[r] * sx)
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace recur {

/// Largest |xq|. With |q| <= 127 a chunk's exact sum stays below 2^31 (kI8Chunk * 127 * kXqMax
/// = 2,130,576,384), and the rounding of x (relative 1/(2 kXqMax) of max|x|) is far below that
/// of the weights (1/254 of each row's max).
constexpr int kXqMax = 16383;
/// Columns summed as integers before the partial sum joins the float result.
constexpr int kI8Chunk = 1024;
/// Rows are stored padded with zeros to a multiple of this many columns (one SIMD step).
constexpr int kI8Block = 16;

/// W (rows, cols) as int8 with one scale per row.
struct I8Matrix {
  int rows = 0, cols = 0, ld = 0;  // ld: cols rounded up to kI8Block
  Buffer<int8_t> q;                // (rows, ld), each in -127..127, zero padded; rows 16-byte aligned
  std::vector<float> scale;        // (rows): max |W[r][k]| / 127, 0 for a zero row
};

/// An all-zero W (rows, cols): scales 0, rows padded to ld.
I8Matrix i8_zeros(int rows, int cols);

/// Rounds W (rows, cols, row stride ldw; finite) to the nearest multiples of each row's scale
/// (halves away from zero). A row whose largest |w| is below 127 / FLT_MAX (3.7e-37) becomes 0.
I8Matrix quantize_rows(int rows, int cols, const float* W, int ldw);

/// Rounds x (n) to int16: xq (n) = round(x / sx) with sx = max|x| / kXqMax, halves away from zero.
/// Returns sx: 0 when max|x| < kXqMax / FLT_MAX (4.8e-35; xq all 0); NaN when x holds a NaN or an
/// infinity (xq all 0), so that a diverged state gives NaN products, as in float32.
float quantize_vector(int n, const float* x, int16_t* xq) noexcept;

/// Y (n, W.rows; row stride ldy) = b + W x_v for n vectors given as xq (n, row stride ldx >= W.ld;
/// zero past W.cols) and their scales sx (n) from quantize_vector. b may be null (0). Each block of
/// four weight rows is read from memory once for all n vectors, widened once per two.
void i8_gemv(const I8Matrix& W, int n, const int16_t* xq, int ldx, const float* sx, const float* b, float* y,
             int ldy) noexcept;

/// The rounded vectors of an i8_linear call, kept between calls.
struct I8Scratch {
  Buffer<int16_t> xq;       // (n, W.ld)
  std::vector<float> sx;    // (n)
};

/// Y (n, W.rows; stride ldy) = b + W x_v for the n rows of X (W.cols floats each, finite; row stride
/// ldx): quantize_vector each into scratch, then i8_gemv.
void i8_linear(const I8Matrix& W, int n, const float* x, int ldx, const float* b, float* y, int ldy,
               I8Scratch& scratch);

namespace ref {
/// i8_gemv's scalar twin: the obvious loops.
void i8_gemv(const I8Matrix& W, int n, const int16_t* xq, int ldx, const float* sx, const float* b, float* y,
             int ldy) noexcept;
}  // namespace ref

}  // namespace recur
