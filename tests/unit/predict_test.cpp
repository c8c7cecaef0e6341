// predict(): chunked reading of long texts must give the numbers of one full pass, and sizes that
// would exhaust memory are refused with a message before anything is allocated.
#include <gtest/gtest.h>

#include <string>

#include "layers/softmax.h"
#include "model/network.h"
#include "model/predict.h"
#include "support/compare.h"
#include "support/network_probs.h"
#include "text/vocab.h"
#include "train/trainer.h"

namespace recur {
namespace {

Model<float> make(Task task, bool bi, int hidden = 8) {
  Config c;
  c.task = task;
  c.cell = CellKind::kLstm;
  c.vocab_size = 4;
  c.embedding_dim = 3;
  c.hidden_size = hidden;
  c.num_layers = 2;
  c.bidirectional = bi;
  c.num_labels = task == Task::kLm ? 0 : 2;
  auto m = create_model(c, {"<unk>", "a", "b", "c"}, task == Task::kLm ? std::vector<std::string>{}
                                                                      : std::vector<std::string>{"x", "y"}, 3);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  return m.value();
}

std::string long_text(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "abc"[(i * 7 + i / 5) % 3];
  return s;
}

// Softmax of one full-length forward pass: what chunking must reproduce.
std::vector<float> one_pass(const Model<float>& m, const std::string& text) {
  return testing::network_probs(m, m.vocab.encode(text).value());
}

TEST(Predict, ChunkedLongTextEqualsOnePass) {
  for (Task task : {Task::kLm, Task::kTagger, Task::kClassifier}) {
    const Model<float> m = make(task, false);
    const std::string text = long_text(2500);  // crosses two chunk boundaries
    auto p = predict(m, text);
    ASSERT_TRUE(p.is_ok()) << p.status().message();
    const std::vector<float> ref = one_pass(m, text);
    ASSERT_EQ(p->probs.size(), ref.size());
    // Same operations in the same order except where a chunk restarts the input GEMM: a few ulp.
    EXPECT_EQ(testing::within<float>(p->probs.data(), ref.data(), ref.size(), 16), "") << task_name(task);
  }
}

TEST(Predict, RefusesWhatWouldNotFitInMemory) {
  const Model<float> bi = make(Task::kTagger, true, 512);
  auto r = predict(bi, long_text(200000));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("too long for a bidirectional model"), std::string::npos) << r.status().message();
  EXPECT_TRUE(predict(bi, "abc").is_ok());
}

TEST(Limits, OversizedConfigRefusedBeforeAllocating) {
  Config c;
  c.vocab_size = 1000;
  c.embedding_dim = 1000;
  c.hidden_size = 16384;
  c.num_layers = 16;
  const Status s = validate(c);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("more than the limit"), std::string::npos) << s.message();
}

TEST(Limits, TrainingStepTooLargeForMemoryIsAnError) {
  Model<float> m = make(Task::kLm, false, 512);
  TrainConfig tc;
  tc.seq_len = 60000;
  tc.batch = 60000;
  Trainer t(m, tc);
  const Status s = t.set_text(std::vector<int32_t>(200000, 1));
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("MB of activations"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace recur
