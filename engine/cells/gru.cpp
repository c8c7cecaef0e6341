// GRU step, pointwise part (torch.nn.GRU, gate blocks r z n):
//   r, z = sigmoid(x_rz + h_rz), n = tanh(x_n + r*hn) with hn = W_hn h_prev + b_hn, h = (1-z)*n + z*h_prev.
#include "cells/cell.h"
#include "kernels/activations.h"

namespace recur {

template <typename T>
void gru_pointwise_forward(int B, int H, const T* pre_x, const T* pre_h, const T* h_prev, T* gates, T* hn,
                           T* h) noexcept {
  const int GH = 3 * H;
  for (int b = 0; b < B; ++b) {
    const T* px = pre_x + b * GH;
    const T* ph = pre_h + b * GH;
    T* a = gates + b * GH;
    const T* hp = h_prev + b * H;
    T* hb = h + b * H;
    if (hn)
      for (int j = 0; j < H; ++j) hn[b * H + j] = ph[2 * H + j];
    for (int j = 0; j < 2 * H; ++j) a[j] = px[j] + ph[j];
    sigmoid_inplace(a, 2 * H);
    for (int j = 0; j < H; ++j) a[2 * H + j] = px[2 * H + j] + a[j] * ph[2 * H + j];
    tanh_inplace(a + 2 * H, H);
    for (int j = 0; j < H; ++j) {
      const T z = a[H + j], n = a[2 * H + j];
      hb[j] = (T(1) - z) * n + z * hp[j];
    }
  }
}

template <typename T>
void gru_pointwise_backward(int B, int H, const T* gates, const T* hn, const T* h_prev, const T* dh,
                            T* dpre_x, T* dpre_h, T* dh_direct) noexcept {
  const int GH = 3 * H;
  for (int b = 0; b < B; ++b) {
    const T* a = gates + b * GH;
    const T* hnb = hn + b * H;
    const T* hp = h_prev + b * H;
    const T* dhb = dh + b * H;
    T* dx = dpre_x + b * GH;
    T* dhh = dpre_h + b * GH;
    for (int j = 0; j < H; ++j) {
      const T r = a[j], z = a[H + j], n = a[2 * H + j];
      const T dan = dhb[j] * (T(1) - z) * (T(1) - n * n);
      const T dar = dan * hnb[j] * r * (T(1) - r);
      const T daz = dhb[j] * (hp[j] - n) * z * (T(1) - z);
      dx[j] = dhh[j] = dar;
      dx[H + j] = dhh[H + j] = daz;
      dx[2 * H + j] = dan;
      dhh[2 * H + j] = dan * r;
      dh_direct[b * H + j] = dhb[j] * z;
    }
  }
}

template void gru_pointwise_forward<float>(int, int, const float*, const float*, const float*, float*, float*,
                                           float*) noexcept;
template void gru_pointwise_forward<double>(int, int, const double*, const double*, const double*, double*,
                                            double*, double*) noexcept;
template void gru_pointwise_backward<float>(int, int, const float*, const float*, const float*, const float*,
                                            float*, float*, float*) noexcept;
template void gru_pointwise_backward<double>(int, int, const double*, const double*, const double*,
                                             const double*, double*, double*, double*) noexcept;

}  // namespace recur
