// Parameter table in PyTorch state_dict order (see params.h).
#include "model/params.h"

namespace recur {

// nn.TransformerEncoderLayer's state_dict order.
const char* const kEncoderTensors[kEncoderTensorCount] = {
    "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
    "linear1.weight",           "linear1.bias",           "linear2.weight",            "linear2.bias",
    "norm1.weight",             "norm1.bias",             "norm2.weight",              "norm2.bias"};

int encoder_index(int layer) { return 1 + kEncoderTensorCount * layer; }

std::vector<TensorInfo> param_layout(const Config& c) {
  const int64_t G = gate_count(c.cell), H = c.hidden_size, D = directions(c);
  std::vector<TensorInfo> t;
  size_t offset = 0;
  auto add = [&](std::string name, std::vector<int64_t> shape) {
    size_t n = 1;
    for (auto s : shape) n *= static_cast<size_t>(s);
    t.push_back({std::move(name), std::move(shape), offset, n});
    offset += n;
  };
  add("embedding.weight", {c.vocab_size, c.embedding_dim});
  if (is_transformer(c)) {
    const int64_t d = H, F = c.ff_size;
    const std::vector<int64_t> shapes[kEncoderTensorCount] = {{3 * d, d}, {3 * d}, {d, d}, {d}, {F, d}, {F},
                                                              {d, F},     {d},     {d},    {d}, {d},    {d}};
    for (int k = 0; k < c.num_layers; ++k)
      for (int i = 0; i < kEncoderTensorCount; ++i)
        add("encoder.layers." + std::to_string(k) + "." + kEncoderTensors[i], shapes[i]);
  }
  for (int k = 0; k < (is_transformer(c) ? 0 : c.num_layers); ++k)
    for (int d = 0; d < D; ++d) {
      const std::string s = std::to_string(k) + (d ? "_reverse" : "");
      const int64_t in = k == 0 ? c.embedding_dim : D * H;
      add("rnn.weight_ih_l" + s, {G * H, in});
      add("rnn.weight_hh_l" + s, {G * H, H});
      add("rnn.bias_ih_l" + s, {G * H});
      add("rnn.bias_hh_l" + s, {G * H});
    }
  add("head.weight", {output_size(c), D * H});
  add("head.bias", {output_size(c)});
  return t;
}

CellIndex cell_index(const Config& c, int layer, int dir) {
  const int base = 1 + 4 * (layer * directions(c) + dir);
  return {base, base + 1, base + 2, base + 3};
}

}  // namespace recur
