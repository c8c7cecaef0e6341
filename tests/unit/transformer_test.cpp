// The Transformer's parts against hand-derived values, and its two ways of running against each
// other: the key/value-cached stepper equals a whole forward pass over the same window; masks
// (causal, padding, entry resets) equal running the sequences apart. PyTorch parity is in
// tests/pytorch, finite-difference gradients in tests/gradcheck.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "attention/attention.h"
#include "core/rng.h"
#include "layers/layer_norm.h"
#include "model/inspect.h"
#include "model/model.h"
#include "model/network.h"
#include "model/predict.h"
#include "sampling/generator.h"
#include "train/trainer.h"

namespace recur {
namespace {

Config transformer_config(Task task, bool bidirectional, bool norm_first, Activation act, int max_len = 6) {
  Config c;
  c.task = task;
  c.cell = CellKind::kTransformer;
  c.vocab_size = 7;
  c.embedding_dim = c.hidden_size = 8;
  c.num_layers = 2;
  c.bidirectional = bidirectional;
  c.num_labels = task == Task::kLm ? 0 : 3;
  c.num_heads = 2;
  c.ff_size = 12;
  c.max_len = max_len;
  c.norm_first = norm_first;
  c.activation = act;
  return c;
}

Params<double> random_params(const Config& c, uint64_t seed) {
  Params<double> p(c);
  Rng rng(seed);
  init_params(c, p, rng);
  for (auto& v : p.data) v += rng.uniform(-0.3, 0.3);  // biases and norms away from 0 and 1
  return p;
}

// Logits of one sequence run alone through Network, (T, out).
std::vector<double> run_alone(const Config& c, const Params<double>& p, const std::vector<int32_t>& ids) {
  Network<double> net(c);
  net.forward(p, ids.data(), int(ids.size()), 1, nullptr, nullptr, false, nullptr);
  return std::vector<double>(net.logits(), net.logits() + size_t(net.logit_rows()) * output_size(c));
}

TEST(Attention, OneQueryByHand) {
  // Head 0: scores q.k / sqrt(2) = 0 and sqrt(2); head 1: equal scores, so the values' mean.
  const double q[4] = {1, 0, 5, 5};
  const double k[2][4] = {{0, 0, 1, 0}, {2, 0, 1, 0}};
  const double v[2][4] = {{1, 0, 4, 2}, {0, 1, 0, 6}};
  double probs[2][2], ctx[4];
  attend(2, 2, q, &k[0][0], 4, &v[0][0], 4, 2, &probs[0][0], 2, ctx);
  const double p1 = 1 / (1 + std::exp(-std::sqrt(2.0)));
  EXPECT_NEAR(probs[0][0], 1 - p1, 1e-15);
  EXPECT_NEAR(probs[0][1], p1, 1e-15);
  EXPECT_NEAR(ctx[0], 1 - p1, 1e-15);
  EXPECT_NEAR(ctx[1], p1, 1e-15);
  EXPECT_NEAR(probs[1][0], 0.5, 1e-15);
  EXPECT_NEAR(ctx[2], 2, 1e-14);
  EXPECT_NEAR(ctx[3], 4, 1e-14);
}

// The batch's products against attend() and attend_backward(), one query at a time, over spans
// of every kind: causal with an entry reset, and full attention over padded sequences.
TEST(Attention, BatchProductsEqualTheOneQueryReference) {
  const int heads = 2, dh = 3, d = heads * dh, T = 5, B = 2;
  const int32_t lengths[B] = {5, 3};
  std::vector<uint8_t> resets(size_t(T) * B, 0);
  resets[2 * B + 0] = 1;
  for (bool causal : {true, false}) {
    const AttentionSpans s = attention_spans(T, B, lengths, causal ? resets.data() : nullptr, causal);
    Rng rng(causal ? 1 : 2);
    std::vector<double> qkv(size_t(T) * B * 3 * d), dctx(size_t(T) * B * d);
    for (auto& v : qkv) v = rng.uniform(-2, 2);
    for (auto& v : dctx) v = rng.uniform(-1, 1);
    std::vector<double> probs(size_t(B) * heads * T * T), ctx(size_t(T) * B * d), dqkv(qkv.size(), 0.0);
    Buffer<double> scratch;
    attention_forward(s, heads, dh, qkv.data(), probs.data(), ctx.data());
    attention_backward(s, heads, dh, qkv.data(), probs.data(), dctx.data(), dqkv.data(), scratch);

    std::vector<double> want_ctx(ctx.size()), want_dqkv(qkv.size(), 0.0), p(size_t(heads) * T), tmp(T);
    const int ld = 3 * d * B;
    for (int t = 0; t < T; ++t)
      for (int b = 0; b < B; ++b) {
        const size_t r = size_t(t) * B + b;
        const int lo = s.lo[r], n = s.hi[r] - lo;
        const size_t first = (size_t(lo) * B + b) * 3 * d;
        attend(heads, dh, &qkv[r * 3 * d], &qkv[first + d], ld, &qkv[first + 2 * d], ld, n, p.data(), T, &want_ctx[r * d]);
        for (int h = 0; h < heads; ++h)
          for (int j = 0; j < T; ++j) {
            const double want = j >= lo && j < lo + n ? p[size_t(h) * T + j - lo] : 0.0;
            EXPECT_NEAR(probs[((size_t(b) * heads + h) * T + t) * T + j], want, 1e-14);
          }
        attend_backward(heads, dh, &qkv[r * 3 * d], &qkv[first + d], ld, &qkv[first + 2 * d], ld, n, p.data(), T,
                        &dctx[r * d], &want_dqkv[r * 3 * d], &want_dqkv[first + d], ld, &want_dqkv[first + 2 * d], ld,
                        tmp.data());
      }
    for (size_t i = 0; i < ctx.size(); ++i) EXPECT_NEAR(ctx[i], want_ctx[i], 1e-13) << i;
    for (size_t i = 0; i < dqkv.size(); ++i) EXPECT_NEAR(dqkv[i], want_dqkv[i], 1e-13) << i;
  }
}

TEST(Attention, SinusoidIsTheFormula) {
  const int d = 6;
  std::vector<double> table(size_t(5) * d);
  sinusoid_table(5, d, table.data());
  const double* row = table.data() + 3 * d;  // position 3
  for (int i = 0; i < d / 2; ++i) {
    const double angle = 3 / std::pow(10000.0, 2.0 * i / d);
    EXPECT_DOUBLE_EQ(row[2 * i], std::sin(angle));
    EXPECT_DOUBLE_EQ(row[2 * i + 1], std::cos(angle));
  }
  EXPECT_EQ(table[0], 0);  // sin 0
  EXPECT_EQ(table[1], 1);  // cos 0
}

TEST(LayerNorm, ByHand) {
  const double x[3] = {1, 2, 3}, gamma[3] = {1, 2, 1}, beta[3] = {0, 0, 5};
  double y[3], xhat[3], rstd[1];
  layer_norm_forward(1, 3, x, gamma, beta, y, xhat, rstd);
  const double s = 1 / std::sqrt(2.0 / 3 + 1e-5);  // biased variance of 1, 2, 3 is 2/3
  EXPECT_NEAR(y[0], -s, 1e-15);
  EXPECT_NEAR(y[1], 0, 1e-15);
  EXPECT_NEAR(y[2], s + 5, 1e-14);
}

// The stepper keeps its own window; the test keeps one too, by the rule kv_stepper.h states.
TEST(KvStepper, EqualsAForwardPassOverTheWindow) {
  for (bool norm_first : {false, true})
    for (Activation act : {Activation::kRelu, Activation::kGelu}) {
      const Config c = transformer_config(Task::kLm, false, norm_first, act);
      const Params<double> p = random_params(c, 3 + norm_first);
      Stepper<double> s(c);
      s.reset(p);
      std::vector<int32_t> window;
      double worst = 0;
      for (int i = 0; i < 17; ++i) {  // past max_len = 6 twice: the window restarts from 3 symbols
        const int32_t id = int32_t((i * 5 + 2) % 7);
        if (int(window.size()) == c.max_len) window.erase(window.begin(), window.end() - c.max_len / 2);
        window.push_back(id);
        const double* got = s.feed(p, id);
        const std::vector<double> want = run_alone(c, p, window);
        for (int j = 0; j < 7; ++j) worst = std::max(worst, std::abs(got[j] - want[(window.size() - 1) * 7 + j]));
      }
      EXPECT_LT(worst, 1e-12) << "norm_first " << norm_first;
    }
}

TEST(KvStepper, StreamsAreIndependentAndBroadcastCopiesStreamZero) {
  const Config c = transformer_config(Task::kLm, false, false, Activation::kGelu, 8);
  const Params<double> p = random_params(c, 5);
  Stepper<double> s(c, true, Precision::kFloat32, 3);
  s.reset(p);
  const int32_t prompt[3] = {1, 2, 3};
  for (int32_t id : prompt) s.feed(p, &id, 1);  // stream 0 only
  s.broadcast();
  const int32_t next[3] = {4, 5, 6};
  const double* got = s.feed(p, next);
  for (int b = 0; b < 3; ++b) {
    const std::vector<double> want = run_alone(c, p, {1, 2, 3, next[b]});
    for (int j = 0; j < 7; ++j) EXPECT_NEAR(got[b * 7 + j], want[3 * 7 + j], 1e-12) << "stream " << b;
  }
}

// After broadcast() every stream fills its window on the same step: the restart re-reads them
// together, and each stream still equals a forward pass over its own window.
TEST(KvStepper, StreamsRestartTogetherPastTheWindow) {
  const Config c = transformer_config(Task::kLm, false, true, Activation::kRelu, 5);
  const Params<double> p = random_params(c, 6);
  Stepper<double> s(c, true, Precision::kFloat32, 3);
  s.reset(p);
  const int32_t first = 2;
  s.feed(p, &first, 1);
  s.broadcast();
  std::vector<std::vector<int32_t>> window(3, std::vector<int32_t>{first});
  double worst = 0;
  for (int i = 0; i < 12; ++i) {
    int32_t ids[3];
    for (int b = 0; b < 3; ++b) {
      ids[b] = int32_t((i * (b + 2) + b) % 7);
      auto& w = window[size_t(b)];
      if (int(w.size()) == c.max_len) w.erase(w.begin(), w.end() - c.max_len / 2);
      w.push_back(ids[b]);
    }
    const double* got = s.feed(p, ids);
    for (int b = 0; b < 3; ++b) {
      const auto& w = window[size_t(b)];
      const std::vector<double> want = run_alone(c, p, w);
      for (int j = 0; j < 7; ++j) worst = std::max(worst, std::abs(got[b * 7 + j] - want[(w.size() - 1) * 7 + j]));
    }
  }
  EXPECT_LT(worst, 1e-12);
}

TEST(TransformerMasks, CausalReadsOnlyThePastBidirectionalReadsAll) {
  for (bool bidirectional : {false, true}) {
    const Config c = transformer_config(Task::kTagger, bidirectional, false, Activation::kRelu);
    const Params<double> p = random_params(c, 7);
    const std::vector<double> a = run_alone(c, p, {1, 2, 3, 4, 5});
    const std::vector<double> b = run_alone(c, p, {1, 2, 3, 6, 5});  // position 3 differs
    double before = 0, from = 0;
    for (int t = 0; t < 5; ++t)
      for (int j = 0; j < 3; ++j) (t < 3 ? before : from) += std::abs(a[t * 3 + j] - b[t * 3 + j]);
    EXPECT_GT(from, 1e-3);
    if (bidirectional) {
      EXPECT_GT(before, 1e-3);
    } else {
      EXPECT_EQ(before, 0);
    }
  }
}

TEST(TransformerMasks, PaddingAndResetsEqualRunningTheSequencesApart) {
  // Bidirectional tagger and classifier: two sequences of lengths 5 and 3 in one batch.
  for (Task task : {Task::kTagger, Task::kClassifier}) {
    const Config c = transformer_config(task, true, true, Activation::kGelu);
    const Params<double> p = random_params(c, 9);
    const std::vector<int32_t> s0{1, 2, 3, 4, 5}, s1{6, 1, 2};
    std::vector<int32_t> ids(10, 0);
    for (int t = 0; t < 5; ++t) ids[size_t(t) * 2] = s0[size_t(t)];
    for (int t = 0; t < 3; ++t) ids[size_t(t) * 2 + 1] = s1[size_t(t)];
    const int32_t lengths[2] = {5, 3};
    Network<double> net(c);
    net.forward(p, ids.data(), 5, 2, lengths, nullptr, false, nullptr);
    const std::vector<double> a0 = run_alone(c, p, s0), a1 = run_alone(c, p, s1);
    if (task == Task::kTagger) {
      for (int t = 0; t < 3; ++t)
        for (int j = 0; j < 3; ++j) EXPECT_NEAR(net.logits()[(t * 2 + 1) * 3 + j], a1[size_t(t) * 3 + j], 1e-12);
    } else {
      for (int j = 0; j < 3; ++j) {
        EXPECT_NEAR(net.logits()[j], a0[size_t(j)], 1e-12);
        EXPECT_NEAR(net.logits()[3 + j], a1[size_t(j)], 1e-12);
      }
    }
  }
  // Causal lm: entries packed into one row with a reset start as if alone (positions from 0).
  const Config c = transformer_config(Task::kLm, false, false, Activation::kRelu);
  const Params<double> p = random_params(c, 11);
  const std::vector<int32_t> ids{1, 2, 3, 4, 5, 6};
  const std::vector<uint8_t> resets{1, 0, 0, 1, 0, 0};
  Network<double> net(c);
  net.forward(p, ids.data(), 6, 1, nullptr, nullptr, false, nullptr, resets.data());
  const std::vector<double> first = run_alone(c, p, {1, 2, 3}), second = run_alone(c, p, {4, 5, 6});
  for (int t = 0; t < 6; ++t)
    for (int j = 0; j < 7; ++j)
      EXPECT_NEAR(net.logits()[t * 7 + j], (t < 3 ? first : second)[size_t(t % 3) * 7 + j], 1e-12) << t;
}

TEST(TransformerConfig, JsonRoundTripAndRefusals) {
  const Config c = transformer_config(Task::kTagger, true, true, Activation::kGelu, 128);
  auto back = config_from_json(config_to_json(c));
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(config_to_json(back.value()), config_to_json(c));
  EXPECT_EQ(back->num_heads, 2);
  EXPECT_EQ(back->max_len, 128);
  EXPECT_TRUE(back->norm_first);
  EXPECT_EQ(back->activation, Activation::kGelu);

  auto refused = [](const std::string& json, const std::string& words) {
    auto r = config_from_json(json);
    ASSERT_FALSE(r.is_ok()) << json;
    EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
  };
  const std::string lstm =
      R"({"task":"lm","cell":"lstm","vocab_size":5,"embedding_dim":4,"hidden_size":4,"num_layers":1,)"
      R"("bidirectional":false,"dropout":0)";
  refused(lstm + R"(,"num_heads":2})", "belongs to cell transformer");
  const std::string base =
      R"({"task":"lm","cell":"transformer","vocab_size":5,"embedding_dim":4,"hidden_size":4,"num_layers":1,)"
      R"("bidirectional":false,"dropout":0,"ff_size":8,"max_len":16,"norm_first":false)";
  const std::string tf = base + R"(,"activation":"relu")";
  refused(tf + "}", "missing key \"num_heads\"");
  refused(tf + R"(,"num_heads":3})", "must divide hidden_size");
  auto ok = config_from_json(tf + R"(,"num_heads":2})");
  EXPECT_TRUE(ok.is_ok()) << ok.status().message();
  refused(R"({"task":"lm","cell":"transformer","vocab_size":5,"embedding_dim":3,"hidden_size":4,"num_layers":1,)"
          R"("bidirectional":false,"dropout":0,"num_heads":2,"ff_size":8,"max_len":16,"norm_first":false,)"
          R"("activation":"relu"})",
          "must equal hidden_size");
  refused(base + R"(,"num_heads":2,"activation":"tanh"})", "unknown activation \"tanh\"");
  refused(tf + R"(,"num_heads":2,"max_len":0})", "");  // a repeated key
}

// Sizes a hostile file could ask for: a window whose attention weights alone do not fit is refused
// when the config is read; generating many samples is refused when their caches would not fit;
// evaluation splits its batch until it fits.
TEST(TransformerLimits, WindowsAndCachesThatDoNotFitAreRefused) {
  Config c = transformer_config(Task::kLm, false, false, Activation::kRelu, 256);
  c.hidden_size = c.embedding_dim = 512;
  c.num_heads = 512;
  c.num_layers = 16;
  c.ff_size = 64;
  const Status st = validate(c);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("MB of activations"), std::string::npos) << st.message();

