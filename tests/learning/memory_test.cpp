// A task that needs memory: a sequence opens with one of 4 key symbols, then random distractors;
// the classifier must name the key from its final state. Training mixes lags 0..100 (short lags
// teach what to store; trained on lags >= 25 only, no cell here found the key within 1500 steps);
// scoring uses lags 80..90 only. Same data, budget and seeds for each cell; each cell's score is
// the median over three initialisations, because a plain RNN does find the key now and then:
// over model seeds 7..26 it solved 1 of 20 (seed 7 after the float activations changed by an ulp,
// none before), so a single seed made the test hinge on rounding. Measured (AVX2), seeds 7, 8, 9:
// LSTM 1.00 1.00 1.00, GRU 1.00 1.00 1.00, tanh RNN 1.00 0.53 0.48 (median 0.53) after 500 steps:
// the RNN's gradient vanishes over 80 steps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "model/model.h"
#include "train/trainer.h"

namespace recur {
namespace {

constexpr int kKeys = 4, kDistractors = 8;  // symbols 0..3 are keys, 4..11 distractors
constexpr int kTrainMinGap = 0, kTrainMaxGap = 100, kTestMinGap = 80, kTestMaxGap = 90;
constexpr int kSteps = 500;

std::vector<Example> make_data(int n, uint64_t seed, int min_gap, int max_gap) {
  Rng rng(seed);
  std::vector<Example> v(n);
  for (auto& e : v) {
    const int key = int(rng.below(kKeys));
    const int gap = min_gap + int(rng.below(max_gap - min_gap + 1));
    e.ids.push_back(key);
    for (int i = 0; i < gap; ++i) e.ids.push_back(kKeys + int(rng.below(kDistractors)));
    e.labels = {key};
  }
  return v;
}

double train_and_score(CellKind cell, uint64_t seed) {
  Config c;
  c.task = Task::kClassifier;
  c.cell = cell;
  c.vocab_size = kKeys + kDistractors;
  c.embedding_dim = 8;
  c.hidden_size = 24;
  c.num_labels = kKeys;
  std::vector<std::string> vocab, labels;
  for (int i = 0; i < c.vocab_size; ++i) vocab.push_back(std::string(1, char('a' + i)));
  for (int i = 0; i < kKeys; ++i) labels.push_back("key" + std::to_string(i));
  auto model = create_model(c, vocab, labels, seed);
  EXPECT_TRUE(model.is_ok());
  TrainConfig tc;
  tc.batch = 32;
  tc.schedule.lr = 1e-2f;
  tc.clip = 1.0f;
  tc.seed = 3;
  Trainer trainer(model.value(), tc);
  EXPECT_TRUE(trainer.set_examples(make_data(2000, 11, kTrainMinGap, kTrainMaxGap)).is_ok());
  for (int s = 0; s < kSteps; ++s) {
    auto r = trainer.step();
    EXPECT_TRUE(r.is_ok()) << r.status().message();
  }
  const EvalResult ev = evaluate_examples(model.value(), make_data(500, 12345, kTestMinGap, kTestMaxGap), 64);
  std::printf("[ memory ] %-8s seed %d accuracy %.3f (chance %.3f) at lags %d-%d after %d steps\n", cell_name(cell),
              int(seed), ev.accuracy, 1.0 / kKeys, kTestMinGap, kTestMaxGap, kSteps);
  return ev.accuracy;
}

double median_score(CellKind cell) {
  std::vector<double> a;
  for (uint64_t seed : {7, 8, 9}) a.push_back(train_and_score(cell, seed));
  std::sort(a.begin(), a.end());
  return a[1];
}

TEST(Memory, GatedCellsRememberAndPlainRnnForgets) {
  const double lstm = median_score(CellKind::kLstm);
  const double gru = median_score(CellKind::kGru);
  const double rnn = median_score(CellKind::kRnnTanh);
  EXPECT_GE(lstm, 0.95);
  EXPECT_GE(gru, 0.95);
  EXPECT_GE(lstm - rnn, 0.2) << "LSTM " << lstm << " vs RNN " << rnn;
}

}  // namespace
}  // namespace recur
