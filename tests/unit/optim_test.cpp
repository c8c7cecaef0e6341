// Optimisers, clipping and schedules against values worked out by hand from torch.optim's rules.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/rng.h"
#include "kernels/parallel.h"
#include "model/model.h"
#include "train/optim.h"
#include "train/trainer.h"

namespace recur {
namespace {

// A 3-element "model" is enough for update rules: reuse Params with a hand-made table.
Params<float> flat(std::vector<float> v) {
  Params<float> p;
  p.tensors.push_back({"w", {int64_t(v.size())}, 0, v.size()});
  p.data.assign(v.begin(), v.end());
  return p;
}

TEST(Optim, AdamFirstStepsMatchHandDerivation) {
  // Step 1: m = 0.1 g, v = 0.001 g^2, m_hat = g, v_hat = g^2 -> p -= lr * g / (|g| + eps).
  Params<float> p = flat({1.0f, -2.0f, 0.5f}), g = flat({0.5f, -4.0f, 0.0f});
  OptimConfig c;
  Optimizer opt(c, 3);
  opt.step(p, g, 0.1f);
  EXPECT_NEAR(p.data[0], 1.0f - 0.1f * 0.5f / (0.5f + 1e-8f), 1e-6);
  EXPECT_NEAR(p.data[1], -2.0f + 0.1f, 1e-6);
  EXPECT_FLOAT_EQ(p.data[2], 0.5f);  // zero gradient: no move
  // Step 2 with gradient 1 on element 0: m = 0.9*0.05 + 0.1 = 0.145, v = 0.999*0.00025 + 0.001 = 0.00124975;
  // m_hat = 0.145 / 0.19, v_hat = 0.00124975 / 0.001999.
  const double p0 = p.data[0];
  g.data = {1.0f, 0.0f, 0.0f};
  opt.step(p, g, 0.1f);
  const double m_hat = 0.145 / (1 - 0.81), v_hat = 0.00124975 / (1 - 0.998001);
  EXPECT_NEAR(p.data[0], p0 - 0.1 * m_hat / (std::sqrt(v_hat) + 1e-8), 1e-6);
}

// Enough parameters for the vector loop, the scalar tail and a split among threads: two steps with
// weight decay against the same rule in double, and the same bits with 2 or 3 threads as with one.
TEST(Optim, AdamOnManyParametersMatchesTheRuleAndAnyThreadCount) {
  const size_t n = (size_t(1) << 16) + 37;
  Rng rng(5);
  std::vector<float> w0(n), g1(n), g2(n);
  for (size_t i = 0; i < n; ++i) {
    w0[i] = float(rng.uniform(-1, 1));
    g1[i] = float(rng.uniform(-1, 1));
    g2[i] = float(rng.uniform(-1, 1));
  }
  OptimConfig c;
  c.weight_decay = 0.01f;
  const auto run = [&](int threads) {
    EXPECT_TRUE(set_num_threads(threads).is_ok());
    Params<float> p = flat(w0), g = flat(g1);
    Optimizer opt(c, n);
    opt.step(p, g, 0.01f);
    g.data.assign(g2.begin(), g2.end());
    opt.step(p, g, 0.005f);
    EXPECT_TRUE(set_num_threads(1).is_ok());
    return std::vector<float>(p.data.begin(), p.data.end());
  };
  const std::vector<float> one = run(1);
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    double w = w0[i], m = 0, v = 0;
    const double b1 = c.beta1, b2 = c.beta2;
    for (int t = 1; t <= 2; ++t) {
      const double g = (t == 1 ? g1[i] : g2[i]) + double(c.weight_decay) * w;
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const double mh = m / (1 - std::pow(b1, t)), vh = v / (1 - std::pow(b2, t));
      w -= (t == 1 ? 0.01 : 0.005) * mh / (std::sqrt(vh) + double(c.eps));
    }
    worst = std::max(worst, std::fabs(one[i] - w));
  }
  EXPECT_LT(worst, 1e-6);
  for (int threads : {2, 3}) {
    if (threads > max_threads()) break;
    const std::vector<float> many = run(threads);
    EXPECT_EQ(std::memcmp(one.data(), many.data(), n * sizeof(float)), 0) << threads << " threads";
  }
}

TEST(Optim, SgdMomentumMatchesHandDerivation) {
  OptimConfig c;
  c.kind = OptimConfig::Kind::kSgd;
  c.momentum = 0.9f;
  Params<float> p = flat({1.0f}), g = flat({2.0f});
  Optimizer opt(c, 1);
  opt.step(p, g, 0.1f);  // v = 2, p = 1 - 0.2
  EXPECT_FLOAT_EQ(p.data[0], 0.8f);
  opt.step(p, g, 0.1f);  // v = 0.9*2 + 2 = 3.8, p = 0.8 - 0.38
  EXPECT_NEAR(p.data[0], 0.42f, 1e-6);
}

TEST(Optim, WeightDecayAddsToTheGradient) {
  OptimConfig c;
  c.kind = OptimConfig::Kind::kSgd;
  c.momentum = 0;
  c.weight_decay = 0.5f;
  Params<float> p = flat({2.0f}), g = flat({0.0f});
  Optimizer opt(c, 1);
  opt.step(p, g, 0.1f);  // g' = 0 + 0.5 * 2 = 1
  EXPECT_FLOAT_EQ(p.data[0], 1.9f);
}

TEST(Clip, ScalesToTheLimitAndReportsTheNorm) {
  Params<float> g = flat({3.0f, 4.0f});
  EXPECT_NEAR(clip_grad_norm(g, 1.0), 5.0, 1e-9);
  EXPECT_NEAR(g.data[0], 3.0 / (5.0 + 1e-6), 1e-6);
  EXPECT_NEAR(g.data[1], 4.0 / (5.0 + 1e-6), 1e-6);
  Params<float> small = flat({0.3f, 0.4f});
  clip_grad_norm(small, 1.0);  // under the limit: untouched
  EXPECT_FLOAT_EQ(small.data[1], 0.4f);
  Params<float> off = flat({30.0f, 40.0f});
  clip_grad_norm(off, 0.0);  // 0 disables
  EXPECT_FLOAT_EQ(off.data[0], 30.0f);
}

TEST(Schedule, ConstantCosineStepAndWarmup) {
  Schedule s;
  s.lr = 1.0f;
  s.total_steps = 100;
  EXPECT_FLOAT_EQ(s.at(57), 1.0f);
  s.kind = Schedule::Kind::kCosine;
  EXPECT_FLOAT_EQ(s.at(0), 1.0f);
  EXPECT_NEAR(s.at(50), 0.5f, 1e-6);
  EXPECT_NEAR(s.at(100), 0.0f, 1e-6);
  s.kind = Schedule::Kind::kStep;
  s.step_size = 30;
  s.gamma = 0.1f;
  EXPECT_FLOAT_EQ(s.at(29), 1.0f);
  EXPECT_NEAR(s.at(30), 0.1f, 1e-7);
  EXPECT_NEAR(s.at(65), 0.01f, 1e-8);
  s.kind = Schedule::Kind::kConstant;
  s.warmup = 4;
  EXPECT_FLOAT_EQ(s.at(0), 0.25f);
  EXPECT_FLOAT_EQ(s.at(3), 1.0f);
  EXPECT_FLOAT_EQ(s.at(10), 1.0f);
}

// Same seed -> bit-identical weights after training; another seed -> different weights.
std::vector<float> train_once(uint64_t seed) {
  Config c;
  c.cell = CellKind::kGru;
  c.vocab_size = 4;
  c.embedding_dim = 3;
  c.hidden_size = 5;
  c.num_layers = 2;
  c.dropout = 0.2f;  // exercises the dropout rng too
  auto m = create_model(c, {"a", "b", "c", "d"}, {}, seed);
  EXPECT_TRUE(m.is_ok());
  TrainConfig tc;
  tc.seq_len = 8;
  tc.batch = 3;
  tc.seed = seed;
  Trainer t(m.value(), tc);
  std::vector<int32_t> text;
  for (int i = 0; i < 200; ++i) text.push_back((i * 7 + i / 3) % 4);
  EXPECT_TRUE(t.set_text(text).is_ok());
  for (int s = 0; s < 20; ++s) EXPECT_TRUE(t.step().is_ok());
  return {m->params.data.begin(), m->params.data.end()};
}

TEST(Trainer, SameSeedGivesBitIdenticalWeights) {
  const auto a = train_once(5), b = train_once(5), c = train_once(6);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Trainer, RejectsTextShorterThanOneSequence) {
  Config c;
  c.vocab_size = 2;
  c.embedding_dim = 2;
  c.hidden_size = 2;
  auto m = create_model(c, {"a", "b"}, {}, 1);
  TrainConfig tc;
  tc.seq_len = 16;
  Trainer t(m.value(), tc);
  const Status s = t.set_text(std::vector<int32_t>(16, 0));
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("need at least seq_len + 1 = 17"), std::string::npos) << s.message();
}