  Config ok = transformer_config(Task::kLm, false, false, Activation::kRelu, 4096);
  ok.hidden_size = ok.embedding_dim = 256;
  ok.num_layers = 2;
  ok.num_heads = 1;
  ASSERT_TRUE(validate(ok).is_ok()) << validate(ok).message();
  EXPECT_EQ(fitting_batch(ok, 4096, 32), 1);  // 32 windows of 4096 would need gigabytes
  EXPECT_EQ(fitting_batch(ok, 64, 32), 32);
  auto m = create_model(ok, {"<unk>", "a", "b", "c", "d", "e", "f"}, {}, 1);
  ASSERT_TRUE(m.is_ok());
  GenerateOptions o;
  o.count = 32;  // 32 x 2 x 2 x 4096 x 256 values of cache: more than 2^26
  auto g = Generator::create(m.value(), o);
  ASSERT_FALSE(g.is_ok());
  EXPECT_NE(g.status().message().find("key/value cache"), std::string::npos) << g.status().message();
  o.count = 4;
  EXPECT_TRUE(Generator::create(m.value(), o).is_ok());
}

TEST(TransformerLimits, TextsPastTheWindowAreRefusedWithTheWindowNamed) {
  const Config c = transformer_config(Task::kTagger, true, false, Activation::kRelu, 4);
  auto m = create_model(c, {"<unk>", "a", "b", "c", "d", "e", "f"}, {"x", "y", "z"}, 1);
  ASSERT_TRUE(m.is_ok());
  EXPECT_TRUE(predict(m.value(), "abcd").is_ok());
  auto r = predict(m.value(), "abcde");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("context window (max_len 4)"), std::string::npos) << r.status().message();
  auto t = trace(m.value(), "abcde");
  ASSERT_FALSE(t.is_ok());
  EXPECT_NE(t.status().message().find("context window"), std::string::npos);
}

TEST(TransformerTrace, AttentionRowsAreDistributionsOverThePast) {
  const Config c = transformer_config(Task::kLm, false, false, Activation::kRelu);
  auto m = create_model(c, {"<unk>", "a", "b", "c", "d", "e", "f"}, {}, 2);
  ASSERT_TRUE(m.is_ok());
  auto t = trace(m.value(), "abcab");
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  ASSERT_EQ(t->attention.size(), 2u);
  ASSERT_EQ(t->h.size(), 2u);
  EXPECT_EQ(t->heads, 2);
  for (const auto& a : t->attention) {
    ASSERT_EQ(a.size(), size_t(2 * 5 * 5));
    for (int h = 0; h < 2; ++h)
      for (int q = 0; q < 5; ++q) {
        double sum = 0;
        for (int k = 0; k < 5; ++k) {
          const float w = a[size_t((h * 5 + q) * 5 + k)];
          if (k > q) {
            EXPECT_EQ(w, 0.0f);
          }
          sum += w;
        }
        EXPECT_NEAR(sum, 1.0, 1e-6);
      }
  }
}

}  // namespace
}  // namespace recur
