// Text generation from an lm: feed a prompt, then sample one symbol at a time and feed it back.
// One code path for the CLI and the JavaScript API; pieces come out one symbol at a time so
// callers can stream them and stop whenever they like.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/model.h"
#include "model/network.h"
#include "sampling/sampler.h"
#include "text/vocab.h"

namespace recur {

/// Longest generation accepted in one call, in symbols.
constexpr int64_t kMaxGenerateLength = 10'000'000;
/// Longest prompt accepted, in characters (code points). A prompt is read one symbol at a time
/// (about 5 s for 100,000 symbols of a 2 x 256 LSTM in wasm), so a longer one would look like a hang.
constexpr size_t kMaxPromptChars = 100'000;

struct GenerateOptions {
  std::string prompt;   // may be empty: generation starts from the zero state
  int64_t length = 200; // symbols to generate, 1..kMaxGenerateLength
  SampleOptions sample;
  std::string stop;     // if non-empty, stop once the output ends with it (the stop text is included)
  /// Never emit "<unk>" or U+FFFD (whichever of the two the vocabulary has): their logits become
  /// -inf before each draw, so temperature / top-k / top-p share the mass among the other symbols.
  /// Our corpora map rare characters to U+FFFD, an ordinary trained symbol meaning "some rare
  /// character", and "<unk>" prints as U+FFFD too: in a sample either reads as garbage. The
  /// prompt may still contain them; it is fed as usual.
  bool avoid_unknown = false;
  /// The stepper's arithmetic (model/precision.h).
  Precision precision = Precision::kFloat32;
  /// Independent samples drawn side by side, 1..kMaxGenerateCount: each step's products read the
  /// weights from memory once for all of them. The prompt is read once. Sample i draws with
  /// seed + i: at int8 it is the text one sample with that seed gives; at float32 the products
  /// of several streams sum in another order, so it is the same up to float rounding (a draw
  /// that falls within rounding of a boundary can differ, and the texts part from there).
  int count = 1;
};

/// Most samples one generation draws side by side. (From 64 rows, linear() transposes each
/// weight matrix first: a cost per step, not per sample.)
constexpr int kMaxGenerateCount = 32;

Status validate(const GenerateOptions& o);

class Generator {
 public:
  /// Validates the options, encodes the prompt with the model's vocabulary and feeds it (to every
  /// sample). The model must be a unidirectional lm and must outlive the generator.
  static Result<Generator> create(const Model<float>& model, const GenerateOptions& o);

  /// Draws and feeds the next symbol of every sample; pieces() then holds their texts (UTF-8), ""
  /// for a sample that has met its stop text. Call while !done(). Allocates nothing per step.
  Status next_all();
  const std::vector<std::string>& pieces() const { return pieces_; }
  /// next_all() of a one-sample generator: the next symbol's text.
  Result<std::string> next();
  bool done() const { return produced_ >= opt_.length || running_ == 0; }
  int64_t produced() const { return produced_; }
  int count() const { return opt_.count; }
  /// The model's parameters changed in place (training between two pieces): forget the
  /// stepper's folded rows. The state carries on.
  void params_changed() { stepper_.params_changed(); }
  /// Probabilities sample 0's next symbol will be drawn from, before temperature / top-k / top-p
  /// and before avoid_unknown (V): the model's own distribution.
  std::vector<float> next_distribution() const;

 private:
  Generator(const Model<float>& m, GenerateOptions o);

  const Model<float>* model_;
  GenerateOptions opt_;
  Stepper<float> stepper_;
  std::vector<Sampler> samplers_;  // one per sample
  std::vector<float> logits_;      // (count, V) distribution for the next symbols, as logits
  std::vector<int32_t> ids_;       // (count) the symbols drawn this step
  std::vector<int32_t> avoid_;     // ids never drawn: <unk> and U+FFFD under avoid_unknown
  std::vector<std::string> pieces_;// per sample, the text of the last symbol drawn
  std::vector<std::string> tails_; // per sample, the last few bytes of output, to spot the stop text
  std::vector<char> stopped_;      // per sample
  int running_ = 0;                // samples not stopped
  int64_t produced_ = 0;
};

}  // namespace recur
