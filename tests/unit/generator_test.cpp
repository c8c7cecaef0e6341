// Generator's avoid_unknown on testing::bias_lm (logits = head bias), with most of the mass on
// U+FFFD and "<unk>". The reference probabilities are softmax(bias) over the kept symbols,
// computed here with std::exp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "sampling/generator.h"
#include "support/bias_lm.h"

namespace recur {
namespace {

using testing::bias_lm;

const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD in UTF-8; "<unk>" also prints as this
constexpr float kInf = std::numeric_limits<float>::infinity();

// Ids (in vocab order) of a, <unk>, b, U+FFFD, c: the unknown symbols sit between the others, so
// nothing depends on them being first or last. Without avoid_unknown, U+FFFD takes about 69 % of
// the mass at T = 1 and "<unk>" 25 %; among a, b, c the order is b > a > c.
const std::vector<std::string> kVocab = {"a", "<unk>", "b", kFffd, "c"};
const std::vector<float> kBias = {0.0f, 3.0f, 1.0f, 4.0f, -0.5f};

// softmax(bias) over the ids in `kept`, 0 elsewhere, in double.
std::vector<double> softmax_over(const std::vector<float>& bias, const std::vector<int>& kept) {
  std::vector<double> p(bias.size(), 0.0);
  double z = 0;
  for (int i : kept) z += p[i] = std::exp(double(bias[i]));
  for (double& x : p) x /= z;
  return p;
}

GenerateOptions options(bool avoid, float temperature = 1.0f, int64_t length = 20000, uint64_t seed = 7) {
  GenerateOptions o;
  o.length = length;
  o.sample.temperature = temperature;
  o.sample.seed = seed;
  o.avoid_unknown = avoid;
  return o;
}

// Every generated piece, counted.
std::map<std::string, int64_t> run(const Model<float>& m, const GenerateOptions& o) {
  auto g = Generator::create(m, o);
  EXPECT_TRUE(g.is_ok()) << g.status().message();
  std::map<std::string, int64_t> counts;
  if (!g.is_ok()) return counts;
  while (!g->done()) {
    auto piece = g->next();
    EXPECT_TRUE(piece.is_ok()) << piece.status().message();
    if (!piece.is_ok()) break;
    ++counts[piece.value()];
  }
  return counts;
}

TEST(GeneratorAvoidUnknown, WithoutItTheUnknownSymbolsAreSampledOften) {
  // The control: the model really does put most of its mass on them, so the tests below can fail.
  const Model<float> m = bias_lm(kVocab, kBias);
  const auto counts = run(m, options(false));
  const auto p = softmax_over(kBias, {0, 1, 2, 3, 4});
  const double q = p[1] + p[3], want = 20000 * q, sigma = std::sqrt(20000 * q * (1 - q));
  EXPECT_NEAR(double(counts.count(kFffd) ? counts.at(kFffd) : 0), want, 5 * sigma) << "U+FFFD + <unk>";
}

TEST(GeneratorAvoidUnknown, NeverEmittedAndTheRestKeepsSoftmaxProportions) {
  const Model<float> m = bias_lm(kVocab, kBias);
  const int64_t n = 20000;
  const auto counts = run(m, options(true, 1.0f, n));
  EXPECT_EQ(counts.count(kFffd), 0u) << "U+FFFD (or <unk>) drawn " << (counts.count(kFffd) ? counts.at(kFffd) : 0)
                                     << " times";
  // a, b, c in proportion to exp(bias): 0.231, 0.629, 0.140, each within 5 binomial sigma.
  const auto p = softmax_over(kBias, {0, 2, 4});
  for (int id : {0, 2, 4}) {
    const double want = n * p[id], sigma = std::sqrt(n * p[id] * (1 - p[id]));
    const int64_t got = counts.count(kVocab[id]) ? counts.at(kVocab[id]) : 0;
    EXPECT_NEAR(double(got), want, 5 * sigma) << "symbol " << kVocab[id];
  }
}

TEST(GeneratorAvoidUnknown, GreedyPicksTheBestRemainingSymbol) {
  const Model<float> m = bias_lm(kVocab, kBias);
  EXPECT_EQ(run(m, options(false, 0.0f, 50)), (std::map<std::string, int64_t>{{kFffd, 50}}));
  EXPECT_EQ(run(m, options(true, 0.0f, 50)), (std::map<std::string, int64_t>{{"b", 50}}));
}

TEST(GeneratorAvoidUnknown, TopKAndTopPWorkOnTheRemainingSymbols) {
  const Model<float> m = bias_lm(kVocab, kBias);
  // Top-k 2 of a, b, c: b and a. Over the full distribution it would be U+FFFD and <unk>.
  GenerateOptions k = options(true, 1.0f, 3000);
  k.sample.top_k = 2;
  const auto ck = run(m, k);
  EXPECT_EQ(ck.count(kFffd) + ck.count("c"), 0u);
  EXPECT_GT(ck.count("a") ? ck.at("a") : 0, 0);
  // b alone holds 0.629 >= 0.6 of the renormalised rest: top-p 0.6 keeps only b. Applied to the
  // full distribution first, it would keep only U+FFFD and leave nothing once that is masked.
  GenerateOptions p = options(true, 1.0f, 3000);
  p.sample.top_p = 0.6f;
  EXPECT_EQ(run(m, p), (std::map<std::string, int64_t>{{"b", 3000}}));
}

TEST(GeneratorAvoidUnknown, EachUnknownSymbolIsAvoidedOnItsOwn) {
  // Only U+FFFD (a vocabulary built with --no-unk), then only <unk>.
  const Model<float> fffd = bias_lm({"a", "b", kFffd}, {0.0f, 0.5f, 6.0f});
  EXPECT_EQ(run(fffd, options(true, 1.0f, 2000)).count(kFffd), 0u);
  EXPECT_GT(run(fffd, options(false, 1.0f, 2000)).at(kFffd), 1900);
  const Model<float> unk = bias_lm({"<unk>", "a", "b"}, {6.0f, 0.0f, 0.5f});
  EXPECT_EQ(run(unk, options(true, 1.0f, 2000)).count(kFffd), 0u);
  EXPECT_GT(run(unk, options(false, 1.0f, 2000)).at(kFffd), 1900);
}

TEST(GeneratorAvoidUnknown, NextDistributionStaysTheModels) {
  const Model<float> m = bias_lm(kVocab, kBias);
  auto g = Generator::create(m, options(true, 1.0f, 5));
  ASSERT_TRUE(g.is_ok()) << g.status().message();
  const auto want = softmax_over(kBias, {0, 1, 2, 3, 4});
  for (int step = 0; step < 3; ++step) {
    const auto p = g->next_distribution();
    ASSERT_EQ(p.size(), want.size());
    for (size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(p[i], want[i], 1e-6) << "id " << i << ", step " << step;
    ASSERT_TRUE(g->next().is_ok());
  }
}

TEST(GeneratorAvoidUnknown, ThePromptMayContainThem) {
  const Model<float> m = bias_lm(kVocab, kBias);
  GenerateOptions o = options(true, 0.0f, 4);
  o.prompt = "a" + kFffd + "z";  // U+FFFD is a symbol; z is not, and reads as <unk>
  EXPECT_EQ(run(m, o), (std::map<std::string, int64_t>{{"b", 4}}));
}

TEST(GeneratorAvoidUnknown, NothingLeftToSampleIsAnErrorNotACrash) {
  // A vocabulary of nothing but the two: refused up front, with the reason.
  const Model<float> only = bias_lm({"<unk>", kFffd}, {0.0f, 1.0f});
  auto g = Generator::create(only, options(true, 1.0f, 5));
  ASSERT_FALSE(g.is_ok());
  EXPECT_NE(g.status().message().find("no other symbol"), std::string::npos) << g.status().message();
  EXPECT_TRUE(Generator::create(only, options(false, 1.0f, 5)).is_ok());

  // Every other logit -inf: each draw fails with the sampler's message, greedy or not, and the
  // generator does not advance. Without avoid_unknown the same model generates.
  const Model<float> dead = bias_lm(kVocab, {-kInf, 1.0f, -kInf, 2.0f, -kInf});
  for (float t : {0.0f, 1.0f}) {
    auto d = Generator::create(dead, options(true, t, 5));
    ASSERT_TRUE(d.is_ok()) << d.status().message();
    for (int i = 0; i < 2; ++i) {
      auto piece = d->next();
      ASSERT_FALSE(piece.is_ok());
      EXPECT_NE(piece.status().message().find("-inf"), std::string::npos) << piece.status().message();
      EXPECT_NE(piece.status().message().find("U+FFFD"), std::string::npos) << piece.status().message();
    }
    EXPECT_EQ(d->produced(), 0);
    EXPECT_FALSE(d->done());
    // A failed draw leaves the model's distribution as it was: <unk> and U+FFFD share it.
    const auto p = d->next_distribution();
    const auto want = softmax_over({-kInf, 1.0f, -kInf, 2.0f, -kInf}, {1, 3});
    for (size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(p[i], want[i], 1e-6) << "id " << i;
  }
  EXPECT_EQ(run(dead, options(false, 0.0f, 3)), (std::map<std::string, int64_t>{{kFffd, 3}}));
}

}  // namespace
}  // namespace recur