TEST(Trainer, DivergenceStopsWithTheStepAndRestoresWorkingWeights) {
  Config c;
  c.cell = CellKind::kRnnRelu;
  c.vocab_size = 3;
  c.embedding_dim = 4;
  c.hidden_size = 8;
  auto m = create_model(c, {"a", "b", "c"}, {}, 1);
  TrainConfig tc;
  tc.seq_len = 16;
  tc.batch = 2;
  tc.clip = 0;
  tc.optim.kind = OptimConfig::Kind::kSgd;
  tc.schedule.lr = 1e30f;  // guaranteed to blow up
  Trainer t(m.value(), tc);
  std::vector<int32_t> text;
  for (int i = 0; i < 100; ++i) text.push_back(i % 3);
  ASSERT_TRUE(t.set_text(text).is_ok());
  for (int s = 0; s < 50; ++s) {
    auto r = t.step();
    if (r) continue;
    EXPECT_EQ(r.status().code(), ErrorCode::kDiverged);
    EXPECT_NE(r.status().message().find("diverged at step " + std::to_string(s + 1)), std::string::npos)
        << r.status().message();
    // The weights left behind work: finite, and they give a finite loss on the training text.
    for (float w : m->params.data) ASSERT_TRUE(std::isfinite(w));
    const EvalResult e = evaluate_lm(m.value(), text, 16, 1);
    EXPECT_TRUE(std::isfinite(e.loss)) << e.loss;
    return;
  }
  FAIL() << "a learning rate of 1e30 never diverged";
}

