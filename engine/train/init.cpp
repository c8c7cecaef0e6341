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
  // Row k of `dst` (one per name in to_names) from the row of `src` whose name in from_names is the
  // same: the embedding by symbol, and the head by output.
  auto copy_rows = [&copied](const std::vector<std::string>& to_names, const std::vector<std::string>& from_names,
                             const float* src, float* dst, size_t width) {
    std::unordered_map<std::string, size_t> source;
    for (size_t j = 0; j < from_names.size(); ++j) source.emplace(from_names[j], j);
    for (size_t i = 0; i < to_names.size(); ++i) {
      const auto it = source.find(to_names[i]);
      if (it == source.end()) continue;
      std::copy_n(src + it->second * width, width, dst + i * width);
      copied += int64_t(width);
    }
  };
  copy_rows(to.vocab.symbols(), from.vocab.symbols(), from.params.ptr(from.params.tensors[embedding_index()]),
            to.params.ptr(to.params.tensors[embedding_index()]), size_t(to.config.embedding_dim));
  // A model continuing from one of the same task keeps what the head knows about each shared output:
  // an lm's next symbols, a tagger's or classifier's labels, matched by name.
  const int DH = directions(to.config) * to.config.hidden_size;
  if (to.config.task == from.config.task && directions(from.config) * from.config.hidden_size == DH) {
    const bool lm = to.config.task == Task::kLm;
    const std::vector<std::string>& to_out = lm ? to.vocab.symbols() : to.labels;
    const std::vector<std::string>& from_out = lm ? from.vocab.symbols() : from.labels;
    copy_rows(to_out, from_out, from.params.ptr(from.params.tensors[head_weight_index(from.config)]),
              to.params.ptr(to.params.tensors[head_weight_index(to.config)]), size_t(DH));
    copy_rows(to_out, from_out, from.params.ptr(from.params.tensors[head_bias_index(from.config)]),
              to.params.ptr(to.params.tensors[head_bias_index(to.config)]), 1);
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
