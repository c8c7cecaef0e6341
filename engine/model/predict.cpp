// predict(): encode, one forward pass, softmax per row.
#include "model/predict.h"

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
  const int T = int(ids->size());
  net.forward(m.params, ids->data(), T, 1, nullptr, nullptr, false, nullptr);
  Prediction p;
  p.rows = net.logit_rows();
  p.cols = output_size(m.config);
  p.probs.resize(size_t(p.rows) * p.cols);
  softmax_rows(net.logits(), p.rows, p.cols, p.probs.data());
  p.symbols = m.config.task == Task::kLm ? &m.vocab : &m.labels;
  return p;
}

}  // namespace recur
