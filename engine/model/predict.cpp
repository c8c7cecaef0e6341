// predict() and Predictor: encode, forward (in chunks for unidirectional models), softmax per row.
#include "model/predict.h"

#include <algorithm>

#include "layers/dense.h"
#include "layers/embedding.h"
#include "layers/softmax.h"
#include "text/utf8.h"

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

namespace {
// Bidirectional models and Transformers read the whole text in one pass (Network).
bool whole_text(const Config& c) { return c.bidirectional || is_transformer(c); }
}  // namespace

Predictor::Predictor(const Model<float>& m, Precision precision)
    : cfg_(m.config), precision_(whole_text(m.config) ? Precision::kFloat32 : precision) {
  if (!whole_text(cfg_)) fold_.configure(cfg_.vocab_size, cfg_.embedding_dim, gate_count(cfg_.cell) * cfg_.hidden_size);
  if (precision_ == Precision::kInt8) int8_.configure(cfg_, cfg_.num_layers, false);
}

void Predictor::params_changed() {
  fold_.invalidate();
  int8_.invalidate();
}

Result<Prediction> Predictor::run(const Model<float>& m, std::string_view text) {
  if (Status st = start(m, text); !st.is_ok()) return st;
  advance(m, length());
  return take();
}

Result<Prediction> Predictor::run_ids(const Model<float>& m, std::vector<int32_t> ids) {
  if (Status st = start_ids(m, std::move(ids)); !st.is_ok()) return st;
  advance(m, length());
  return take();
}

Status Predictor::start(const Model<float>& m, std::string_view text) {
  ids_.clear();
  pos_ = 0;
  if (text.empty()) return invalid_argument("text is empty: predict needs at least one character");
  // Counted before encoding, so that an enormous text costs no ids.
  if (const size_t chars = utf8_length(text); chars > size_t(kMaxPredictChars))
    return out_of_range("text is " + std::to_string(chars) + " characters: the limit is " +
                        std::to_string(kMaxPredictChars));
  auto ids = m.vocab.encode(text);
  if (!ids) return ids.status();
  return start_ids(m, std::move(ids.value()));
}

Status Predictor::start_ids(const Model<float>& m, std::vector<int32_t> ids) {
  ids_.clear();
  pos_ = 0;
  if (ids.empty()) return invalid_argument("text is empty: predict needs at least one character");
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || ids[i] >= cfg_.vocab_size)
      return out_of_range("id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                          " is outside the vocabulary (0.." + std::to_string(cfg_.vocab_size - 1) + ")");
  Prediction& p = out_;
  p = Prediction{};
  p.cols = output_size(cfg_);
  const int64_t T = int64_t(ids.size());
  const int64_t out_rows = cfg_.task == Task::kClassifier ? 1 : T;
  if (out_rows * p.cols > kMaxActivationBytes / int64_t(sizeof(float)))
    return out_of_range("text of " + std::to_string(T) + " characters would give " + std::to_string(out_rows) + " x " +
                        std::to_string(p.cols) + " probabilities: at most " +
                        std::to_string(kMaxActivationBytes / int64_t(sizeof(float)) / p.cols) + " characters per call");
  p.symbols = cfg_.task == Task::kLm ? &m.vocab.symbols() : &m.labels;
  RECUR_RETURN_IF_ERROR(check_window(cfg_, T, "the text"));
  if (whole_text(cfg_)) {
    if (activation_bytes(cfg_, int(T), 1) > kMaxActivationBytes)
      return out_of_range("text of " + std::to_string(T) + " characters is too long for " +
                          (cfg_.bidirectional ? "a bidirectional model" : "this model") + ": at most " +
                          std::to_string(kMaxActivationBytes / activation_bytes(cfg_, 1, 1)) + " fit in memory");
    if (!net_) net_ = std::make_unique<Network<float>>(cfg_);
    net_->forward(m.params, ids.data(), int(T), 1, nullptr, nullptr, false, nullptr);
    p.rows = net_->logit_rows();
    p.probs.resize(size_t(p.rows) * p.cols);
    softmax_rows(net_->logits(), p.rows, p.cols, p.probs.data());
    ids_ = std::move(ids);
    pos_ = T;
    return Status::ok();
  }
  p.rows = int(out_rows);
  p.probs.resize(size_t(p.rows) * p.cols);
  state_.resize(cfg_, 1);  // zeros
  ids_ = std::move(ids);
  return Status::ok();
}

void Predictor::advance(const Model<float>& m, int64_t positions) {
  const int64_t t1 = pos_ + std::clamp<int64_t>(positions, 0, length() - pos_);
  if (t1 == pos_) return;
  forward_unidirectional(m, int(pos_), int(t1));
  pos_ = t1;
}

Prediction Predictor::take() {
  Prediction p = std::move(out_);
  out_ = Prediction{};
  std::vector<int32_t>().swap(ids_);  // a long text's ids are not kept between calls
  pos_ = 0;
  return p;
}

void Predictor::forward_unidirectional(const Model<float>& m, int t0, int t1) {
  const int L = cfg_.num_layers, H = cfg_.hidden_size, E = cfg_.embedding_dim;
  const int out = out_.cols;
  const bool classifier = cfg_.task == Task::kClassifier;
  const int32_t* ids = ids_.data();
  caches_.resize(size_t(L));
  const float* emb = m.params.ptr(m.params.tensors[embedding_index()]);
  const float* hw = m.params.ptr(m.params.tensors[head_weight_index(cfg_)]);
  const float* hb = m.params.ptr(m.params.tensors[head_bias_index(cfg_)]);
  const bool int8 = precision_ == Precision::kInt8;
  if (int8 && !int8_.ready()) int8_.build(m.params);
  for (int c0 = t0; c0 < t1; c0 += kChunk) {
    const int n = std::min(kChunk, t1 - c0);
    // Layer 0 reads the folded rows b_ih + W_ih E[id] where they are stored, or the embedding rows;
    // each layer above reads the outputs of the one below (x).
    const float* x = nullptr;
    for (int k = 0; k < L; ++k) {
      CellWeights<float> w = cell_weights(cfg_, m.params, k, 0);
      if (int8) w.q_hh = int8_.w_hh(k);
      SeqCache<float>& cache = caches_[size_t(k)];
      // The state in state_ carries into the next chunk.
      if (k == 0 && fold_.enabled()) {
        rows_.resize(size_t(n));
        fold_.rows(ids + c0, n, emb, w.w_ih, w.b_ih, rows_.data());
        cell_infer_projected(w, rows_.data(), n, state_.h_at(k), state_.c_at(k), cache);
      } else if (k == 0) {
        grow(x_, size_t(n) * E);
        embedding_forward(emb, E, ids + c0, size_t(n), x_.data());
        cell_infer_seq(w, x_.data(), E, n, state_.h_at(k), state_.c_at(k), cache);
      } else {
        cell_infer_seq(w, x, H, n, state_.h_at(k), state_.c_at(k), cache);
      }
      x = cache.h.data();
    }
    if (classifier) continue;
    grow(logits_, size_t(n) * out);
    linear(n, H, out, x, H, hw, hb, logits_.data(), out);
    softmax_rows(logits_.data(), n, out, out_.probs.data() + size_t(c0) * out);
  }
  if (classifier && t1 == length()) {
    // The final state of the last layer, as Network's classifier reads it.
    grow(logits_, size_t(out));
    linear(1, H, out, state_.h_at(L - 1), H, hw, hb, logits_.data(), out);
    softmax_rows(logits_.data(), 1, out, out_.probs.data());
  }
}

}  // namespace recur
