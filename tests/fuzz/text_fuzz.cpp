// libFuzzer target: UTF-8 decoding, vocabulary building and encoding, JSON and JSONL parsing.
// Properties: valid UTF-8 round-trips through encode/decode; a vocabulary built from a text
// encodes that text and decodes it back; JSON that parses dumps to JSON that parses the same.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "text/utf8.h"
#include "text/vocab.h"
#include "train/examples.h"
#include "util/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  auto cps = recur::utf8_decode(s);
  if (cps) {
    if (recur::utf8_encode(cps.value()) != s) std::abort();
    auto vocab = recur::Vocab::build_checked(s, true);
    if (vocab) {
      auto ids = vocab->encode(s);
      if (!ids || vocab->decode(ids.value()) != s) std::abort();
    }
  }
  auto v = recur::json::parse(s);
  if (v) {
    const std::string once = recur::json::dump(v.value());
    auto w = recur::json::parse(once);
    if (!w || recur::json::dump(w.value()) != once) std::abort();
  }
  auto rows = recur::parse_jsonl(std::string(s), recur::Task::kTagger, "fuzz");
  (void)rows;
  return 0;
}