// Every range of a training configuration is refused by validate(), naming the option; the
// defaults and the edges of each range pass.
TEST(TrainConfigValidation, NamesEachOptionOutOfRange) {
  EXPECT_TRUE(validate(TrainConfig{}).is_ok());
  struct Case {
    const char* name;
    void (*bad)(TrainConfig&);
  };
  const Case cases[] = {
      {"seq_len", [](TrainConfig& c) { c.seq_len = 0; }},
      {"seq_len", [](TrainConfig& c) { c.seq_len = 65537; }},
      {"batch", [](TrainConfig& c) { c.batch = -1; }},
      {"lr", [](TrainConfig& c) { c.schedule.lr = 0; }},
      {"lr", [](TrainConfig& c) { c.schedule.lr = std::nanf(""); }},
      {"clip", [](TrainConfig& c) { c.clip = -1; }},
      {"clip", [](TrainConfig& c) { c.clip = INFINITY; }},
      {"momentum", [](TrainConfig& c) { c.optim.momentum = 1.5f; }},
      {"weight_decay", [](TrainConfig& c) { c.optim.weight_decay = -0.1f; }},
      {"warmup", [](TrainConfig& c) { c.schedule.warmup = -1; }},
      {"step_size", [](TrainConfig& c) { c.schedule.step_size = 0; }},
      {"gamma", [](TrainConfig& c) { c.schedule.gamma = 0; }},
      {"total_steps", [](TrainConfig& c) { c.schedule.total_steps = 0; }},
  };
  for (const Case& k : cases) {
    TrainConfig c;
    k.bad(c);
    const Status s = validate(c);
    EXPECT_EQ(s.code(), ErrorCode::kOutOfRange) << k.name;
    EXPECT_EQ(s.message().rfind(k.name, 0), 0u) << s.message();
    EXPECT_EQ(s.option(), k.name) << "each surface names the setting in its own spelling from option()";
  }
  TrainConfig edges;
  edges.seq_len = 65536;
  edges.batch = 1;
  edges.schedule.lr = 1000;
  edges.clip = 0;
  edges.optim.momentum = 1;
  edges.optim.weight_decay = 1;
  EXPECT_TRUE(validate(edges).is_ok()) << validate(edges).message();
}

}  // namespace
}  // namespace recur
