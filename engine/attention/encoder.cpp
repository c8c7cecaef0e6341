// Transformer encoder layer forward and backward (encoder.h).
#include "attention/encoder.h"

#include <algorithm>
#include <cmath>

#include "layers/dense.h"
#include "layers/layer_norm.h"

namespace recur {

namespace {

enum { kInW, kInB, kOutW, kOutB, kW1, kB1, kW2, kB2, kN1W, kN1B, kN2W, kN2B };

constexpr double kSqrtHalf = 0.70710678118654752440;     // 1/sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;   // 1/sqrt(2 pi)

// GELU(x) = x Phi(x), Phi the standard normal CDF; its slope is Phi(x) + x phi(x).
template <typename T>
T gelu(T x) {
  return T(0.5) * x * (T(1) + std::erf(x * T(kSqrtHalf)));
}
template <typename T>
T gelu_slope(T x) {
  return T(0.5) * (T(1) + std::erf(x * T(kSqrtHalf))) + x * std::exp(T(-0.5) * x * x) * T(kInvSqrt2Pi);
}

// Inverted dropout: keep with probability 1 - p, scaled by 1/(1-p); no mask when off.
template <typename T>
void dropout(size_t n, float p, Rng* rng, Buffer<T>& mask, T* x) {
  if (!(p > 0.0f)) {
    mask.clear();
    return;
  }
  mask.resize(n);
  const T keep = T(1) / (T(1) - T(p));
  for (size_t i = 0; i < n; ++i) {
    mask[i] = rng->uniform() < p ? T(0) : keep;
    x[i] *= mask[i];
  }
}

// What attention and the feed-forward layer read: the normalised rows (pre-norm), or the rows
// themselves (post-norm), which the cache already holds as x and x1.
template <typename T>
const T* attention_input(const EncoderWeights<T>& w, const EncoderCache<T>& c) {
  return w.norm_first ? c.a.data() : c.x.data();
}
template <typename T>
const T* feed_forward_input(const EncoderWeights<T>& w, const EncoderCache<T>& c) {
  return w.norm_first ? c.b.data() : c.x1.data();
}

// y (M, N) = b + x (M, K) W^T for weight matrix `which` of the layer (0 in_proj, 1 out_proj,
// 2 linear1, 3 linear2): through its int8 copy where the step has one.
template <typename T>
void project(const EncoderWeights<T>& w, int which, int M, int K, int N, const T* x, T* y) {
  linear(w.q[which], w.scratch, M, K, N, x, K, w.t[2 * which], w.t[2 * which + 1], y, N);
}

template <typename T>
void apply_mask(const Buffer<T>& mask, size_t n, T* x) {
  if (!mask.empty())
    for (size_t i = 0; i < n; ++i) x[i] *= mask[i];
}

}  // namespace

template <typename T>
EncoderWeights<T> encoder_weights(const Config& c, const Params<T>& p, int layer) {
  EncoderWeights<T> w;
  w.d = c.hidden_size;
  w.heads = c.num_heads;
  w.F = c.ff_size;
  w.norm_first = c.norm_first;
  w.act = c.activation;
  for (int i = 0; i < kEncoderTensorCount; ++i) w.t[i] = p.ptr(p.tensors[size_t(encoder_index(layer) + i)]);
  return w;
}

template <typename T>
EncoderGrads<T> encoder_grads(const Config&, Params<T>& grads, int layer) {
  EncoderGrads<T> g;
  for (int i = 0; i < kEncoderTensorCount; ++i) g.t[i] = grads.ptr(grads.tensors[size_t(encoder_index(layer) + i)]);
  return g;
}

template <typename T>
void encoder_forward_qkv(const EncoderWeights<T>& w, int M, const T* x, EncoderCache<T>& c) {
  const int d = w.d;
  const size_t n = size_t(M) * d;
  c.x.assign(x, x + n);
  c.xhat1.resize(n);
  c.rstd1.resize(size_t(M));
  if (w.norm_first) {
    c.a.resize(n);
    layer_norm_forward(M, d, x, w.t[kN1W], w.t[kN1B], c.a.data(), c.xhat1.data(), c.rstd1.data());
  }
  c.qkv.resize(n * 3);
  project(w, 0, M, d, 3 * d, attention_input(w, c), c.qkv.data());
  c.ctx.resize(n);
}

template <typename T>
void encoder_forward_out(const EncoderWeights<T>& w, int M, EncoderCache<T>& c, float p, Rng* rng) {
  const int d = w.d, F = w.F;
  const size_t n = size_t(M) * d, nf = size_t(M) * F;
  c.t0.resize(n);
  c.x1.resize(n);
  c.xhat2.resize(n);
  c.rstd2.resize(size_t(M));
  c.hpre.resize(nf);
  c.hact.resize(nf);
  c.y.resize(n);
  // attention block
  project(w, 1, M, d, d, c.ctx.data(), c.t0.data());
  dropout(n, p, rng, c.m1, c.t0.data());
  for (size_t i = 0; i < n; ++i) c.x1[i] = c.x[i] + c.t0[i];
  if (!w.norm_first)
    layer_norm_forward(M, d, c.x1.data(), w.t[kN1W], w.t[kN1B], c.x1.data(), c.xhat1.data(), c.rstd1.data());
  // feed-forward block
  if (w.norm_first) {
    c.b.resize(n);
    layer_norm_forward(M, d, c.x1.data(), w.t[kN2W], w.t[kN2B], c.b.data(), c.xhat2.data(), c.rstd2.data());
  }
  project(w, 2, M, d, F, feed_forward_input(w, c), c.hpre.data());
  for (size_t i = 0; i < nf; ++i)
    c.hact[i] = w.act == Activation::kGelu ? gelu(c.hpre[i]) : std::max(c.hpre[i], T(0));
  dropout(nf, p, rng, c.mF, c.hact.data());
  project(w, 3, M, F, d, c.hact.data(), c.t0.data());
  dropout(n, p, rng, c.m2, c.t0.data());
  for (size_t i = 0; i < n; ++i) c.y[i] = c.x1[i] + c.t0[i];
  if (!w.norm_first)
    layer_norm_forward(M, d, c.y.data(), w.t[kN2W], w.t[kN2B], c.y.data(), c.xhat2.data(), c.rstd2.data());
}

template <typename T>
void encoder_backward_ctx(const EncoderWeights<T>& w, int M, EncoderCache<T>& c, const T* dy,
                          const EncoderGrads<T>& g, Buffer<T>& dctx, Buffer<T>& dres) {
  const int d = w.d, F = w.F;
  const size_t n = size_t(M) * d, nf = size_t(M) * F;
  // dres: the gradient w.r.t. x1, then (post-norm) w.r.t. the attention block's residual sum.
  if (w.norm_first) {
    dres.assign(dy, dy + n);
  } else {
    dres.assign(n, T(0));
    layer_norm_backward(M, d, c.xhat2.data(), c.rstd2.data(), w.t[kN2W], dy, g.t[kN2W], g.t[kN2B], dres.data());
  }
  c.t0.assign(dres.begin(), dres.end());  // dFF output
  apply_mask(c.m2, n, c.t0.data());
  c.t1.assign(nf, T(0));
  dense_backward(M, F, d, c.hact.data(), F, w.t[kW2], c.t0.data(), g.t[kW2], g.t[kB2], c.t1.data(), F);
  apply_mask(c.mF, nf, c.t1.data());
  for (size_t i = 0; i < nf; ++i)
    c.t1[i] *= w.act == Activation::kGelu ? gelu_slope(c.hpre[i]) : T(c.hpre[i] > T(0));
  if (w.norm_first) {
    c.t0.assign(n, T(0));
    dense_backward(M, d, F, feed_forward_input(w, c), d, w.t[kW1], c.t1.data(), g.t[kW1], g.t[kB1], c.t0.data(), d);
    layer_norm_backward(M, d, c.xhat2.data(), c.rstd2.data(), w.t[kN2W], c.t0.data(), g.t[kN2W], g.t[kN2B],
                        dres.data());
  } else {
    dense_backward(M, d, F, feed_forward_input(w, c), d, w.t[kW1], c.t1.data(), g.t[kW1], g.t[kB1], dres.data(), d);
    c.t0.assign(n, T(0));
    layer_norm_backward(M, d, c.xhat1.data(), c.rstd1.data(), w.t[kN1W], dres.data(), g.t[kN1W], g.t[kN1B],
                        c.t0.data());
    dres.swap(c.t0);
  }
  c.t0.assign(dres.begin(), dres.end());  // dSA output
  apply_mask(c.m1, n, c.t0.data());
  dctx.assign(n, T(0));
  dense_backward(M, d, d, c.ctx.data(), d, w.t[kOutW], c.t0.data(), g.t[kOutW], g.t[kOutB], dctx.data(), d);
}

template <typename T>
void encoder_backward_x(const EncoderWeights<T>& w, int M, EncoderCache<T>& c, const T* dqkv,
                        const Buffer<T>& dres, const EncoderGrads<T>& g, T* dx) {
  const int d = w.d;
  const size_t n = size_t(M) * d;
  c.t0.assign(n, T(0));
  dense_backward(M, d, 3 * d, attention_input(w, c), d, w.t[kInW], dqkv, g.t[kInW], g.t[kInB], c.t0.data(), d);
  if (w.norm_first)
    layer_norm_backward(M, d, c.xhat1.data(), c.rstd1.data(), w.t[kN1W], c.t0.data(), g.t[kN1W], g.t[kN1B], dx);
  else
    for (size_t i = 0; i < n; ++i) dx[i] += c.t0[i];
  for (size_t i = 0; i < n; ++i) dx[i] += dres[i];
}

#define RECUR_ENCODER(T)                                                                                        \
  template EncoderWeights<T> encoder_weights<T>(const Config&, const Params<T>&, int);                         \
  template EncoderGrads<T> encoder_grads<T>(const Config&, Params<T>&, int);                                   \
  template void encoder_forward_qkv<T>(const EncoderWeights<T>&, int, const T*, EncoderCache<T>&);             \
  template void encoder_forward_out<T>(const EncoderWeights<T>&, int, EncoderCache<T>&, float, Rng*);          \
  template void encoder_backward_ctx<T>(const EncoderWeights<T>&, int, EncoderCache<T>&, const T*,             \
                                        const EncoderGrads<T>&, Buffer<T>&, Buffer<T>&);                       \
  template void encoder_backward_x<T>(const EncoderWeights<T>&, int, EncoderCache<T>&, const T*,               \
                                      const Buffer<T>&, const EncoderGrads<T>&, T*);
RECUR_ENCODER(float)
RECUR_ENCODER(double)
#undef RECUR_ENCODER

}  // namespace recur
