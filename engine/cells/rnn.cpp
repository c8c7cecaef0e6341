// Elman RNN step, pointwise part: h = act(a), act = tanh or relu (torch.nn.RNN nonlinearity).
#include <algorithm>

#include "cells/cell.h"
#include "kernels/activations.h"

namespace recur {

template <typename T>
void rnn_pointwise_forward(bool relu, int B, int H, const T* pre_x, const T* pre_h, T* gates, T* h) noexcept {
  const int n = B * H;
  for (int i = 0; i < n; ++i) gates[i] = pre_x[i] + pre_h[i];
  if (relu)
    relu_inplace(gates, n);
  else
    tanh_inplace(gates, n);
  if (h != gates) std::copy(gates, gates + n, h);
}

template <typename T>
void rnn_pointwise_backward(bool relu, int B, int H, const T* gates, const T* dh, T* dpre) noexcept {
  const int n = B * H;
  if (relu)
    for (int i = 0; i < n; ++i) dpre[i] = gates[i] > T(0) ? dh[i] : T(0);  // relu'(0) = 0, as PyTorch
  else
    for (int i = 0; i < n; ++i) dpre[i] = dh[i] * (T(1) - gates[i] * gates[i]);
}

template void rnn_pointwise_forward<float>(bool, int, int, const float*, const float*, float*, float*) noexcept;
template void rnn_pointwise_forward<double>(bool, int, int, const double*, const double*, double*, double*) noexcept;
template void rnn_pointwise_backward<float>(bool, int, int, const float*, const float*, float*) noexcept;
template void rnn_pointwise_backward<double>(bool, int, int, const double*, const double*, double*) noexcept;

}  // namespace recur
