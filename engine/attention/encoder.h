// One Transformer encoder layer, torch.nn.TransformerEncoderLayer(d, heads, F, activation,
// batch_first, norm_first) with its parameter names and equations:
//
//   post-norm (default):  x1 = norm1(x + SA(x))         y = norm2(x1 + FF(x1))
//   pre-norm:             x1 = x + SA(norm1(x))         y = x1 + FF(norm2(x1))
//   SA(a) = out_proj(attention(in_proj(a)))  (attention/attention.h)
//   FF(b) = linear2(act(linear1(b)))         act = ReLU or GELU
//
// Training applies dropout where PyTorch does, except on the attention weights: to SA's output,
// to act(...) and to FF's output. A layer runs in two halves around the attention itself, so the
// same code serves a batch of whole sequences (attention_forward) and a generation step that
// attends over a key/value cache (attention/kv_stepper.h).
#pragma once
#include <cstdint>

#include "core/rng.h"
#include "core/tensor.h"
#include "kernels/int8.h"
#include "model/config.h"
#include "model/params.h"

namespace recur {

template <typename T>
struct EncoderWeights {
  int d = 0, heads = 0, F = 0;
  bool norm_first = false;
  Activation act = Activation::kRelu;
  // In kEncoderTensors order: in_proj (3d, d) (3d), out_proj (d, d) (d), linear1 (F, d) (F),
  // linear2 (d, F) (d), norm1 (d) (d), norm2 (d) (d).
  const T* t[kEncoderTensorCount] = {};
  // int8 copies of in_proj, out_proj, linear1 and linear2 (a float generation step at
  // Precision::kInt8, with scratch for the rounded rows); null: those products read t.
  const I8Matrix* q[4] = {};
  I8Scratch* scratch = nullptr;
};

template <typename T>
struct EncoderGrads {
  T* t[kEncoderTensorCount] = {};  // += the gradients, same order and shapes as EncoderWeights::t
};

/// Layer k's weights in p, and its gradients in grads (a Params of the same config).
template <typename T>
EncoderWeights<T> encoder_weights(const Config& c, const Params<T>& p, int layer);
template <typename T>
EncoderGrads<T> encoder_grads(const Config& c, Params<T>& grads, int layer);

/// What backward needs from forward, for M rows. Reused across calls.
template <typename T>
struct EncoderCache {
  Buffer<T> x;                // (M, d) the layer's input
  Buffer<T> a;                // (M, d) pre-norm: norm1(x), the attention input (post-norm: x itself)
  Buffer<T> qkv;              // (M, 3d)
  Buffer<T> ctx;              // (M, d) attention output, before out_proj
  Buffer<T> x1;               // (M, d) after the attention block
  Buffer<T> b;                // (M, d) pre-norm: norm2(x1), the feed-forward input (post-norm: x1)
  Buffer<T> hpre, hact;       // (M, F) linear1's output, and after act (and dropout)
  Buffer<T> y;                // (M, d) the layer's output
  Buffer<T> xhat1, xhat2;     // (M, d) LayerNorm's normalised rows
  Buffer<T> rstd1, rstd2;     // (M)
  Buffer<T> m1, mF, m2;       // dropout masks: (M, d), (M, F), (M, d); empty when off
  Buffer<T> t0, t1;           // scratch (M, d), (M, F)
};

/// First half: from x (M, d) to cache.qkv (M, 3d). The caller fills cache.ctx (M, d).
template <typename T>
void encoder_forward_qkv(const EncoderWeights<T>& w, int M, const T* x, EncoderCache<T>& cache);
/// Second half: from cache.ctx to cache.y (M, d). dropout > 0 draws masks from rng (training).
template <typename T>
void encoder_forward_out(const EncoderWeights<T>& w, int M, EncoderCache<T>& cache, float dropout, Rng* rng);

/// Backward through the layer for dy (M, d), in two halves around the attention's own backward:
/// the first writes dctx (M, d) for it, and into dres (M, d) the part of the input's gradient
/// that takes the residual path; the second takes dqkv (M, 3d) and adds the whole gradient
/// w.r.t. the layer's input into dx (M, d). Parameter gradients add into g.
template <typename T>
void encoder_backward_ctx(const EncoderWeights<T>& w, int M, EncoderCache<T>& cache, const T* dy,
                          const EncoderGrads<T>& g, Buffer<T>& dctx, Buffer<T>& dres);
template <typename T>
void encoder_backward_x(const EncoderWeights<T>& w, int M, EncoderCache<T>& cache, const T* dqkv,
                        const Buffer<T>& dres, const EncoderGrads<T>& g, T* dx);

}  // namespace recur
