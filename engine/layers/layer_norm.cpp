// LayerNorm forward and backward (layer_norm.h). Rows are short (d_model), so plain loops: the
// products around them dominate a Transformer layer's time.
#include "layers/layer_norm.h"

#include <cmath>

namespace recur {

template <typename T>
void layer_norm_forward(int M, int d, const T* x, const T* gamma, const T* beta, T* y, T* xhat, T* rstd) noexcept {
  for (int m = 0; m < M; ++m) {
    const T* xr = x + size_t(m) * d;
    T* hr = xhat + size_t(m) * d;
    T* yr = y + size_t(m) * d;
    // Two passes (mean, then squared deviations) in the accumulation type: no cancellation
    // when the mean is large against the spread, as it can be in a residual stream.
    double mean = 0;
    for (int j = 0; j < d; ++j) mean += double(xr[j]);
    mean /= d;
    double var = 0;
    for (int j = 0; j < d; ++j) var += (double(xr[j]) - mean) * (double(xr[j]) - mean);
    const T r = T(1.0 / std::sqrt(var / d + kLayerNormEps));
    rstd[m] = r;
    for (int j = 0; j < d; ++j) {
      hr[j] = (xr[j] - T(mean)) * r;
      yr[j] = hr[j] * gamma[j] + beta[j];
    }
  }
}

template <typename T>
void layer_norm_backward(int M, int d, const T* xhat, const T* rstd, const T* gamma, const T* dy, T* dgamma,
                         T* dbeta, T* dx) noexcept {
  for (int m = 0; m < M; ++m) {
    const T* hr = xhat + size_t(m) * d;
    const T* dr = dy + size_t(m) * d;
    T mean_g = 0, mean_gh = 0;
    for (int j = 0; j < d; ++j) {
      const T g = dr[j] * gamma[j];
      mean_g += g;
      mean_gh += g * hr[j];
      dgamma[j] += dr[j] * hr[j];
      dbeta[j] += dr[j];
    }
    mean_g /= T(d);
    mean_gh /= T(d);
    T* xr = dx + size_t(m) * d;
    for (int j = 0; j < d; ++j) xr[j] += rstd[m] * (dr[j] * gamma[j] - mean_g - hr[j] * mean_gh);
  }
}

template void layer_norm_forward<float>(int, int, const float*, const float*, const float*, float*, float*,
                                        float*) noexcept;
template void layer_norm_forward<double>(int, int, const double*, const double*, const double*, double*, double*,
                                         double*) noexcept;
template void layer_norm_backward<float>(int, int, const float*, const float*, const float*, const float*, float*,
                                         float*, float*) noexcept;
template void layer_norm_backward<double>(int, int, const double*, const double*, const double*, const double*,
                                          double*, double*, double*) noexcept;

}  // namespace recur
