// A Transformer encoder model over a batch of sequences, and back: what Network runs for cell
// "transformer" (model/network.h has the RNNs' counterpart).
//
//   x0 (T*B, d) = embedding[ids] * sqrt(d) + PE(position)     (the original paper's scaling)
//   x_{k+1} = encoder layer k (x_k)                           (attention/encoder.h)
//   lm, tagger:  logits (T*B, out) = head(x_L), one row per position
//   classifier:  logits (B, out) = head(f_b): f_b = x_L at the last position (causal), or the mean
//                of x_L over the sequence's positions (bidirectional: every position saw it all)
//
// bidirectional = false: causal attention (a position reads itself and the past only), as an lm
// needs and a streaming tagger may; true: every position reads the whole sequence. Positions
// count from each sequence's start, or from the last reset (entries packed into one row).
#pragma once
#include <cstdint>
#include <vector>

#include "attention/attention.h"
#include "attention/encoder.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "model/config.h"
#include "model/params.h"

namespace recur {

template <typename T>
class Transformer {
 public:
  explicit Transformer(const Config& c);

  /// steps <= max_len (callers check). lengths (B) and resets (T*B, causal only) may be null.
  void forward(const Params<T>& p, const int32_t* ids, int steps, int batch, const int32_t* lengths, bool training,
               Rng* rng, const uint8_t* resets);
  const T* logits() const { return logits_.data(); }
  /// Layer k's output, (T*B, d); top_output() is the last layer's.
  const T* layer_output(int layer) const { return caches_[size_t(layer)].y.data(); }
  const T* top_output() const { return caches_.back().y.data(); }
  /// Attention weights of layer k, (B, heads, T, T): row (b, h, t) holds what query t read.
  const T* attention(int layer) const { return probs_[size_t(layer)].data(); }
  /// Adds the gradients for dlogits (shape of logits()) into grads.
  void backward(const Params<T>& p, const T* dlogits, Params<T>& grads);
  /// After backward(): the gradient w.r.t. the embedding vectors as looked up (before the
  /// sqrt(d) scale), (T*B, d).
  const T* input_grad() const { return dx_.data(); }

 private:
  Config cfg_;
  int T_ = 0, B_ = 0;
  std::vector<int32_t> ids_, lengths_;
  AttentionSpans spans_;
  PositionTable<T> pe_;                   // up to max_len rows
  Buffer<T> x0_;                          // (T*B, d) the first layer's input
  std::vector<EncoderCache<T>> caches_;   // per layer
  std::vector<Buffer<T>> probs_;          // per layer: (B, heads, T, T)
  Buffer<T> feat_, logits_;               // classifier (B, d); (rows, out)
  Buffer<T> dy_, dx_, dctx_, dres_, dqkv_, scratch_;
};

}  // namespace recur
