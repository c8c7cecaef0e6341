// A small freshly initialised model for tests: vocabulary "<unk>" then a, b, c, … (or CJK
// characters past 26 symbols, since symbols must be single code points), labels x, y, z.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/model.h"

namespace recur::testing {

struct SmallModel {
  int layers = 1, vocab = 7, embed = 5, hidden = 9;
  uint64_t seed = 11;
  bool bidirectional = false;
};

inline Model<float> small_model(CellKind cell, Task task, const SmallModel& s = {}) {
  Config c;
  c.task = task;
  c.cell = cell;
  c.vocab_size = s.vocab;
  c.embedding_dim = s.embed;
  c.hidden_size = s.hidden;
  c.num_layers = s.layers;
  c.bidirectional = s.bidirectional;
  c.num_labels = task == Task::kLm ? 0 : 3;
  std::vector<std::string> vocab{"<unk>"};
  for (int i = 1; i < s.vocab; ++i) {
    if (s.vocab <= 27) {
      vocab.push_back(std::string(1, char('a' + i - 1)));
    } else {
      const uint32_t cp = 0x4E00 + uint32_t(i);
      vocab.push_back({char(0xE0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3F)), char(0x80 | (cp & 0x3F))});
    }
  }
  std::vector<std::string> labels;
  if (task != Task::kLm) labels = {"x", "y", "z"};
  auto m = create_model(c, vocab, labels, s.seed);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  return m.value();
}

}  // namespace recur::testing
