// predict(): encode, forward (in chunks for unidirectional models), softmax per row.
#include "model/predict.h"

#include <algorithm>

#include "layers/softmax.h"
#include "model/network.h"
#include "text/vocab.h"

namespace recur {

Result<Prediction> predict(const Model<float>& m, std::string_view text) {
  if (text.empty()) return invalid_argument("text is empty: predict needs at least one character");
  if (text.size() > kMaxPredictBytes)
    return out_of_range("text is " + std::to_string(text.size()) + " bytes: the limit is " +
                        std::to_string(kMaxPredictBytes));
  auto vocab = Vocab::from_symbols(m.vocab);
  if (!vocab) return vocab.status();
  auto ids = vocab->encode(text);
  if (!ids) return ids.status();
  Network<float> net(m.config);
  Prediction p;
  p.cols = output_size(m.config);
  const int T = int(ids->size());
  const int64_t out_rows = m.config.task == Task::kClassifier ? 1 : T;
  if (out_rows * p.cols > kMaxActivationBytes / int64_t(sizeof(float)))
    return out_of_range("text of " + std::to_string(T) + " characters would give " + std::to_string(out_rows) + " x " +
                        std::to_string(p.cols) + " probabilities: at most " +
                        std::to_string(kMaxActivationBytes / int64_t(sizeof(float)) / p.cols) + " characters per call");
  if (m.config.bidirectional) {
    // Both directions need the whole text at once.
    if (activation_bytes(m.config, T, 1) > kMaxActivationBytes)
      return out_of_range("text of " + std::to_string(T) + " characters is too long for a bidirectional model: at most " +
                          std::to_string(kMaxActivationBytes / activation_bytes(m.config, 1, 1)) + " fit in memory");
    net.forward(m.params, ids->data(), T, 1, nullptr, nullptr, false, nullptr);
    p.rows = net.logit_rows();
    p.probs.resize(size_t(p.rows) * p.cols);
    softmax_rows(net.logits(), p.rows, p.cols, p.probs.data());
  } else {
    // A unidirectional model reads long texts in chunks with the state carried over: the same
    // numbers as one pass, in bounded memory.
    constexpr int kChunk = 1024;
    p.rows = m.config.task == Task::kClassifier ? 1 : T;
    p.probs.resize(size_t(p.rows) * p.cols);
    State<float> state;
    for (int t0 = 0; t0 < T; t0 += kChunk) {
      const int n = std::min(kChunk, T - t0);
      net.forward(m.params, ids->data() + t0, n, 1, nullptr, t0 ? &state : nullptr, false, nullptr);
      state = net.final_state();
      float* out = p.probs.data() + (m.config.task == Task::kClassifier ? 0 : size_t(t0) * p.cols);
      softmax_rows(net.logits(), net.logit_rows(), p.cols, out);
    }
  }
  p.symbols = m.config.task == Task::kLm ? &m.vocab : &m.labels;
  return p;
}

}  // namespace recur
