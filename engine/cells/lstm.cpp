// LSTM step, pointwise part (torch.nn.LSTM, gate blocks i f g o):
//   c = f*c_prev + i*g, h = o*tanh(c); backward recomputes tanh(c) instead of caching it.
#include "cells/cell.h"
#include "kernels/activations.h"

namespace recur {

template <typename T>
void lstm_pointwise_forward(int B, int H, const T* pre_x, const T* pre_h, const T* c_prev, T* gates, T* c,
                            T* h) noexcept {
  const int GH = 4 * H;
  for (int b = 0; b < B; ++b) {
    const T* px = pre_x + b * GH;
    const T* ph = pre_h + b * GH;
    T* a = gates + b * GH;
    for (int j = 0; j < GH; ++j) a[j] = px[j] + ph[j];
    sigmoid_inplace(a, 2 * H);  // i, f
    tanh_inplace(a + 2 * H, H);  // g
    sigmoid_inplace(a + 3 * H, H);  // o
    const T* ig = a;
    const T* fg = a + H;
    const T* gg = a + 2 * H;
    const T* og = a + 3 * H;
    const T* cp = c_prev + b * H;
    T* cb = c + b * H;
    T* hb = h + b * H;
    for (int j = 0; j < H; ++j) cb[j] = fg[j] * cp[j] + ig[j] * gg[j];
    for (int j = 0; j < H; ++j) hb[j] = cb[j];
    tanh_inplace(hb, H);
    for (int j = 0; j < H; ++j) hb[j] *= og[j];
  }
}

template <typename T>
void lstm_pointwise_backward(int B, int H, const T* gates, const T* c_prev, const T* c, const T* dh, T* dc,
                             T* dpre) noexcept {
  const int GH = 4 * H;
  for (int b = 0; b < B; ++b) {
    const T* a = gates + b * GH;
    const T *ig = a, *fg = a + H, *gg = a + 2 * H, *og = a + 3 * H;
    const T* cp = c_prev + b * H;
    const T* dhb = dh + b * H;
    T* dcb = dc + b * H;
    T* d = dpre + b * GH;
    T* d_o = d + 3 * H;
    for (int j = 0; j < H; ++j) d_o[j] = c[b * H + j];
    tanh_inplace(d_o, H);  // tanh(c), overwritten below element by element
    for (int j = 0; j < H; ++j) {
      const T tc = d_o[j];
      const T dct = dcb[j] + dhb[j] * og[j] * (T(1) - tc * tc);
      d[j] = dct * gg[j] * ig[j] * (T(1) - ig[j]);              // i
      d[H + j] = dct * cp[j] * fg[j] * (T(1) - fg[j]);          // f
      d[2 * H + j] = dct * ig[j] * (T(1) - gg[j] * gg[j]);      // g
      d_o[j] = dhb[j] * tc * og[j] * (T(1) - og[j]);            // o
      dcb[j] = dct * fg[j];                                     // -> dc_{t-1}
    }
  }
}

template void lstm_pointwise_forward<float>(int, int, const float*, const float*, const float*, float*, float*,
                                            float*) noexcept;
template void lstm_pointwise_forward<double>(int, int, const double*, const double*, const double*, double*,
                                             double*, double*) noexcept;
template void lstm_pointwise_backward<float>(int, int, const float*, const float*, const float*, const float*,
                                             float*, float*) noexcept;
template void lstm_pointwise_backward<double>(int, int, const double*, const double*, const double*,
                                              const double*, double*, double*) noexcept;

}  // namespace recur
