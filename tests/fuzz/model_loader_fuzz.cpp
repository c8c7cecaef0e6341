// libFuzzer target: the safetensors loader (header, metadata, config, vocabulary, tensors).
// Properties beyond "no crash": a file that loads saves and reloads to the same bytes, and a
// small loaded model runs predict() without trouble.
#include <cstdint>
#include <cstdlib>

#include "model/predict.h"
#include "model/serialize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto m = recur::load_safetensors(data, size);
  if (!m) {
    if (m.status().message().empty()) std::abort();  // every refusal must say why
    return 0;
  }
  const std::vector<uint8_t> saved = recur::save_safetensors(m.value());
  auto again = recur::load_safetensors(saved.data(), saved.size());
  if (!again || recur::save_safetensors(again.value()) != saved) std::abort();
  if (recur::parameter_count(m->config) < 20000) {
    auto p = recur::predict(m.value(), "ab");
    (void)p;  // may fail (e.g. no such symbol without <unk>) but must not crash
  }
  return 0;
}
