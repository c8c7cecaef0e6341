// libFuzzer target for large inputs. A few fuzzed bytes say how to build a big input (a pattern
// repeated up to 32 MB), so the sizes where memory bounds matter are reached within a short run,
// which libFuzzer's own inputs (4 KB) never do. Byte 0 picks the consumer: the model loader (the
// big input as a header of that length), the JSON parser at the header's value limit, UTF-8
// decoding and a vocabulary's encoder, or predict() on a small model. Bytes 1-3 are the repeat
// count, the rest the pattern. Property: every refusal is a Status; no crash, no abort, and memory
// stays under ctest's -rss_limit_mb.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/predict.h"
#include "model/serialize.h"
#include "text/utf8.h"
#include "util/json.h"

namespace {

constexpr size_t kMaxBytes = size_t(32) << 20;

const recur::Model<float>& small_lm() {
  static const recur::Model<float> m = [] {
    recur::Config c;
    c.vocab_size = 4;
    c.embedding_dim = 2;
    c.hidden_size = 3;
    auto r = recur::create_model(c, {"<unk>", "a", "b", " "}, {}, 1);
    if (!r) std::abort();
    return std::move(r.value());
  }();
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const int consumer = data[0] % 4;
  const size_t count = size_t(data[1]) | size_t(data[2]) << 8 | size_t(data[3]) << 16;
  const std::string pattern(reinterpret_cast<const char*>(data + 4), size - 4);
  const size_t reps = std::min(count + 1, kMaxBytes / pattern.size());
  std::string big;
  big.reserve(reps * pattern.size() + 8);
  for (size_t i = 0; i < reps; ++i) big += pattern;
  switch (consumer) {
    case 0: {  // a safetensors file whose header is the big input
      std::string file(8, '\0');
      for (int i = 0; i < 8; ++i) file[size_t(i)] = char((uint64_t(big.size()) >> (8 * i)) & 0xFF);
      file += big;
      auto m = recur::load_safetensors(reinterpret_cast<const uint8_t*>(file.data()), file.size());
      (void)m;
      break;
    }
    case 1: {
      auto v = recur::json::parse(big, 16384);
      (void)v;
      break;
    }
    case 2: {
      auto cps = recur::utf8_decode(big);
      auto ids = small_lm().vocab.encode(big);
      if (cps.is_ok() != ids.is_ok()) std::abort();  // with <unk>, only bad UTF-8 is refused
      break;
    }
    case 3: {
      auto p = recur::predict(small_lm(), big);
      if (p && p->rows * p->cols != int64_t(p->probs.size())) std::abort();
      break;
    }
  }
  return 0;
}
