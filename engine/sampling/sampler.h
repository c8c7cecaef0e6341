// Next-symbol sampling from logits: greedy (temperature 0), temperature, top-k and top-p
// (nucleus, Holtzman et al. 2019), with an explicit seed so a seed gives the same text everywhere.
#pragma once
#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/rng.h"

namespace recur {

/// How to pick the next symbol. Check with validate() before constructing a Sampler.
struct SampleOptions {
  float temperature = 1.0f;  ///< 0 = greedy argmax; else logits are divided by it before softmax
  int top_k = 0;             ///< keep only the k most probable symbols; 0 = off
  float top_p = 1.0f;        ///< keep the smallest most-probable set with mass >= top_p; 1 = off
  uint64_t seed = 0;
};

/// Fails with kInvalidArgument unless temperature is finite and >= 0, top_k >= 0 and
/// top_p is in (0, 1]. Messages quote the value: "temperature must be a finite number >= 0, got nan".
Status validate(const SampleOptions& o);

/// Draws symbol ids from logits. Each non-greedy sample takes exactly one Rng::uniform(), so the
/// stream for a seed is the same natively and in wasm; greedy samples take none.
class Sampler {
 public:
  /// Assumes validate(o) passed.
  explicit Sampler(const SampleOptions& o);

  /// Restarts the random stream as if constructed with this seed.
  void reseed(uint64_t seed) { rng_.reseed(seed); }

  /// Picks an id in [0, n). Fails (never crashes) if n <= 0, logits is null, a logit is NaN or
  /// every logit is -inf. Top-k is applied before top-p, and top-p measures mass after top-k
  /// renormalisation, as Hugging Face's TopKLogitsWarper then TopPLogitsWarper do.
  Result<int32_t> sample(const float* logits, int n);

  const SampleOptions& options() const { return opt_; }

 private:
  SampleOptions opt_;
  Rng rng_;
  // Scratch reused across calls: allocated on the first call and when n grows.
  std::vector<double> probs_;     // (V) softmax(logits / T), then zeroed outside the kept set
  std::vector<int32_t> order_;    // (V) ids by probability descending, ties by lower id
};

}  // namespace recur
