// A hand-built lm whose next-symbol logits are exactly its head bias, whatever it reads: every other
// parameter is zero, so the state stays zero (LSTM: c = 0.5 c + 0.5 tanh(0) = 0, h = 0). The
// distribution to sample from is then softmax(bias), known without running the engine.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/model.h"

namespace recur::testing {

inline Model<float> bias_lm(const std::vector<std::string>& vocab, const std::vector<float>& bias) {
  Config c;
  c.vocab_size = int(vocab.size());
  c.embedding_dim = 2;
  c.hidden_size = 3;
  auto m = create_model(c, vocab, {}, 1);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  Model<float> model = std::move(m.value());
  for (float& w : model.params.data) w = 0;
  const TensorInfo& b = model.params.tensors[head_bias_index(c)];
  EXPECT_EQ(b.name, "head.bias");
  EXPECT_EQ(b.size, bias.size());
  std::copy(bias.begin(), bias.end(), model.params.ptr(b));
  return model;
}

}  // namespace recur::testing
