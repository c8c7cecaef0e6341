// predict() and Predictor: encode, forward (in chunks for unidirectional models), softmax per row.
#include "model/predict.h"

#include <algorithm>

#include "kernels/gemm.h"
#include "layers/dense.h"
#include "layers/embedding.h"
#include "layers/softmax.h"

namespace recur {
namespace {

// A unidirectional model reads long texts in chunks with the state carried over: the same
// numbers as one pass, in bounded memory.
constexpr int kChunk = 1024;

template <typename V>
void grow(V& b, size_t n) {
  if (b.size() < n) b.resize(n);
}

}  // namespace

Result<Prediction> predict(const Model<float>& m, std::string_view text) {
  Predictor p(m);
  return p.run(m, text);
}

Predictor::Predictor(const Model<float>& m) : cfg_(m.config), vocab_(Vocab::from_symbols(m.vocab)) {
  if (!cfg_.bidirectional) fold_.configure(cfg_.vocab_size, cfg_.embedding_dim, gate_count(cfg_.cell) * cfg_.hidden_size);
}

void Predictor::params_changed() {
  fold_.invalidate();
  prepared_ = false;
}

Result<Prediction> Predictor::run(const Model<float>& m, std::string_view text) {
  if (text.empty()) return invalid_argument("text is empty: predict needs at least one character");
  if (text.size() > kMaxPredictBytes)
    return out_of_range("text is " + std::to_string(text.size()) + " bytes: the limit is " +
                        std::to_string(kMaxPredictBytes));
  if (!vocab_) return vocab_.status();
  auto ids = vocab_.value().encode(text);
  if (!ids) return ids.status();
  return run_ids(m, ids.value());
}

Result<Prediction> Predictor::run_ids(const Model<float>& m, const std::vector<int32_t>& ids) {
  if (ids.empty()) return invalid_argument("text is empty: predict needs at least one character");
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || ids[i] >= cfg_.vocab_size)
      return out_of_range("id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                          " is outside the vocabulary (0.." + std::to_string(cfg_.vocab_size - 1) + ")");
  Prediction p;
  p.cols = output_size(cfg_);
  const int T = int(ids.size());
  const int64_t out_rows = cfg_.task == Task::kClassifier ? 1 : T;
  if (out_rows * p.cols > kMaxActivationBytes / int64_t(sizeof(float)))
    return out_of_range("text of " + std::to_string(T) + " characters would give " + std::to_string(out_rows) + " x " +
                        std::to_string(p.cols) + " probabilities: at most " +
                        std::to_string(kMaxActivationBytes / int64_t(sizeof(float)) / p.cols) + " characters per call");
  p.symbols = cfg_.task == Task::kLm ? &m.vocab : &m.labels;
  if (cfg_.bidirectional) {
    // Both directions need the whole text at once.
    if (activation_bytes(cfg_, T, 1) > kMaxActivationBytes)
      return out_of_range("text of " + std::to_string(T) + " characters is too long for a bidirectional model: at most " +
                          std::to_string(kMaxActivationBytes / activation_bytes(cfg_, 1, 1)) + " fit in memory");
    if (!net_) net_ = std::make_unique<Network<float>>(cfg_);
    net_->forward(m.params, ids.data(), T, 1, nullptr, nullptr, false, nullptr);
    p.rows = net_->logit_rows();
    p.probs.resize(size_t(p.rows) * p.cols);
    softmax_rows(net_->logits(), p.rows, p.cols, p.probs.data());
    return p;
  }
  p.rows = int(out_rows);
  p.probs.resize(size_t(p.rows) * p.cols);
  forward_unidirectional(m, ids.data(), T, p);
  return p;
}

// Weights derived from the parameters: W_ih^T of every layer whose input projection is a GEMM.
void Predictor::prepare(const Model<float>& m) {
  const int L = cfg_.num_layers, GH = gate_count(cfg_.cell) * cfg_.hidden_size;
  w_ihT_.resize(L);
  for (int k = 0; k < L; ++k) {
    const CellWeights<float> w = cell_weights(cfg_, m.params, k, 0);
    if (k == 0 && fold_.enabled()) {
      w_ihT_[k].clear();
      continue;
    }
    w_ihT_[k].resize(size_t(w.I) * GH);
    transpose(GH, w.I, w.w_ih, w.I, w_ihT_[k].data(), GH);
  }
  prepared_ = true;
}

void Predictor::forward_unidirectional(const Model<float>& m, const int32_t* ids, int T, Prediction& p) {
  const int L = cfg_.num_layers, H = cfg_.hidden_size, E = cfg_.embedding_dim, GH = gate_count(cfg_.cell) * H;
  const int out = p.cols;
  const bool classifier = cfg_.task == Task::kClassifier;
  if (!prepared_) prepare(m);
  state_.resize(cfg_, 1);  // zeros
  grow(scratch_, size_t(2) * GH);
  const float* emb = m.params.ptr(m.params.tensors[embedding_index()]);
  const float* hw = m.params.ptr(m.params.tensors[head_weight_index(cfg_)]);
  const float* hb = m.params.ptr(m.params.tensors[head_bias_index(cfg_)]);
  for (int t0 = 0; t0 < T; t0 += kChunk) {
    const int n = std::min(kChunk, T - t0);
    grow(y_, size_t(n) * H);
    for (int k = 0; k < L; ++k) {
      const CellWeights<float> w = cell_weights(cfg_, m.params, k, 0);
      float* h = state_.h_at(k);
      float* c = state_.c_at(k);
      if (k == 0 && fold_.enabled()) {
        for (int t = 0; t < n; ++t) {
          cell_forward_step_projected(w, fold_.row(ids[t0 + t], emb, w.w_ih, w.b_ih), h, c, scratch_.data());
          std::copy(h, h + H, y_.data() + size_t(t) * H);
        }
        continue;
      }
      // pre_x (n, G*H) = X (n, in) W_ih^T + b_ih; X is the embedding rows or the layer below.
      const float* X;
      if (k == 0) {
        grow(x_, size_t(n) * E);
        embedding_forward(emb, E, ids + t0, size_t(n), x_.data());
        X = x_.data();
      } else {
        grow(x_, size_t(n) * H);
        std::copy(y_.data(), y_.data() + size_t(n) * H, x_.data());
        X = x_.data();
      }
      grow(pre_x_, size_t(n) * GH);
      for (int t = 0; t < n; ++t) std::copy(w.b_ih, w.b_ih + GH, pre_x_.data() + size_t(t) * GH);
      gemm_nn(n, GH, w.I, X, w.I, w_ihT_[k].data(), GH, pre_x_.data(), GH, true);
      for (int t = 0; t < n; ++t) {
        cell_forward_step_projected(w, pre_x_.data() + size_t(t) * GH, h, c, scratch_.data());
        std::copy(h, h + H, y_.data() + size_t(t) * H);
      }
    }
    if (classifier) continue;
    grow(logits_, size_t(n) * out);
    dense_forward(n, H, out, y_.data(), H, hw, hb, logits_.data(), head_wT_);
    softmax_rows(logits_.data(), n, out, p.probs.data() + size_t(t0) * out);
  }
  if (classifier) {
    // The final state of the last layer, as Network's classifier reads it.
    grow(logits_, size_t(out));
    dense_forward(1, H, out, state_.h_at(L - 1), H, hw, hb, logits_.data(), head_wT_);
    softmax_rows(logits_.data(), 1, out, p.probs.data());
  }
}

}  // namespace recur
