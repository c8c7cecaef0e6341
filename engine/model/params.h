// All parameters of a model in one flat buffer, with a table of named tensors in PyTorch
// state_dict order and names (embedding.weight, rnn.weight_ih_l0, ..., head.bias). Gradients and
// optimiser moments use the same layout, so optimisers loop over one flat span.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "model/config.h"

namespace recur {

struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;
  size_t offset = 0;  // in elements, into the flat buffer
  size_t size = 0;    // product of shape
};

/// Tensor table for a (validated) config: embedding.weight [V, E]; for each layer k and direction
/// (suffix "" or "_reverse"): rnn.weight_ih_l{k} [G*H, in], rnn.weight_hh_l{k} [G*H, H],
/// rnn.bias_ih_l{k} [G*H], rnn.bias_hh_l{k} [G*H]; head.weight [out, D*H]; head.bias [out].
/// A Transformer has, per layer k, nn.TransformerEncoderLayer's 12 tensors under
/// encoder.layers.{k}. (see EncoderIndex) in place of the cells'.
std::vector<TensorInfo> param_layout(const Config& c);

template <typename T>
struct Params {
  std::vector<TensorInfo> tensors;
  Buffer<T> data;

  Params() = default;
  explicit Params(const Config& c) : tensors(param_layout(c)) {
    size_t n = 0;
    for (const auto& t : tensors) n += t.size;
    data.assign(n, T(0));
  }
  const TensorInfo* find(const std::string& name) const {
    for (const auto& t : tensors)
      if (t.name == name) return &t;
    return nullptr;
  }
  T* ptr(const TensorInfo& t) { return data.data() + t.offset; }
  const T* ptr(const TensorInfo& t) const { return data.data() + t.offset; }
  size_t size() const { return data.size(); }
};

/// Index into Params::tensors of the recurrent weights of layer k, direction d (0 fwd, 1 reverse).
struct CellIndex {
  int w_ih, w_hh, b_ih, b_hh;
};
CellIndex cell_index(const Config& c, int layer, int dir);
/// Index into Params::tensors of Transformer layer k's first tensor (self_attn.in_proj_weight);
/// the other 11 follow in the order of kEncoderTensors.
int encoder_index(int layer);
constexpr int kEncoderTensorCount = 12;
extern const char* const kEncoderTensors[kEncoderTensorCount];
inline int embedding_index() { return 0; }
inline int head_weight_index(const Config& c) {
  return 1 + (is_transformer(c) ? kEncoderTensorCount * c.num_layers : 4 * c.num_layers * directions(c));
}
inline int head_bias_index(const Config& c) { return head_weight_index(c) + 1; }

}  // namespace recur
