// Network forward/backward over batches and the batch-1 Stepper (see network.h).
#include "model/network.h"

#include <algorithm>
#include <cassert>
#include <type_traits>

#include "layers/dense.h"
#include "layers/embedding.h"

namespace recur {
template <typename T>
CellWeights<T> cell_weights(const Config& c, const Params<T>& p, int layer, int dir) {
  const CellIndex ix = cell_index(c, layer, dir);
  CellWeights<T> w;
  w.kind = c.cell;
  w.H = c.hidden_size;
  w.I = layer == 0 ? c.embedding_dim : directions(c) * c.hidden_size;
  w.w_ih = p.ptr(p.tensors[ix.w_ih]);
  w.w_hh = p.ptr(p.tensors[ix.w_hh]);
  w.b_ih = p.ptr(p.tensors[ix.b_ih]);
  w.b_hh = p.ptr(p.tensors[ix.b_hh]);
  return w;
}

namespace {

template <typename T>
CellGrads<T> grads_of(const Config& c, Params<T>& g, int layer, int dir) {
  const CellIndex ix = cell_index(c, layer, dir);
  return {g.ptr(g.tensors[ix.w_ih]), g.ptr(g.tensors[ix.w_hh]), g.ptr(g.tensors[ix.b_ih]),
          g.ptr(g.tensors[ix.b_hh])};
}

}  // namespace

template <typename T>
void State<T>::resize(const Config& cfg, int B) {
  slots = cfg.num_layers * directions(cfg);
  batch = B;
  hidden = cfg.hidden_size;
  h.assign(size_t(slots) * B * hidden, T(0));
  if (cfg.cell == CellKind::kLstm)
    c.assign(size_t(slots) * B * hidden, T(0));
  else
    c.clear();
}

template <typename T>
void State<T>::zero() {
  std::fill(h.begin(), h.end(), T(0));
  std::fill(c.begin(), c.end(), T(0));
}

template <typename T>
void Network<T>::forward(const Params<T>& p, const int32_t* ids, int steps, int batch, const int32_t* lengths,
                         const State<T>* init, bool training, Rng* rng, const uint8_t* resets) {
  T_ = steps;
  B_ = batch;
  if (tf_) {
    tf_->forward(p, ids, steps, batch, lengths, training, rng, resets);
    return;
  }
  const int L = cfg_.num_layers, D = directions(cfg_), H = cfg_.hidden_size, E = cfg_.embedding_dim;
  const int DH = D * H, out = output_size(cfg_);
  const size_t rows = size_t(steps) * batch;
  ids_.assign(ids, ids + rows);
  if (lengths)
    lengths_.assign(lengths, lengths + batch);
  else
    lengths_.assign(batch, steps);
  if (resets)
    resets_.assign(resets, resets + rows);
  else
    resets_.clear();
  const uint8_t* rs = resets_.empty() ? nullptr : resets_.data();
  layer_in_.resize(L);
  layer_out_.resize(L);
  drop_mask_.resize(L);
  caches_.resize(size_t(L) * D);
  if (init)
    init_ = *init;
  else
    init_.resize(cfg_, batch);
  final_.resize(cfg_, batch);

  layer_in_[0].resize(rows * E);
  embedding_forward(p.ptr(p.tensors[embedding_index()]), E, ids, rows, layer_in_[0].data());
  const bool drop = training && cfg_.dropout > 0.0f;
  for (int k = 0; k < L; ++k) {
    const int in = k == 0 ? E : DH;
    layer_out_[k].resize(rows * DH);
    for (int d = 0; d < D; ++d) {
      const int slot = k * D + d;
      SeqCache<T>& cache = caches_[slot];
      cell_forward_seq(cell_weights(cfg_, p, k, d), layer_in_[k].data(), in, steps, batch, lengths_.data(),
                       d == 0 ? rs : nullptr, d == 1, init_.h_at(slot), init_.c_at(slot), cache);
      for (size_t r = 0; r < rows; ++r)
        std::copy(cache.h.data() + r * H, cache.h.data() + (r + 1) * H, layer_out_[k].data() + r * DH + d * H);
      // Forward direction ends at the last step, reverse at the first; padding held the state.
      const size_t last = d == 0 ? size_t(steps - 1) * batch : 0;
      std::copy(cache.h.data() + last * H, cache.h.data() + (last + batch) * H, final_.h_at(slot));
      if (cfg_.cell == CellKind::kLstm)
        std::copy(cache.c.data() + last * H, cache.c.data() + (last + batch) * H, final_.c_at(slot));
    }
    if (k + 1 < L) {
      layer_in_[k + 1] = layer_out_[k];
      if (drop) {
        // Inverted dropout: kept units are scaled by 1/(1-p) so inference needs no rescaling.
        drop_mask_[k + 1].resize(rows * DH);
        const T scale = T(1) / (T(1) - T(cfg_.dropout));
        for (size_t i = 0; i < rows * DH; ++i) {
          const T m = rng->uniform() < cfg_.dropout ? T(0) : scale;
          drop_mask_[k + 1][i] = m;
          layer_in_[k + 1][i] *= m;
        }
      } else {
        drop_mask_[k + 1].clear();
      }
    }
  }

  const T* hw = p.ptr(p.tensors[head_weight_index(cfg_)]);
  const T* hb = p.ptr(p.tensors[head_bias_index(cfg_)]);
  if (cfg_.task == Task::kClassifier) {
    feat_.resize(size_t(batch) * DH);
    for (int d = 0; d < D; ++d) {
      const T* hf = final_.h_at((L - 1) * D + d);
      for (int b = 0; b < batch; ++b) std::copy(hf + b * H, hf + (b + 1) * H, feat_.data() + b * DH + d * H);
    }
    logits_.resize(size_t(batch) * out);
    linear(batch, DH, out, feat_.data(), DH, hw, hb, logits_.data(), out);
  } else {
    logits_.resize(rows * out);
    linear(int(rows), DH, out, layer_out_[L - 1].data(), DH, hw, hb, logits_.data(), out);
  }
}

template <typename T>
void Network<T>::backward(const Params<T>& p, const T* dlogits, Params<T>& grads, State<T>* dinit) {
  if (tf_) {
    tf_->backward(p, dlogits, grads);
    if (dinit) dinit->resize(cfg_, B_);  // no start state: a zero gradient
    return;
  }
  const int L = cfg_.num_layers, D = directions(cfg_), H = cfg_.hidden_size, E = cfg_.embedding_dim;
  const int DH = D * H, out = output_size(cfg_);
  const size_t rows = size_t(T_) * B_;
  const T* hw = p.ptr(p.tensors[head_weight_index(cfg_)]);
  T* dhw = grads.ptr(grads.tensors[head_weight_index(cfg_)]);
  T* dhb = grads.ptr(grads.tensors[head_bias_index(cfg_)]);
  if (dinit && (dinit->batch != B_ || dinit->slots != L * D)) dinit->resize(cfg_, B_);

  const bool classifier = cfg_.task == Task::kClassifier;
  dcur_.assign(rows * DH, T(0));  // assign keeps capacity: no allocation after the first step
  if (classifier) {
    dfeat_.assign(size_t(B_) * DH, T(0));
    dense_backward(B_, DH, out, feat_.data(), DH, hw, dlogits, dhw, dhb, dfeat_.data(), DH);
  } else {
    dense_backward(int(rows), DH, out, layer_out_[L - 1].data(), DH, hw, dlogits, dhw, dhb, dcur_.data(), DH);
  }

  for (int k = L - 1; k >= 0; --k) {
    const int in = k == 0 ? E : DH;
    dnext_.assign(rows * in, T(0));
    for (int d = 0; d < D; ++d) {
      const int slot = k * D + d;
      const T* dhl = nullptr;
      if (classifier && k == L - 1) {
        dh_last_.resize(size_t(B_) * H);
        for (int b = 0; b < B_; ++b)
          std::copy(dfeat_.data() + b * DH + d * H, dfeat_.data() + b * DH + (d + 1) * H, dh_last_.data() + b * H);
        dhl = dh_last_.data();
      }
      cell_backward_seq(cell_weights(cfg_, p, k, d), layer_in_[k].data(), in, lengths_.data(),
                        d == 0 && !resets_.empty() ? resets_.data() : nullptr, d == 1,
                        dcur_.data() + d * H, DH, dhl, static_cast<const T*>(nullptr), caches_[slot],
                        grads_of(cfg_, grads, k, d), dnext_.data(), in, dinit ? dinit->h_at(slot) : nullptr,
                        dinit ? dinit->c_at(slot) : nullptr);
    }
    if (k > 0 && !drop_mask_[k].empty())
      for (size_t i = 0; i < rows * in; ++i) dnext_[i] *= drop_mask_[k][i];
    dcur_.swap(dnext_);
  }
  embedding_backward(E, ids_.data(), rows, dcur_.data(), grads.ptr(grads.tensors[embedding_index()]));
}

template <typename T>
Stepper<T>::Stepper(const Config& c, bool fold, Precision precision, int batch)
    : cfg_(c), precision_(std::is_same_v<T, float> ? precision : Precision::kFloat32) {
  state_.resize(c, batch);
  logits_.assign(size_t(batch) * output_size(c), T(0));
  if (is_transformer(c)) {
    kv_.emplace(c, batch);
    if (precision_ == Precision::kInt8) int8_.configure(c, 0, true);
    return;
  }
  caches_.resize(size_t(c.num_layers));
  rows_.resize(size_t(batch));
  if (fold) fold_.configure(c.vocab_size, c.embedding_dim, gate_count(c.cell) * c.hidden_size);
  if (precision_ == Precision::kInt8) int8_.configure(c, fold_.enabled() ? 1 : 0, true);
}

template <typename T>
void Stepper<T>::reset(const Params<T>& p) {
  state_.zero();
  if (kv_) kv_->reset();
  fold_.invalidate();
  int8_.invalidate();
  const T* bias = p.ptr(p.tensors[head_bias_index(cfg_)]);
  const size_t out = size_t(output_size(cfg_));
  for (int b = 0; b < state_.batch; ++b) std::copy(bias, bias + out, logits_.begin() + b * out);
}

template <typename T>
void Stepper<T>::broadcast() {
  if (kv_) kv_->broadcast();
  const size_t H = size_t(cfg_.hidden_size), out = size_t(output_size(cfg_));
  for (int slot = 0; slot < state_.slots; ++slot)
    for (int b = 1; b < state_.batch; ++b) {
      std::copy(state_.h_at(slot), state_.h_at(slot) + H, state_.h_at(slot) + b * H);
      if (T* c = state_.c_at(slot)) std::copy(c, c + H, c + b * H);
    }
  for (int b = 1; b < state_.batch; ++b) std::copy(logits_.begin(), logits_.begin() + out, logits_.begin() + b * out);
}

template <typename T>
const T* Stepper<T>::feed(const Params<T>& p, const int32_t* ids, int streams) {
  // The first B streams: their rows come first in every layer's (batch, H) block of the state.
  const int E = cfg_.embedding_dim, H = cfg_.hidden_size, out = output_size(cfg_);
  const int B = streams > 0 ? streams : state_.batch;
  assert(B <= state_.batch);
  const bool int8 = precision_ == Precision::kInt8;
  if constexpr (std::is_same_v<T, float>)
    if (int8 && !int8_.ready()) int8_.build(p);
  if (kv_) {
    kv_->feed(p, ids, B, logits_.data(), int8 ? &int8_ : nullptr);
    return logits_.data();
  }
  const T* emb = p.ptr(p.tensors[embedding_index()]);
  const T* x = nullptr;  // the layer's input rows (B, I)
  for (int k = 0; k < cfg_.num_layers; ++k) {
    CellWeights<T> w = cell_weights(cfg_, p, k, 0);
    if (int8) {
      w.q_ih = int8_.w_ih(k);
      w.q_hh = int8_.w_hh(k);
    }
    SeqCache<T>& cache = caches_[size_t(k)];
    if (k == 0 && fold_.enabled()) {
      fold_.rows(ids, B, emb, w.w_ih, w.b_ih, rows_.data());
      cell_step(w, rows_.data(), static_cast<const T*>(nullptr), 0, B, state_.h_at(k), state_.c_at(k), cache);
    } else {
      if (k == 0) {
        x_.resize(size_t(B) * E);
        embedding_forward(emb, E, ids, size_t(B), x_.data());
        x = x_.data();
      }
      cell_step(w, static_cast<const T* const*>(nullptr), x, w.I, B, state_.h_at(k), state_.c_at(k), cache);
    }
    x = state_.h_at(k);
  }
  linear(int8 ? int8_.head() : nullptr, &int8_.scratch(), B, H, out, x, H, p.ptr(p.tensors[head_weight_index(cfg_)]),
         p.ptr(p.tensors[head_bias_index(cfg_)]), logits_.data(), out);
  return logits_.data();
}

template CellWeights<float> cell_weights<float>(const Config&, const Params<float>&, int, int);
template CellWeights<double> cell_weights<double>(const Config&, const Params<double>&, int, int);
template struct State<float>;
template struct State<double>;
template class Network<float>;
template class Network<double>;
template class Stepper<float>;
template class Stepper<double>;

}  // namespace recur
