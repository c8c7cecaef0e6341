// trace() and saliency(): one batch-1 pass of Network (and its backward pass), read out.
#include "model/inspect.h"

#include <cmath>
#include <string>

#include "cells/cell_kind.h"
#include "layers/softmax.h"
#include "model/network.h"
#include "text/utf8.h"

namespace recur {
namespace {

// The text as ids, within the size these views accept.
template <typename T>
Result<std::vector<int32_t>> encode_for_inspection(const Model<T>& m, std::string_view text) {
  if (text.empty()) return invalid_argument("text is empty: nothing to inspect");
  if (const size_t n = utf8_length(text); n > size_t(kMaxInspectChars))
    return out_of_range("text is " + std::to_string(n) + " characters: inspection reads at most " +
                        std::to_string(kMaxInspectChars));
  auto ids = m.vocab.encode(text);
  if (ids)
    if (Status st = check_window(m.config, int64_t(ids->size()), "the text"); !st.is_ok()) return st;
  // A Transformer's trace also hands out its attention weights (L x heads x T^2), copied twice on
  // the way to JavaScript.
  const auto need = [&](int64_t n) {
    const Config& c = m.config;
    return activation_bytes(c, n, 1) + (is_transformer(c) ? 2 * int64_t(c.num_layers) * c.num_heads * n * n * 4 : 0);
  };
  if (ids && need(int64_t(ids->size())) > kMaxActivationBytes) {
    int64_t most = 0;  // the longest text that fits: need() grows with n
    for (int64_t lo = 1, hi = int64_t(ids->size()); lo <= hi;) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (need(mid) <= kMaxActivationBytes) most = mid, lo = mid + 1; else hi = mid - 1;
    }
    return out_of_range("text of " + std::to_string(ids->size()) +
                        " characters is too long to inspect with this model: at most " + std::to_string(most) +
                        " fit in memory");
  }
  return ids;
}

}  // namespace

template <typename T>
Result<Trace<T>> trace(const Model<T>& m, std::string_view text) {
  auto ids = encode_for_inspection(m, text);
  if (!ids) return ids.status();
  const Config& cfg = m.config;
  const int steps = int(ids->size()), H = cfg.hidden_size, D = directions(cfg);
  Network<T> net(cfg);
  net.forward(m.params, ids->data(), steps, 1, nullptr, nullptr, false, nullptr);

  Trace<T> t;
  t.steps = steps;
  t.hidden = H;
  t.gates = cfg.cell == CellKind::kLstm || cfg.cell == CellKind::kGru ? gate_count(cfg.cell) : 0;
  if (const Transformer<T>* tf = net.transformer()) {
    t.heads = cfg.num_heads;
    const size_t n = size_t(steps) * H, a = size_t(cfg.num_heads) * steps * steps;
    for (int k = 0; k < cfg.num_layers; ++k) {
      t.h.emplace_back(tf->layer_output(k), tf->layer_output(k) + n);
      t.attention.emplace_back(tf->attention(k), tf->attention(k) + a);
    }
    return t;
  }
  for (int k = 0; k < cfg.num_layers; ++k)
    for (int d = 0; d < D; ++d) {
      // With batch 1 the cache's rows are the characters in text order, for either direction.
      const SeqCache<T>& cache = net.cache(k, d);
      const size_t n = size_t(steps) * H;
      t.h.emplace_back(cache.h.data(), cache.h.data() + n);
      t.c.emplace_back(cfg.cell == CellKind::kLstm ? std::vector<T>(cache.c.data(), cache.c.data() + n)
                                                   : std::vector<T>());
      const size_t g = size_t(steps) * t.gates * H;
      t.gate.emplace_back(cache.gates.data(), cache.gates.data() + g);
    }
  return t;
}

template <typename T>
Result<Saliency<T>> saliency(const Model<T>& m, std::string_view text, int position, int target) {
  auto ids = encode_for_inspection(m, text);
  if (!ids) return ids.status();
  const Config& cfg = m.config;
  const int steps = int(ids->size()), E = cfg.embedding_dim, out = output_size(cfg);
  const int rows = cfg.task == Task::kClassifier ? 1 : steps;
  if (position < 0 || position >= rows)
    return bad_option("position", "must be an output row in 0.." + std::to_string(rows - 1) + ", got " +
                                      std::to_string(position));
  if (target < -1 || target >= out)
    return bad_option("target", "must be a class in 0.." + std::to_string(out - 1) +
                                    " or -1 (the most probable), got " + std::to_string(target));

  Network<T> net(cfg);
  net.forward(m.params, ids->data(), steps, 1, nullptr, nullptr, false, nullptr);
  std::vector<T> logp(out);
  log_softmax_rows(net.logits() + size_t(position) * out, 1, out, logp.data());
  Saliency<T> s;
  s.position = position;
  s.target = target;
  if (target < 0) {
    s.target = 0;
    for (int j = 1; j < out; ++j)
      if (logp[j] > logp[s.target]) s.target = j;
  }
  s.log_prob = logp[s.target];

  // d log p_target / d logits = onehot(target) - softmax, on the one row read.
  std::vector<T> dlogits(size_t(rows) * out, T(0));
  T* row = dlogits.data() + size_t(position) * out;
  for (int j = 0; j < out; ++j) row[j] = -std::exp(logp[j]);
  row[s.target] += T(1);
  Params<T> grads(cfg);
  net.backward(m.params, dlogits.data(), grads);

  const T* g = net.input_grad();
  const T* emb = m.params.ptr(m.params.tensors[embedding_index()]);
  s.grad_norm.resize(size_t(steps));
  s.grad_times_input.resize(size_t(steps));
  for (int t = 0; t < steps; ++t) {
    const T* x = emb + size_t((*ids)[size_t(t)]) * E;
    T sq = 0, dot = 0;
    for (int e = 0; e < E; ++e) {
      sq += g[size_t(t) * E + e] * g[size_t(t) * E + e];
      dot += g[size_t(t) * E + e] * x[e];
    }
    s.grad_norm[size_t(t)] = std::sqrt(sq);
    s.grad_times_input[size_t(t)] = dot;
  }
  return s;
}

template Result<Trace<float>> trace(const Model<float>&, std::string_view);
template Result<Trace<double>> trace(const Model<double>&, std::string_view);
template Result<Saliency<float>> saliency(const Model<float>&, std::string_view, int, int);
template Result<Saliency<double>> saliency(const Model<double>&, std::string_view, int, int);

}  // namespace recur
