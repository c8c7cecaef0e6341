// Sampler: softmax(logits / T) in double, optional top-k / top-p truncation, one uniform draw,
// then a walk over the kept symbols in id order (the inverse-CDF method).
#include "sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace recur {
namespace {

// printf's %g prints a negative NaN as "-nan" on glibc; a message should just say "nan".
std::string show(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

// top_p arrives as a float and the probabilities come from float logits, so both carry ~1e-7
// relative error: a cumulative mass of 0.8 must count as reaching top_p = 0.8f (0.800000012).
constexpr double kTopPSlack = 1e-6;

}  // namespace

Status validate(const SampleOptions& o) {
  if (!std::isfinite(o.temperature) || o.temperature < 0.0f)
    return bad_option("temperature", "must be a finite number >= 0, got " + show(o.temperature));
  if (o.top_k < 0) return bad_option("top_k", "must be >= 0 (0 turns it off), got " + std::to_string(o.top_k));
  if (!(o.top_p > 0.0f && o.top_p <= 1.0f))
    return bad_option("top_p", "must be in (0, 1] (1 turns it off), got " + show(o.top_p));
  return Status::ok();
}

Sampler::Sampler(const SampleOptions& o) : opt_(o), rng_(o.seed) {}

Result<int32_t> Sampler::sample(const float* logits, int n) {
  if (logits == nullptr || n <= 0)
    return invalid_argument("sampler needs at least one logit, got " + std::to_string(n));
  int32_t best = -1;
  float max_logit = -std::numeric_limits<float>::infinity();
  for (int i = 0; i < n; ++i) {
    const float l = logits[i];
    if (std::isnan(l)) return invalid_argument("logit " + std::to_string(i) + " is NaN: the model diverged");
    if (l > max_logit) {  // strict: ties keep the lowest id
      max_logit = l;
      best = i;
    }
  }
  if (best < 0)
    return invalid_argument("all " + std::to_string(n) + " logits are -inf: no symbol can be sampled");
  if (opt_.temperature == 0.0f) return best;

  probs_.resize(n);
  const double t = opt_.temperature;
  double total = 0;
  if (std::isinf(max_logit)) {
    // +inf logits: the limit of softmax puts equal mass on each of them and none elsewhere.
    for (int i = 0; i < n; ++i) total += probs_[i] = std::isinf(logits[i]) && logits[i] > 0 ? 1.0 : 0.0;
  } else {
    // z_i - max(z) with z = logits / T; at least one term is exp(0) = 1, so total >= 1.
    const double z_max = double(max_logit) / t;
    for (int i = 0; i < n; ++i) total += probs_[i] = std::exp(double(logits[i]) / t - z_max);
  }

  const bool use_k = opt_.top_k > 0 && opt_.top_k < n;
  const bool use_p = opt_.top_p < 1.0f;
  if (use_k || use_p) {
    order_.resize(n);
    for (int i = 0; i < n; ++i) order_[i] = i;
    const double* p = probs_.data();
    auto by_prob = [p](int32_t a, int32_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); };
    const int k = use_k ? opt_.top_k : n;
    if (k < n) std::partial_sort(order_.begin(), order_.begin() + k, order_.end(), by_prob);
    else std::sort(order_.begin(), order_.end(), by_prob);

    int keep = k;
    if (use_p) {
      double mass_k = 0;
      for (int r = 0; r < k; ++r) mass_k += probs_[order_[r]];
      const double target = (double(opt_.top_p) - kTopPSlack) * mass_k;
      double cum = 0;
      keep = 0;
      while (keep < k && cum < target) cum += probs_[order_[keep++]];
      keep = std::max(keep, 1);
    }
    total = 0;
    for (int r = 0; r < keep; ++r) total += probs_[order_[r]];
    for (int r = keep; r < n; ++r) probs_[order_[r]] = 0.0;
  }

  // Inverse CDF over ids in order. cum > target (strict) never picks a zero-probability id; if
  // rounding leaves target beyond the last partial sum, the last id with mass is the answer.
  const double target = rng_.uniform() * total;
  double cum = 0;
  int32_t last = best;
  for (int i = 0; i < n; ++i) {
    if (probs_[i] == 0.0) continue;
    cum += probs_[i];
    last = i;
    if (cum > target) return i;
  }
  return last;
}

}  // namespace recur
