// Sampler: greedy, seed reproducibility, empirical frequencies against softmax(logits / T)
// computed here with std::exp, top-k and top-p truncation, and bad logits as errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/rng.h"
#include "sampling/sampler.h"

namespace recur {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// The reference distribution, written independently of the sampler: softmax(l / T) in double,
// then every id outside `kept` zeroed and the rest renormalised.
std::vector<double> expected_probs(const std::vector<float>& logits, double t,
                                   const std::vector<int>& kept = {}) {
  const size_t n = logits.size();
  std::vector<double> p(n);
  double m = -INFINITY, z = 0;
  for (float l : logits) m = std::max(m, l / t);
  for (size_t i = 0; i < n; ++i) z += p[i] = std::exp(logits[i] / t - m);
  for (double& x : p) x /= z;
  if (!kept.empty()) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) {
      if (std::find(kept.begin(), kept.end(), int(i)) == kept.end()) p[i] = 0;
      s += p[i];
    }
    for (double& x : p) x /= s;
  }
  return p;
}

std::vector<int64_t> histogram(Sampler& s, const std::vector<float>& logits, int draws) {
  std::vector<int64_t> counts(logits.size(), 0);
  for (int i = 0; i < draws; ++i) {
    auto r = s.sample(logits.data(), int(logits.size()));
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    if (!r.is_ok()) break;
    ++counts[*r];
  }
  return counts;
}

// "" when every count is within 5 sigma of draws * p (binomial) and Pearson's chi-square is below
// df + 5 * sqrt(2 df); an id with p = 0 must never appear. Otherwise a message naming the worst id.
std::string matches(const std::vector<int64_t>& counts, const std::vector<double>& p, int draws) {
  std::ostringstream os;
  double chi2 = 0;
  int df = -1;
  for (size_t i = 0; i < p.size(); ++i) {
    const double want = draws * p[i];
    if (p[i] == 0) {
      if (counts[i] != 0) os << "id " << i << " has probability 0 but was drawn " << counts[i] << " times; ";
      continue;
    }
    ++df;
    const double sigma = std::sqrt(draws * p[i] * (1 - p[i]));
    if (std::abs(counts[i] - want) > 5 * sigma + 1)
      os << "id " << i << ": " << counts[i] << " draws, expected " << want << " +- " << 5 * sigma << "; ";
    chi2 += (counts[i] - want) * (counts[i] - want) / want;
  }
  if (df > 0 && chi2 > df + 5 * std::sqrt(2.0 * df)) os << "chi-square " << chi2 << " with " << df << " dof; ";
  return os.str();
}

Sampler make(float t, int k = 0, float p = 1.0f, uint64_t seed = 1) {
  SampleOptions o;
  o.temperature = t;
  o.top_k = k;
  o.top_p = p;
  o.seed = seed;
  EXPECT_TRUE(validate(o).is_ok()) << validate(o).message();
  return Sampler(o);
}

const std::vector<float> kLogits = {1.0f, 2.0f, 0.5f, -1.0f, 3.0f, 0.0f, 2.5f};
constexpr int kDraws = 200000;

TEST(Sampler, MatchesHelperFailsOnWrongDistribution) {
  // The comparison must be able to fail: T = 1 draws judged against T = 0.5 probabilities.
  Sampler s = make(1.0f);
  const auto counts = histogram(s, kLogits, kDraws);
  EXPECT_NE(matches(counts, expected_probs(kLogits, 0.5), kDraws), "");
  EXPECT_NE(matches(counts, expected_probs(kLogits, 1.0, {4, 6}), kDraws), "");
}

TEST(Sampler, GreedyTakesArgmaxLowestIdOnTies) {
  Sampler s = make(0.0f);
  const std::vector<float> a = {0.1f, 3.0f, -2.0f, 3.0f};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.sample(a.data(), 4).value(), 1);
  const std::vector<float> b = {-kInf, -kInf, -5.0f};
  EXPECT_EQ(s.sample(b.data(), 3).value(), 2);
  EXPECT_EQ(s.sample(kLogits.data(), int(kLogits.size())).value(), 4);
}

