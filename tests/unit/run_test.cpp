// TrainingRun (train/run.h): the validation schedule, slices that end at validations, early
// stopping, and keep-best, each checked against what the test records itself from the slices.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "model/model.h"
#include "train/run.h"

namespace recur {
namespace {

struct Lm {
  Model<float> model;
  std::vector<int32_t> text, val;
};

Lm tiny_lm() {
  Config c;
  c.cell = CellKind::kLstm;
  c.vocab_size = 4;
  c.embedding_dim = 3;
  c.hidden_size = 6;
  auto m = create_model(c, {"a", "b", "c", "d"}, {}, 3);
  EXPECT_TRUE(m.is_ok());
  Lm lm{std::move(m.value()), {}, {}};
  for (int i = 0; i < 300; ++i) lm.text.push_back((i * 7 + i / 3) % 4);
  for (int i = 0; i < 60; ++i) lm.val.push_back((i * 5 + i / 2) % 4);
  return lm;
}

TrainConfig tiny_train(float lr) {
  TrainConfig tc;
  tc.seq_len = 8;
  tc.batch = 2;
  tc.seed = 1;
  tc.schedule.lr = lr;
  return tc;
}

Validation val_of(const Lm& lm) {
  Validation v;
  v.ids = lm.val;
  return v;
}

RunConfig run_config(int64_t steps, int64_t eval_every, bool keep_best) {
  RunConfig rc;
  rc.steps = steps;
  rc.eval_every = eval_every;
  rc.keep_best = keep_best;
  return rc;
}

// The test's own record of the lowest validation and the weights at that moment, kept from the
// slices the run reports: what keep-best is compared with.
struct Lowest {
  double loss = 1e300;
  int64_t step = 0;
  std::vector<float> weights;
  void see(const RunProgress& p, const Model<float>& m) {
    if (!p.validated || !(p.validation.loss < loss)) return;
    loss = p.validation.loss;
    step = p.step;
    weights.assign(m.params.data.begin(), m.params.data.end());
  }
};

TEST(TrainingRun, ValidatesOnScheduleAndEndsSlicesThere) {
  Lm lm = tiny_lm();
  Trainer t(lm.model, tiny_train(0.01f));
  ASSERT_TRUE(t.set_text(lm.text).is_ok());
  auto run = TrainingRun::create(t, run_config(7, 3, false), val_of(lm));
  ASSERT_TRUE(run.is_ok()) << run.status().message();
  std::vector<int64_t> slice_ends, validated_at;
  while (!run->done()) {
    auto p = run->advance(100);
    ASSERT_TRUE(p.is_ok()) << p.status().message();
    slice_ends.push_back(p->step);
    if (p->validated) validated_at.push_back(p->step);
  }
  EXPECT_EQ(validated_at, (std::vector<int64_t>{3, 6, 7}));
  EXPECT_EQ(slice_ends, (std::vector<int64_t>{3, 6, 7}));
  EXPECT_EQ(run->steps_done(), 7);
  auto after = run->advance(1);  // a finished run does nothing more
  ASSERT_TRUE(after.is_ok());
  EXPECT_TRUE(after->done);
  EXPECT_EQ(t.steps_done(), 7);
}

TEST(TrainingRun, StopsEarlyAfterPatienceValidationsWithoutALowerLoss) {
  Lm lm = tiny_lm();
  Trainer t(lm.model, tiny_train(0.0f));  // lr 0: every validation gives the same loss, never a lower one
  ASSERT_TRUE(t.set_text(lm.text).is_ok());
  RunConfig rc;
  rc.steps = 50;
  rc.eval_every = 2;
  rc.patience = 3;
  auto run = TrainingRun::create(t, rc, val_of(lm));
  ASSERT_TRUE(run.is_ok());
  RunProgress p;
  while (!run->done()) p = run->advance(1).value();
  EXPECT_TRUE(p.stopped_early);
  EXPECT_EQ(p.step, 8);  // the best at step 2, then 4, 6 and 8 without a lower loss
  EXPECT_EQ(run->best_step(), 2);
}

TEST(TrainingRun, KeepBestPutsBackTheWeightsOfTheLowestValidation) {
  Lm lm = tiny_lm();
  Trainer t(lm.model, tiny_train(0.05f));
  ASSERT_TRUE(t.set_text(lm.text).is_ok());
  auto run = TrainingRun::create(t, run_config(40, 4, true), val_of(lm));
  ASSERT_TRUE(run.is_ok());
  Lowest lowest;
  while (!run->done()) {
    auto p = run->advance(3);
    ASSERT_TRUE(p.is_ok());
    lowest.see(p.value(), lm.model);
  }
  const std::vector<float> last(lm.model.params.data.begin(), lm.model.params.data.end());
  EXPECT_EQ(run->best_step(), lowest.step);
  std::printf("[ run ] keep-best: the lowest validation of 10 was at step %lld\n", static_cast<long long>(lowest.step));
  ASSERT_TRUE(run->finish());
  const std::vector<float> now(lm.model.params.data.begin(), lm.model.params.data.end());
  EXPECT_EQ(now, lowest.weights);
  EXPECT_TRUE(lowest.step == 40 || now != last) << "the best was not the last validation, yet nothing changed";
}

TEST(TrainingRun, AFailedStepLeavesTheBestWeights) {
  Lm lm = tiny_lm();
  TrainConfig tc = tiny_train(0.01f);
  tc.clip = 0;
  tc.optim.kind = OptimConfig::Kind::kSgd;
  tc.schedule.kind = Schedule::Kind::kStep;  // lr 0.01 for two steps, then 1e30: it blows up
  tc.schedule.step_size = 2;
  tc.schedule.gamma = 1e32f;
  Trainer t(lm.model, tc);
  ASSERT_TRUE(t.set_text(lm.text).is_ok());
  auto run = TrainingRun::create(t, run_config(30, 1, true), val_of(lm));
  ASSERT_TRUE(run.is_ok());
  Lowest lowest;
  int64_t last_good = 0;
  for (;;) {
    auto p = run->advance(1);
    if (!p) {
      EXPECT_EQ(p.status().code(), ErrorCode::kDiverged) << p.status().message();
      // The trainer itself puts back the weights before the failed update (those of last_good):
      // only a best validation before that step tells finish() from the trainer's own restore.
      EXPECT_LT(run->best_step(), last_good);
      std::printf("[ run ] %s; the best validation was at step %lld\n", p.status().message().c_str(),
                  static_cast<long long>(run->best_step()));
      break;
    }
    ASSERT_FALSE(p->done) << "a learning rate of 1e30 never diverged";
    last_good = p->step;
    lowest.see(p.value(), lm.model);
  }
  ASSERT_FALSE(lowest.weights.empty());
  EXPECT_EQ(std::vector<float>(lm.model.params.data.begin(), lm.model.params.data.end()), lowest.weights);
  EXPECT_TRUE(run->done());
}

TEST(TrainingRun, RefusesWhatItCannotDo) {
  Lm lm = tiny_lm();
  Trainer t(lm.model, tiny_train(0.01f));
  ASSERT_TRUE(t.set_text(lm.text).is_ok());
  RunConfig rc;
  rc.steps = 0;
  EXPECT_EQ(TrainingRun::create(t, rc, val_of(lm)).status().code(), ErrorCode::kOutOfRange);
  rc.steps = 5;
  rc.keep_best = true;
  auto no_val = TrainingRun::create(t, rc, {});
  EXPECT_FALSE(no_val.is_ok());
  EXPECT_NE(no_val.status().message().find("needs validation data"), std::string::npos);
  rc.keep_best = false;
  rc.patience = 2;
  EXPECT_FALSE(TrainingRun::create(t, rc, {}).is_ok());
  rc.patience = 0;
  auto run = TrainingRun::create(t, rc, {});
  ASSERT_TRUE(run.is_ok());
  EXPECT_EQ(run->advance(0).status().code(), ErrorCode::kOutOfRange);
  auto p = run->advance(10);  // no validation data: no validations, the run just ends
  ASSERT_TRUE(p.is_ok());
  EXPECT_TRUE(p->done);
  EXPECT_FALSE(p->validated);
  EXPECT_EQ(p->step, 5);
}

}  // namespace
}  // namespace recur
