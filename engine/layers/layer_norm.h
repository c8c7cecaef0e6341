// Layer normalisation over the last dimension (torch.nn.LayerNorm(d), eps 1e-5, biased variance):
//   y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta      per row of d values
#pragma once
#include <cstddef>

namespace recur {

constexpr double kLayerNormEps = 1e-5;

/// y (M, d) = LayerNorm(x (M, d)); x and y may be the same buffer. Keeps what backward needs:
/// xhat (M, d), the normalised rows, and rstd (M), 1/sqrt(var + eps). Rows are contiguous.
template <typename T>
void layer_norm_forward(int M, int d, const T* x, const T* gamma, const T* beta, T* y, T* xhat, T* rstd) noexcept;

/// From dy (M, d): dgamma += sum of dy * xhat, dbeta += sum of dy, dx (M, d) += the gradient
/// w.r.t. x:  rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * gamma.
template <typename T>
void layer_norm_backward(int M, int d, const T* xhat, const T* rstd, const T* gamma, const T* dy, T* dgamma,
                         T* dbeta, T* dx) noexcept;

}  // namespace recur