TEST(Sampler, SameSeedSameSequence) {
  Sampler a = make(1.0f, 0, 1.0f, 42), b = make(1.0f, 0, 1.0f, 42), c = make(1.0f, 0, 1.0f, 43);
  std::vector<int32_t> sa, sb, sc;
  for (int i = 0; i < 200; ++i) {
    sa.push_back(a.sample(kLogits.data(), int(kLogits.size())).value());
    sb.push_back(b.sample(kLogits.data(), int(kLogits.size())).value());
    sc.push_back(c.sample(kLogits.data(), int(kLogits.size())).value());
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  a.reseed(42);
  std::vector<int32_t> again;
  for (int i = 0; i < 200; ++i) again.push_back(a.sample(kLogits.data(), int(kLogits.size())).value());
  EXPECT_EQ(again, sa);
}

TEST(Sampler, OneUniformDrawPerSampleWalkedInIdOrder) {
  // Replays the documented algorithm with its own Rng: u = uniform(), first id whose cumulative
  // probability exceeds u. This pins the stream that wasm must reproduce.
  const uint64_t seed = 7;
  Sampler s = make(0.8f, 0, 1.0f, seed);
  Rng rng(seed);
  const auto p = expected_probs(kLogits, 0.8);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.uniform();
    double cum = 0;
    int want = int(p.size()) - 1;
    for (size_t j = 0; j < p.size(); ++j) {
      cum += p[j];
      if (cum > u) {
        want = int(j);
        break;
      }
    }
    ASSERT_EQ(s.sample(kLogits.data(), int(kLogits.size())).value(), want) << "draw " << i << ", u = " << u;
  }
}

TEST(Sampler, FrequenciesMatchSoftmaxAtT1) {
  Sampler s = make(1.0f, 0, 1.0f, 2024);
  EXPECT_EQ(matches(histogram(s, kLogits, kDraws), expected_probs(kLogits, 1.0), kDraws), "");
}

TEST(Sampler, FrequenciesMatchSoftmaxAtTHalf) {
  Sampler s = make(0.5f, 0, 1.0f, 99);
  EXPECT_EQ(matches(histogram(s, kLogits, kDraws), expected_probs(kLogits, 0.5), kDraws), "");
}

TEST(Sampler, HighTemperatureFlattens) {
  Sampler s = make(50.0f, 0, 1.0f, 5);
  EXPECT_EQ(matches(histogram(s, kLogits, kDraws), expected_probs(kLogits, 50.0), kDraws), "");
}

TEST(Sampler, TopKStaysInTopKWithRenormalisedFrequencies) {
  // Top 3 of kLogits are ids 4 (3.0), 6 (2.5), 1 (2.0).
  Sampler s = make(1.0f, 3, 1.0f, 11);
  const auto counts = histogram(s, kLogits, kDraws);
  for (int id : {0, 2, 3, 5}) EXPECT_EQ(counts[id], 0) << "id " << id << " is outside the top 3";
  EXPECT_EQ(matches(counts, expected_probs(kLogits, 1.0, {4, 6, 1}), kDraws), "");
}

