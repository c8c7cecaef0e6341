// Transformer model forward and backward over a batch (transformer.h).
#include "attention/transformer.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "layers/dense.h"

namespace recur {

template <typename T>
Transformer<T>::Transformer(const Config& c) : cfg_(c), pe_(c.hidden_size, c.max_len) {
  caches_.resize(size_t(c.num_layers));
  probs_.resize(size_t(c.num_layers));
}

template <typename T>
void Transformer<T>::forward(const Params<T>& p, const int32_t* ids, int steps, int batch, const int32_t* lengths,
                             bool training, Rng* rng, const uint8_t* resets) {
  assert(steps <= cfg_.max_len);
  const int d = cfg_.hidden_size, heads = cfg_.num_heads, out = output_size(cfg_);
  const size_t rows = size_t(steps) * batch;
  T_ = steps;
  B_ = batch;
  ids_.assign(ids, ids + rows);
  if (lengths)
    lengths_.assign(lengths, lengths + batch);
  else
    lengths_.assign(size_t(batch), steps);
  const bool causal = !cfg_.bidirectional;
  spans_ = attention_spans(steps, batch, lengths_.data(), causal ? resets : nullptr, causal);

  const T* emb = p.ptr(p.tensors[embedding_index()]);
  const T scale = T(std::sqrt(double(d)));
  const T* table = pe_.rows(steps);
  x0_.resize(rows * d);
  for (size_t r = 0; r < rows; ++r) {
    const T* e = emb + size_t(ids[r]) * d;
    const T* pe = table + size_t(spans_.pos[r]) * d;
    for (int j = 0; j < d; ++j) x0_[r * d + j] = e[j] * scale + pe[j];
  }
  const float drop = training ? cfg_.dropout : 0.0f;
  const T* x = x0_.data();
  for (int k = 0; k < cfg_.num_layers; ++k) {
    const EncoderWeights<T> w = encoder_weights(cfg_, p, k);
    EncoderCache<T>& c = caches_[size_t(k)];
    encoder_forward_qkv(w, int(rows), x, c);
    probs_[size_t(k)].resize(size_t(batch) * heads * steps * steps);
    attention_forward(spans_, heads, d / heads, c.qkv.data(), probs_[size_t(k)].data(), c.ctx.data());
    encoder_forward_out(w, int(rows), c, drop, rng);
    x = c.y.data();
  }

  const T* hw = p.ptr(p.tensors[head_weight_index(cfg_)]);
  const T* hb = p.ptr(p.tensors[head_bias_index(cfg_)]);
  if (cfg_.task == Task::kClassifier) {
    feat_.assign(size_t(batch) * d, T(0));
    for (int b = 0; b < batch; ++b) {
      const int len = lengths_[size_t(b)];
      T* f = feat_.data() + size_t(b) * d;
      if (causal) {
        std::copy(x + (size_t(len - 1) * batch + b) * d, x + (size_t(len - 1) * batch + b + 1) * d, f);
      } else {
        for (int t = 0; t < len; ++t)
          for (int j = 0; j < d; ++j) f[j] += x[(size_t(t) * batch + b) * d + j];
        for (int j = 0; j < d; ++j) f[j] /= T(len);
      }
    }
    logits_.resize(size_t(batch) * out);
    linear(batch, d, out, feat_.data(), d, hw, hb, logits_.data(), out);
  } else {
    logits_.resize(rows * out);
    linear(int(rows), d, out, x, d, hw, hb, logits_.data(), out);
  }
}

template <typename T>
void Transformer<T>::backward(const Params<T>& p, const T* dlogits, Params<T>& grads) {
  const int d = cfg_.hidden_size, heads = cfg_.num_heads, out = output_size(cfg_), B = B_;
  const size_t rows = size_t(T_) * B;
  const T* hw = p.ptr(p.tensors[head_weight_index(cfg_)]);
  T* dhw = grads.ptr(grads.tensors[head_weight_index(cfg_)]);
  T* dhb = grads.ptr(grads.tensors[head_bias_index(cfg_)]);
  const T* top = top_output();
  dy_.assign(rows * d, T(0));
  if (cfg_.task == Task::kClassifier) {
    Buffer<T>& dfeat = scratch_;
    dfeat.assign(size_t(B) * d, T(0));
    dense_backward(B, d, out, feat_.data(), d, hw, dlogits, dhw, dhb, dfeat.data(), d);
    for (int b = 0; b < B; ++b) {
      const int len = lengths_[size_t(b)];
      const T* df = dfeat.data() + size_t(b) * d;
      if (!cfg_.bidirectional)
        std::copy(df, df + d, dy_.data() + (size_t(len - 1) * B + b) * d);
      else
        for (int t = 0; t < len; ++t)
          for (int j = 0; j < d; ++j) dy_[(size_t(t) * B + b) * d + j] = df[j] / T(len);
    }
  } else {
    dense_backward(int(rows), d, out, top, d, hw, dlogits, dhw, dhb, dy_.data(), d);
  }
  for (int k = cfg_.num_layers - 1; k >= 0; --k) {
    const EncoderWeights<T> w = encoder_weights(cfg_, p, k);
    const EncoderGrads<T> g = encoder_grads(cfg_, grads, k);
    EncoderCache<T>& c = caches_[size_t(k)];
    encoder_backward_ctx(w, int(rows), c, dy_.data(), g, dctx_, dres_);
    dqkv_.assign(rows * 3 * d, T(0));
    attention_backward(spans_, heads, d / heads, c.qkv.data(), probs_[size_t(k)].data(), dctx_.data(), dqkv_.data(),
                       scratch_);
    dx_.assign(rows * d, T(0));
    encoder_backward_x(w, int(rows), c, dqkv_.data(), dres_, g, dx_.data());
    dy_.swap(dx_);
  }
  // x0 = embedding * sqrt(d) + PE: the lookup's gradient is sqrt(d) times x0's.
  const T scale = T(std::sqrt(double(d)));
  dx_.resize(rows * d);
  T* demb = grads.ptr(grads.tensors[embedding_index()]);
  for (size_t r = 0; r < rows; ++r)
    for (int j = 0; j < d; ++j) {
      dx_[r * d + j] = dy_[r * d + j] * scale;
      demb[size_t(ids_[r]) * d + j] += dx_[r * d + j];
    }
}

template class Transformer<float>;
template class Transformer<double>;

}  // namespace recur
