// Key/value-cached stepping of a causal Transformer (kv_stepper.h).
#include "attention/kv_stepper.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "attention/attention.h"
#include "layers/dense.h"

namespace recur {

template <typename T>
KvStepper<T>::KvStepper(const Config& c, int batch) : cfg_(c), batch_(batch), pe_(c.hidden_size, c.max_len) {
  assert(!c.bidirectional);  // stepping is causal: callers refuse a bidirectional model
  keys_.resize(size_t(c.num_layers));
  values_.resize(size_t(c.num_layers));
  context_.resize(size_t(batch));
  caches_.resize(size_t(c.num_layers));
  order_.resize(size_t(batch));
  for (int b = 0; b < batch; ++b) order_[size_t(b)] = b;
  probs_.resize(size_t(c.num_heads) * c.max_len);
}

template <typename T>
void KvStepper<T>::reset() {
  for (auto& ctx : context_) ctx.clear();
}

template <typename T>
void KvStepper<T>::reserve(int n) {
  if (n <= room_) return;
  const int room = std::min(cfg_.max_len, std::max({n, 2 * room_, 16}));
  const size_t d = size_t(cfg_.hidden_size);
  for (auto* cache : {&keys_, &values_})
    for (Buffer<T>& old : *cache) {
      Buffer<T> grown(size_t(batch_) * room * d);
      for (int b = 0; b < batch_; ++b)
        std::copy(old.begin() + b * room_ * d, old.begin() + (b + 1) * room_ * d, grown.begin() + b * room * d);
      old.swap(grown);
    }
  room_ = room;
}

template <typename T>
void KvStepper<T>::broadcast() {
  const size_t window = size_t(room_) * cfg_.hidden_size;
  const size_t used = context_[0].size() * size_t(cfg_.hidden_size);
  for (int b = 1; b < batch_; ++b) {
    context_[size_t(b)] = context_[0];
    for (int k = 0; k < cfg_.num_layers; ++k) {
      std::copy(keys_[size_t(k)].begin(), keys_[size_t(k)].begin() + used, keys_[size_t(k)].begin() + b * window);
      std::copy(values_[size_t(k)].begin(), values_[size_t(k)].begin() + used,
                values_[size_t(k)].begin() + b * window);
    }
  }
}

template <typename T>
void KvStepper<T>::feed(const Params<T>& p, const int32_t* ids, int streams, T* logits, Int8Weights* int8) {
  const int d = cfg_.hidden_size, out = output_size(cfg_);
  const size_t full = size_t(cfg_.max_len);
  // Full windows restart from their last max_len / 2 symbols, re-read together (after broadcast()
  // every stream fills on the same step): one step per kept position for all of them.
  restart_.clear();
  for (int b = 0; b < streams; ++b)
    if (context_[size_t(b)].size() == full) restart_.push_back(b);
  if (!restart_.empty()) {
    const int keep = cfg_.max_len / 2, n = int(restart_.size());
    kept_.resize(size_t(n) * keep);
    for (int i = 0; i < n; ++i) {
      std::vector<int32_t>& ctx = context_[size_t(restart_[size_t(i)])];
      std::copy(ctx.end() - keep, ctx.end(), kept_.begin() + i * keep);
      ctx.clear();
    }
    column_.resize(size_t(n));
    for (int j = 0; j < keep; ++j) {
      for (int i = 0; i < n; ++i) column_[size_t(i)] = kept_[size_t(i) * keep + j];
      step(p, restart_.data(), column_.data(), n, int8);
    }
  }
  step(p, order_.data(), ids, streams, int8);
  linear(int8 ? int8->head() : nullptr, int8 ? &int8->scratch() : nullptr, streams, d, out, caches_.back().y.data(),
         d, p.ptr(p.tensors[head_weight_index(cfg_)]), p.ptr(p.tensors[head_bias_index(cfg_)]), logits, out);
}

template <typename T>
void KvStepper<T>::step(const Params<T>& p, const int32_t* streams, const int32_t* ids, int M, Int8Weights* int8) {
  const int d = cfg_.hidden_size, heads = cfg_.num_heads, dh = d / heads;
  int longest = 0;
  for (int i = 0; i < M; ++i) longest = std::max(longest, int(context_[size_t(streams[i])].size()) + 1);
  reserve(longest);
  const size_t window = size_t(room_) * d;
  const T* table = pe_.rows(longest);
  const T* emb = p.ptr(p.tensors[embedding_index()]);
  const T scale = T(std::sqrt(double(d)));
  x_.resize(size_t(M) * d);
  for (int i = 0; i < M; ++i) {
    const T* e = emb + size_t(ids[i]) * d;
    const T* pe = table + context_[size_t(streams[i])].size() * d;
    for (int j = 0; j < d; ++j) x_[size_t(i) * d + j] = e[j] * scale + pe[j];
  }
  const T* x = x_.data();
  for (int k = 0; k < cfg_.num_layers; ++k) {
    EncoderWeights<T> w = encoder_weights(cfg_, p, k);
    if (int8) {
      for (int j = 0; j < 4; ++j) w.q[j] = int8->encoder(k, j);
      w.scratch = &int8->scratch();
    }
    EncoderCache<T>& c = caches_[size_t(k)];
    encoder_forward_qkv(w, M, x, c);
    for (int i = 0; i < M; ++i) {
      const size_t pos = context_[size_t(streams[i])].size();
      T* K = keys_[size_t(k)].data() + size_t(streams[i]) * window;
      T* V = values_[size_t(k)].data() + size_t(streams[i]) * window;
      const T* qkv = c.qkv.data() + size_t(i) * 3 * d;
      std::copy(qkv + d, qkv + 2 * d, K + pos * d);
      std::copy(qkv + 2 * d, qkv + 3 * d, V + pos * d);
      attend(heads, dh, qkv, K, d, V, d, int(pos + 1), probs_.data(), cfg_.max_len, c.ctx.data() + size_t(i) * d);
    }
    encoder_forward_out(w, M, c, 0.0f, nullptr);
    x = c.y.data();
  }
  for (int i = 0; i < M; ++i) context_[size_t(streams[i])].push_back(ids[i]);
}

template class KvStepper<float>;
template class KvStepper<double>;

}  // namespace recur