TEST(Sampler, TopKOneIsGreedy) {
  Sampler s = make(1.0f, 1, 1.0f, 3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(s.sample(kLogits.data(), int(kLogits.size())).value(), 4);
}

TEST(Sampler, TopKLargerThanVocabKeepsAll) {
  Sampler s = make(1.0f, 100, 1.0f, 12);
  EXPECT_EQ(matches(histogram(s, kLogits, kDraws), expected_probs(kLogits, 1.0), kDraws), "");
}

TEST(Sampler, TopKTiesGoToLowerIds) {
  // Three ids share the top logit; top_k 2 keeps the two lowest of them, equally often.
  const std::vector<float> l = {2.0f, 1.0f, 2.0f, 2.0f};
  Sampler s = make(1.0f, 2, 1.0f, 41);
  const auto counts = histogram(s, l, 20000);
  EXPECT_EQ(matches(counts, {0.5, 0.0, 0.5, 0.0}, 20000), "");
}

// Probabilities 0.15, 0.5, 0.05, 0.3 (shuffled so that id order and probability order differ).
const std::vector<float> kHand = {std::log(0.15f), std::log(0.5f), std::log(0.05f), std::log(0.3f)};

TEST(Sampler, TopPKeepsSmallestSetReachingP) {
  Sampler s = make(1.0f, 0, 0.8f, 13);
  const auto counts = histogram(s, kHand, kDraws);
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(counts[2], 0);
  EXPECT_EQ(matches(counts, expected_probs(kHand, 1.0, {1, 3}), kDraws), "");  // 0.625 / 0.375
}

TEST(Sampler, TopPBoundaries) {
  auto kept = [](float p) {
    Sampler s = make(1.0f, 0, p, 17);
    const auto counts = histogram(s, kHand, 20000);
    std::vector<int> ids;
    for (int i = 0; i < 4; ++i)
      if (counts[i]) ids.push_back(i);
    return ids;
  };
  EXPECT_EQ(kept(0.3f), (std::vector<int>{1}));
  EXPECT_EQ(kept(0.5f), (std::vector<int>{1}));
  EXPECT_EQ(kept(0.79f), (std::vector<int>{1, 3}));
  EXPECT_EQ(kept(0.81f), (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(kept(0.95f), (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(kept(0.96f), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(kept(1e-6f), (std::vector<int>{1}));
}

TEST(Sampler, TopKThenTopPMeasuresRenormalisedMass) {
  // Top 2 of kHand: 0.5 and 0.3, renormalised 0.625 and 0.375. top_p 0.6 keeps only id 1 (0.625
  // >= 0.6), although 0.5 alone would fall short of 0.6 in the untruncated distribution.
  Sampler s = make(1.0f, 2, 0.6f, 19);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(s.sample(kHand.data(), 4).value(), 1);
}

TEST(Sampler, NegativeInfinityNeverDrawn) {
  const std::vector<float> l = {-kInf, 0.0f, -kInf, 1.0f};
  Sampler s = make(1.0f, 0, 1.0f, 23);
  const auto counts = histogram(s, l, 50000);
  EXPECT_EQ(matches(counts, expected_probs(l, 1.0), 50000), "");
}

TEST(Sampler, PositiveInfinityTakesAllTheMass) {
  const std::vector<float> l = {0.0f, kInf, 3.0f, kInf};
  Sampler s = make(1.0f, 0, 1.0f, 29);
  const auto counts = histogram(s, l, 20000);
  EXPECT_EQ(counts[0] + counts[2], 0);
  EXPECT_GT(counts[1], 9000);
  EXPECT_GT(counts[3], 9000);
}

TEST(Sampler, NanLogitsAreAnError) {
  const std::vector<float> l = {0.0f, std::nanf(""), 1.0f};
  for (float t : {0.0f, 1.0f}) {
    Sampler s = make(t);
    auto r = s.sample(l.data(), 3);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("logit 1 is NaN"), std::string::npos) << r.status().message();
  }
}

TEST(Sampler, AllNegativeInfinityIsAnError) {
  const std::vector<float> l = {-kInf, -kInf};
  for (float t : {0.0f, 0.7f}) {
    Sampler s = make(t);
    auto r = s.sample(l.data(), 2);
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("-inf"), std::string::npos) << r.status().message();
  }
}

TEST(Sampler, EmptyLogitsAreAnError) {
  Sampler s = make(1.0f);
  EXPECT_FALSE(s.sample(kLogits.data(), 0).is_ok());
  EXPECT_FALSE(s.sample(nullptr, 3).is_ok());
}

TEST(Sampler, ScratchFollowsVocabSize) {
  // Alternating sizes must not read stale scratch from a larger previous call.
  Sampler s = make(1.0f, 2, 0.9f, 31);
  const std::vector<float> small = {0.0f, 5.0f};
  for (int i = 0; i < 100; ++i) {
    auto a = s.sample(kLogits.data(), int(kLogits.size()));
    ASSERT_TRUE(a.is_ok());
    EXPECT_TRUE(*a == 4 || *a == 6) << *a;
    auto b = s.sample(small.data(), 2);
    ASSERT_TRUE(b.is_ok());
    EXPECT_EQ(*b, 1);
  }
}

TEST(Sampler, TinyTemperatureIsNearlyGreedy) {
  Sampler s = make(1e-30f, 0, 1.0f, 37);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(s.sample(kLogits.data(), int(kLogits.size())).value(), 4);
}

}  // namespace
}  // namespace recur
