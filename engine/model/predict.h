// Per-position output distributions for a text: what `recur probs` prints and model.predict()
// returns in JavaScript. lm: the next-symbol distribution after each position; tagger: the label
// distribution at each position; classifier: one distribution for the whole text.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "layers/embedding_fold.h"
#include "model/model.h"
#include "model/network.h"
#include "model/precision.h"
#include "text/vocab.h"

namespace recur {

/// Longest text predict() accepts, in characters (code points). The output may bound it lower:
/// at most kMaxActivationBytes of probabilities per call.
constexpr int64_t kMaxPredictChars = int64_t(4) << 20;

struct Prediction {
  int rows = 0, cols = 0;
  std::vector<float> probs;                 // (rows, cols)
  const std::vector<std::string>* symbols;  // column names: vocab (lm) or labels
};

/// Encodes text with the model's vocabulary (errors name a character that has no id and no
/// "<unk>" to fall back on) and runs the whole sequence in one batch.
Result<Prediction> predict(const Model<float>& m, std::string_view text);

/// predict() for repeated calls on one model (a page tagging each keystroke): keeps everything
/// that does not depend on the text between calls — layer 0's folded
/// embedding and all buffers. Unidirectional models run chunks of the text layer by layer through
/// cell_infer_seq: the input projection of a chunk as one product (layer 0: folded
/// rows), then one GEMV on W_hh per step. Bidirectional models and Transformers take Network's
/// batched path (a Transformer: texts of at most max_len characters).
/// Holds no pointer to the model: pass the same model to every call, and call params_changed()
/// after its parameters change (training).
/// At Precision::kInt8 the recurrent product of each step uses int8 weights (model/precision.h);
/// bidirectional models ignore it.
class Predictor {
 public:
  explicit Predictor(const Model<float>& m, Precision precision = Precision::kFloat32);
  Result<Prediction> run(const Model<float>& m, std::string_view text);
  /// The same on ids (each in 0..V-1, validated here).
  Result<Prediction> run_ids(const Model<float>& m, std::vector<int32_t> ids);

  /// run() in steps, so that a caller can report progress or stop between them: start() makes
  /// run()'s checks and sizes the output, each advance() reads up to `positions` more characters,
  /// take() hands the prediction over once done(). A bidirectional model reads the whole text in
  /// start(): both of its directions need all of it.
  Status start(const Model<float>& m, std::string_view text);
  Status start_ids(const Model<float>& m, std::vector<int32_t> ids);
  void advance(const Model<float>& m, int64_t positions);
  int64_t position() const { return pos_; }
  int64_t length() const { return int64_t(ids_.size()); }
  bool done() const { return !ids_.empty() && pos_ == length(); }
  Prediction take();
  void params_changed();

 private:
  void forward_unidirectional(const Model<float>& m, int t0, int t1);

  Config cfg_;
  FoldedEmbedding<float> fold_;
  std::vector<SeqCache<float>> caches_;  // per layer: a chunk's gates and outputs
  Buffer<float> x_;                      // layer 0's input rows (chunk, E) when not folded
  std::vector<const float*> rows_;       // layer 0's folded rows, one per step of a chunk
  Buffer<float> logits_;                 // (chunk, out)
  State<float> state_;
  Precision precision_;
  Int8Weights int8_;                     // int8 precision: the W_hh of each layer
  std::unique_ptr<Network<float>> net_;  // bidirectional models
  std::vector<int32_t> ids_;             // the text being read
  int64_t pos_ = 0;                      // characters of ids_ read so far
  Prediction out_;
};

}  // namespace recur
