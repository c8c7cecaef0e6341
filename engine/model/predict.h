// Per-position output distributions for a text: what `recur probs` prints and model.predict()
// returns in JavaScript. lm: the next-symbol distribution after each position; tagger: the label
// distribution at each position; classifier: one distribution for the whole text.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "model/model.h"

namespace recur {

/// Longest text predict() accepts, in bytes of UTF-8.
constexpr size_t kMaxPredictBytes = size_t(4) << 20;

struct Prediction {
  int rows = 0, cols = 0;
  std::vector<float> probs;                 // (rows, cols)
  const std::vector<std::string>* symbols;  // column names: vocab (lm) or labels
};

/// Encodes text with the model's vocabulary (errors name a character that has no id and no
/// "<unk>" to fall back on) and runs the whole sequence in one batch.
Result<Prediction> predict(const Model<float>& m, std::string_view text);

}  // namespace recur
