// The batch-1 inference paths against independent computations: the Stepper with layer 0's
// embedding folded (b_ih + W_ih E[v] per symbol) against the plain lookup-plus-product Stepper,
// and Predictor (per-step GEMV, folded rows) against Network's batched forward pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "layers/embedding_fold.h"
#include "layers/softmax.h"
#include "model/network.h"
#include "model/predict.h"
#include "support/compare.h"
#include "support/network_probs.h"
#include "support/small_model.h"
#include "text/vocab.h"

namespace recur {
namespace {

Model<float> make(CellKind cell, Task task, int layers, int V = 7, int E = 5, int H = 9, uint64_t seed = 11,
                  bool bidirectional = false) {
  return testing::small_model(cell, task, {layers, V, E, H, seed, bidirectional});
}

std::vector<int32_t> ids_of(int n, int V) {
  std::vector<int32_t> ids;
  for (int i = 0; i < n; ++i) ids.push_back(int32_t((i * 7 + i / 3) % V));
  return ids;
}

constexpr double kEps = 1.1920928955078125e-7;
constexpr CellKind kCells[] = {CellKind::kRnnTanh, CellKind::kRnnRelu, CellKind::kLstm, CellKind::kGru};

// Feeds ids through a Stepper and returns every step's logits and the final state, concatenated.
std::vector<float> step_through(Stepper<float>& s, const Params<float>& p, const std::vector<int32_t>& ids) {
  std::vector<float> out;
  for (int32_t id : ids) {
    const float* l = s.feed(p, id);
    out.insert(out.end(), l, l + p.tensors.back().size);  // head.bias has `out` elements
  }
  out.insert(out.end(), s.state().h.begin(), s.state().h.end());
  out.insert(out.end(), s.state().c.begin(), s.state().c.end());
  return out;
}

TEST(FoldedStepper, EqualsLookupPlusProduct) {
  double worst = 0;
  for (CellKind cell : kCells)
    for (int layers : {1, 2}) {
      Model<float> m = make(cell, Task::kLm, layers);
      Stepper<float> folded(m.config), plain(m.config, /*fold=*/false);
      folded.reset(m.params);
      plain.reset(m.params);
      const std::vector<int32_t> ids = ids_of(40, m.config.vocab_size);
      const std::vector<float> a = step_through(folded, m.params, ids), b = step_through(plain, m.params, ids);
      worst = std::max(worst, testing::max_scaled_error(a.data(), b.data(), b.size()) / kEps);
      // The folded row is the same gemv on the same numbers: identical, with 2 eps of slack for a
      // compiler that contracts differently in the two call sites.
      EXPECT_EQ(testing::within<float>(a.data(), b.data(), b.size(), 2), "") << cell_name(cell) << " L" << layers;
    }
  std::printf("[ folded stepper ] vs lookup + product: max error %.2f eps\n", worst);
}

// Rows are stored as symbols are met, so the storage grows (and moves) many times over 300
// distinct symbols; twice, with different weights.
TEST(FoldedStepper, ManySymbolsGrowTheRowStore) {
  Model<float> m = make(CellKind::kGru, Task::kLm, 2, 300, 6, 10);
  std::vector<int32_t> ids;
  for (int i = 0; i < 900; ++i) ids.push_back(int32_t((i * 101) % 300));
  for (int round = 0; round < 2; ++round) {
    Stepper<float> folded(m.config), plain(m.config, false);
    folded.reset(m.params);
    plain.reset(m.params);
    const std::vector<float> a = step_through(folded, m.params, ids), b = step_through(plain, m.params, ids);
    EXPECT_EQ(testing::within<float>(a.data(), b.data(), b.size(), 2), "") << "round " << round;
    for (float& w : m.params.data) w *= 1.05f;
  }
}

// Training changes the weights under a live Stepper: params_changed() (or reset()) must make the
// folded rows follow, and without it the stale rows must show (so the comparison can fail).
TEST(FoldedStepper, FollowsParameterChanges) {
  Model<float> m = make(CellKind::kLstm, Task::kLm, 2);
  const std::vector<int32_t> ids = ids_of(20, m.config.vocab_size);
  Stepper<float> folded(m.config);
  folded.reset(m.params);
  step_through(folded, m.params, ids);  // every row computed from the old weights
  for (float& w : m.params.data) w *= 1.1f;
  const State<float> saved = folded.state();

  Stepper<float> plain(m.config, false);
  plain.reset(m.params);
  plain.state() = saved;
  const std::vector<float> want = step_through(plain, m.params, ids);

  Stepper<float> stale = folded;
  const std::vector<float> bad = step_through(stale, m.params, ids);
  EXPECT_NE(testing::within<float>(bad.data(), want.data(), want.size(), 2), "") << "stale rows went unnoticed";

  folded.params_changed();
  const std::vector<float> got = step_through(folded, m.params, ids);
  EXPECT_EQ(testing::within<float>(got.data(), want.data(), want.size(), 2), "");
}

TEST(FoldedEmbedding, DisabledAboveTheSizeLimit) {
  FoldedEmbedding<float> f;
  const int GH = 4 * 256;
  f.configure(int(kMaxFoldBytes / (sizeof(float) * GH)), 8, GH);
  EXPECT_TRUE(f.enabled());
  f.configure(int(kMaxFoldBytes / (sizeof(float) * GH)) + 1, 8, GH);
  EXPECT_FALSE(f.enabled());
}

TEST(Predictor, MatchesNetworkForEveryCellAndTask) {
  double worst = 0;
  for (CellKind cell : kCells)
    for (Task task : {Task::kLm, Task::kTagger, Task::kClassifier})
      for (int layers : {1, 2}) {
        const Model<float> m = make(cell, task, layers);
        const std::vector<int32_t> ids = ids_of(1100, m.config.vocab_size);  // crosses a chunk boundary
        Predictor pr(m);
        auto got = pr.run_ids(m, ids);
        ASSERT_TRUE(got.is_ok()) << got.status().message();
        const std::vector<float> ref = testing::network_probs(m, ids);
        ASSERT_EQ(got->probs.size(), ref.size());
        worst = std::max(worst, testing::max_scaled_error(got->probs.data(), ref.data(), ref.size()) / kEps);
        // Dot-product GEMV instead of the GEMM's broadcast order: rounding differs, and 1,100 steps
        // of a contracting recurrence keep it small (measured 0.50 eps on fma3+avx2).
        EXPECT_EQ(testing::within<float>(got->probs.data(), ref.data(), ref.size(), 16), "")
            << cell_name(cell) << " " << task_name(task) << " L" << layers;
      }
  std::printf("[ predictor ] vs Network: max error %.2f eps\n", worst);
}

// Too many symbols to fold: layer 0 takes the embedding + GEMM branch.
TEST(Predictor, UnfoldedLayerZeroMatchesNetwork) {
  const int V = int(kMaxFoldBytes / (sizeof(float) * 4 * 32)) + 1;  // LSTM, H 32
  const Model<float> m = make(CellKind::kLstm, Task::kTagger, 2, V, 4, 32);
  FoldedEmbedding<float> probe;
  probe.configure(V, 4, 4 * 32);
  ASSERT_FALSE(probe.enabled());
  std::vector<int32_t> ids = ids_of(300, 50);
  for (size_t i = 0; i < ids.size(); i += 7) ids[i] = V - 1 - int32_t(i);
  Predictor pr(m);
  auto got = pr.run_ids(m, ids);
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  const std::vector<float> ref = testing::network_probs(m, ids);
  EXPECT_EQ(testing::within<float>(got->probs.data(), ref.data(), ref.size(), 16), "");
}

TEST(Predictor, ReuseAndParameterChanges) {
  Model<float> m = make(CellKind::kGru, Task::kTagger, 2);
  Predictor pr(m);
  auto a = pr.run(m, "abcabcfed");
  auto b = pr.run(m, "abcabcfed");
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_EQ(a->probs, b->probs);  // nothing carried over between calls

  for (float& w : m.params.data) w *= 0.9f;
  pr.params_changed();
  auto c = pr.run(m, "abcabcfed");
  auto fresh = predict(m, "abcabcfed");
  ASSERT_TRUE(c.is_ok() && fresh.is_ok());
  EXPECT_EQ(c->probs, fresh->probs);
  EXPECT_NE(c->probs, a->probs);
}

// start() / advance() / take() in uneven steps, across chunk boundaries, give Network's numbers;
// a bidirectional model is done once started.
TEST(Predictor, StepwiseMatchesNetwork) {
  for (Task task : {Task::kLm, Task::kClassifier})
    for (bool bidirectional : {false, true}) {
      if (task == Task::kLm && bidirectional) continue;
      const Model<float> m = make(CellKind::kLstm, task, 2, 7, 5, 9, 11, bidirectional);
      const std::vector<int32_t> ids = ids_of(2500, m.config.vocab_size);
      Predictor pr(m);
      ASSERT_TRUE(pr.start_ids(m, ids).is_ok());
      EXPECT_EQ(pr.length(), 2500);
      EXPECT_EQ(pr.done(), bidirectional);
      int64_t at = bidirectional ? 2500 : 0;
      for (int64_t n : {1, 7, 1100, 0, 1000}) {
        pr.advance(m, n);
        if (!bidirectional) at += n;
        EXPECT_EQ(pr.position(), at);
      }
      EXPECT_EQ(pr.done(), bidirectional);
      pr.advance(m, 1 << 30);  // more than is left: reads to the end
      ASSERT_TRUE(pr.done());
      const Prediction got = pr.take();
      const std::vector<float> ref = testing::network_probs(m, ids);
      ASSERT_EQ(got.probs.size(), ref.size());
      EXPECT_EQ(testing::within<float>(got.probs.data(), ref.data(), ref.size(), 16), "")
          << task_name(task) << (bidirectional ? " bidirectional" : "");
    }
}

TEST(Predictor, RejectsIdsOutsideTheVocabulary) {
  const Model<float> m = make(CellKind::kLstm, Task::kLm, 1);
  Predictor pr(m);
  auto r = pr.run_ids(m, {1, 2, 7});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("outside the vocabulary"), std::string::npos) << r.status().message();
  EXPECT_FALSE(pr.run_ids(m, {}).is_ok());
}

}  // namespace
}  // namespace recur
