// init_from and add_forget_bias (init.h).
#include "train/init.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/config.h"

namespace recur {

Result<int64_t> init_from(Model<float>& to, const Model<float>& from) {
  if (from.config.cell != to.config.cell)
    return invalid_argument(std::string("its cell (") + cell_name(from.config.cell) + ") differs from this model's (" +
                            cell_name(to.config.cell) + ")");
  if (is_transformer(to.config) &&
      (from.config.num_heads != to.config.num_heads || from.config.norm_first != to.config.norm_first ||
       from.config.activation != to.config.activation))
    return invalid_argument("its attention heads, norm placement or activation differ from this model's: the weights "
                            "would mean something else here");
  if (from.config.embedding_dim != to.config.embedding_dim)
    return invalid_argument("its embedding width " + std::to_string(from.config.embedding_dim) +
                            " differs from this model's " + std::to_string(to.config.embedding_dim));
  int64_t copied = 0;
  for (const auto& t : to.params.tensors) {
    if (t.name.rfind("rnn.", 0) != 0 && t.name.rfind("encoder.", 0) != 0) continue;
    const TensorInfo* f = from.params.find(t.name);
    if (!f || f->shape != t.shape) continue;
    std::copy_n(from.params.ptr(*f), t.size, to.params.ptr(t));
    copied += int64_t(t.size);
  }
  std::unordered_map<std::string, size_t> source_id;
  for (size_t j = 0; j < size_t(from.vocab.size()); ++j) source_id.emplace(from.vocab.symbols()[j], j);
  const int E = to.config.embedding_dim;
  const float* fe = from.params.ptr(from.params.tensors[embedding_index()]);
  float* te = to.params.ptr(to.params.tensors[embedding_index()]);
  for (size_t i = 0; i < size_t(to.vocab.size()); ++i) {
    const auto it = source_id.find(to.vocab.symbols()[i]);
    if (it == source_id.end()) continue;
    std::copy_n(fe + it->second * E, E, te + i * E);
    copied += E;
  }
  // A model continuing from one of the same task keeps what the head knows about each shared output:
  // an lm's next symbols, a tagger's or classifier's labels, matched by name.
  const int DH = directions(to.config) * to.config.hidden_size;
  if (to.config.task == from.config.task && directions(from.config) * from.config.hidden_size == DH) {
    const bool lm = to.config.task == Task::kLm;
    const std::vector<std::string>& to_out = lm ? to.vocab.symbols() : to.labels;
    const std::vector<std::string>& from_out = lm ? from.vocab.symbols() : from.labels;
    std::unordered_map<std::string, size_t> source_out;
    for (size_t j = 0; j < from_out.size(); ++j) source_out.emplace(from_out[j], j);
    const float* fw = from.params.ptr(from.params.tensors[head_weight_index(from.config)]);
    const float* fb = from.params.ptr(from.params.tensors[head_bias_index(from.config)]);
    float* tw = to.params.ptr(to.params.tensors[head_weight_index(to.config)]);
    float* tb = to.params.ptr(to.params.tensors[head_bias_index(to.config)]);
    for (size_t i = 0; i < to_out.size(); ++i) {
      const auto it = source_out.find(to_out[i]);
      if (it == source_out.end()) continue;
      std::copy_n(fw + it->second * DH, DH, tw + i * DH);
      tb[i] = fb[it->second];
      copied += DH + 1;
    }
  }
  if (copied == 0) return invalid_argument("no tensor matches this model's shapes");
  return copied;
}

Status add_forget_bias(Model<float>& m, float value) {
  if (m.config.cell != CellKind::kLstm)
    return invalid_argument(std::string("a forget-gate bias needs an lstm, this model is a ") + cell_name(m.config.cell));
  if (!std::isfinite(value)) return invalid_argument("the forget-gate bias must be a finite number");
  const int H = m.config.hidden_size;
  for (int k = 0; k < m.config.num_layers; ++k)
    for (int d = 0; d < directions(m.config); ++d) {
      float* b = m.params.ptr(m.params.tensors[cell_index(m.config, k, d).b_hh]);
      for (int j = H; j < 2 * H; ++j) b[j] += value;
    }
  return Status::ok();
}

}  // namespace recur
