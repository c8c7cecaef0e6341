// The reference the batch-1 paths are checked against: Network::forward (the batched training
// path) over one whole sequence, softmax per output row.
#pragma once
#include <cstdint>
#include <vector>

#include "layers/softmax.h"
#include "model/network.h"

namespace recur::testing {

inline std::vector<float> network_probs(const Model<float>& m, const std::vector<int32_t>& ids) {
  Network<float> net(m.config);
  net.forward(m.params, ids.data(), int(ids.size()), 1, nullptr, nullptr, false, nullptr);
  const int cols = output_size(m.config);
  std::vector<float> p(size_t(net.logit_rows()) * cols);
  softmax_rows(net.logits(), net.logit_rows(), cols, p.data());
  return p;
}

}  // namespace recur::testing
