// Parameter table in PyTorch state_dict order (see params.h).
#include "model/params.h"

namespace recur {

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
  for (int k = 0; k < c.num_layers; ++k)
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
