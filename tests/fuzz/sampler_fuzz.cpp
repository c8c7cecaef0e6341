// libFuzzer target: sampling options and logits, including NaN, infinities and extremes.
// Properties: options either fail validate() with a message or sample an id in range (or a
// clear error for logits that allow no choice).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "sampling/sampler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 16) return 0;
  recur::SampleOptions o;
  // Layout: temperature (f32), top_k (i32), top_p (f32), seed (u32), then logits (f32 each).
  int32_t top_k;
  uint32_t seed;
  std::memcpy(&o.temperature, data, 4);
  std::memcpy(&top_k, data + 4, 4);
  std::memcpy(&o.top_p, data + 8, 4);
  std::memcpy(&seed, data + 12, 4);
  o.top_k = top_k;
  o.seed = seed;
  const recur::Status st = recur::validate(o);
  if (!st) {
    if (st.message().empty()) std::abort();
    return 0;
  }
  std::vector<float> logits((size - 16) / 4);
  if (logits.empty()) return 0;
  std::memcpy(logits.data(), data + 16, logits.size() * 4);
  recur::Sampler s(o);
  for (int i = 0; i < 3; ++i) {
    auto id = s.sample(logits.data(), int(logits.size()));
    if (id && (id.value() < 0 || id.value() >= int32_t(logits.size()))) std::abort();
    if (!id && id.status().message().empty()) std::abort();
  }
  return 0;
}
