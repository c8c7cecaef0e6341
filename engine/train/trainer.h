// Training loops. lm: B parallel streams over one text, chunks of T symbols, truncated BPTT with
// the state carried from chunk to chunk (detached); optionally the state is reset to zero at each
// entry start, so that the zero state generation begins from is one the model was trained on.
// tagger / classifier: shuffled mini-batches of whole labelled sequences, padded and masked, full
// BPTT. Loss: mean cross-entropy per counted symbol; clipping by global norm; Adam or SGD; a
// learning-rate schedule. Seeded throughout.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "model/model.h"
#include "model/network.h"
#include "train/optim.h"

namespace recur {

struct TrainConfig {
  int seq_len = 64;  // T: lm chunk length
  int batch = 32;    // B
  OptimConfig optim;
  Schedule schedule;
  float clip = 5.0f;  // global gradient-norm limit; <= 0 disables
  uint64_t seed = 0;
  bool carry_state = true;  // lm: carry the state across chunks (truncated BPTT)
};

/// Checks every range of a training configuration, once for all callers (the CLI, the bindings):
/// seq_len and batch 1..65536; lr > 0; clip >= 0; momentum and weight decay in [0, 1];
/// schedule warmup >= 0, step size >= 1, gamma > 0, total steps >= 1; all finite.
Status validate(const TrainConfig& c);

/// A labelled sequence: tagger labels per position (-1 = not scored), classifier one label.
struct Example {
  std::vector<int32_t> ids;
  std::vector<int32_t> labels;
};

struct StepResult {
  double loss = 0;  // mean cross-entropy in nats per scored symbol
  int64_t symbols = 0;
  double grad_norm = 0;  // before clipping
  float lr = 0;
};

struct EvalResult {
  double loss = 0;  // mean nats per scored symbol
  int64_t count = 0;
  double accuracy = 0;  // argmax == target
  double bits() const { return loss / 0.69314718055994530942; }
};

class Trainer {
 public:
  /// The model is updated in place and must outlive the trainer.
  Trainer(Model<float>& model, const TrainConfig& cfg);

  /// lm data: the whole text as ids. Needs at least seq_len + 1 symbols. starts (empty, or one
  /// flag per symbol, e.g. from entry_starts()): the state is zero before each flagged symbol.
  Status set_text(std::vector<int32_t> ids, std::vector<uint8_t> starts = {});
  /// tagger / classifier data.
  Status set_examples(std::vector<Example> examples);

  /// One optimiser step. A non-finite loss, gradient or updated weight stops with
  /// ErrorCode::kDiverged naming the step, and restores the last weights that gave a finite loss.
  Result<StepResult> step();

  /// The schedule's length, once it is known (e.g. from epochs x steps per epoch).
  void set_total_steps(int64_t total) { cfg_.schedule.total_steps = total; }
  int64_t steps_done() const { return step_; }
  /// The model this trainer updates.
  Model<float>& model() const { return model_; }
  /// lm: parallel streams actually used (fewer than batch when the text is short).
  int streams() const { return streams_; }
  /// What one step consumes: lm, symbols (streams * seq_len); tagger / classifier, examples.
  int64_t symbols_per_step() const;

 private:
  Status check_memory(int64_t steps, int64_t batch) const;

  Model<float>& model_;
  TrainConfig cfg_;
  Network<float> net_;
  Params<float> grads_;
  Optimizer opt_;
  Buffer<float> last_good_;  // weights before the last update: they gave a finite loss
  Rng rng_;
  int64_t step_ = 0;
  // lm
  std::vector<int32_t> text_;
  std::vector<uint8_t> starts_;  // per symbol, or empty
  int streams_ = 0;
  int64_t stream_len_ = 0, pos_ = 0;
  State<float> carry_;
  // tagger / classifier
  std::vector<Example> examples_;
  std::vector<size_t> order_;
  size_t next_ = 0;
  // batch buffers
  std::vector<int32_t> ids_, lengths_, targets_;
  std::vector<uint8_t> resets_;  // lm with starts: (T*B)
  Buffer<float> dlogits_;
};

/// Entry starts of a text whose entries are separated by blank lines: flags the first symbol after
/// each run of two or more newlines (and the text's first symbol), one flag per symbol.
std::vector<uint8_t> entry_starts(const std::vector<int32_t>& ids, int32_t newline);
/// The resets of a training text, from its entry_starts(): each start is kept with probability
/// `keep` (one draw per start, in order); of the kept ones past the first two symbols, a share
/// `blank` (a second draw, made only when blank > 0) moves two symbols back, onto the blank line
/// before the entry, so that the model also learns to read a blank line from the zero state.
std::vector<uint8_t> pick_entry_resets(std::vector<uint8_t> starts, double keep, double blank, Rng& rng);

/// batch, halved until a pass of batch x steps fits kMaxActivationBytes (at least 1: validate()
/// guarantees one full window fits).
int fitting_batch(const Config& c, int64_t steps, int batch);
/// Longest example's length.
int64_t longest_example(const std::vector<Example>& examples);

/// Mean cross-entropy of an lm over a text: `streams` contiguous segments, each read from the zero
/// state in chunks of seq_len with the state carried (and reset before each flagged symbol of
/// starts, if given: one flag per symbol, a unidirectional model). Every symbol after a segment's
/// first is scored. A Transformer has no state to carry: it reads each chunk (at most max_len)
/// from an empty context.
EvalResult evaluate_lm(const Model<float>& m, const std::vector<int32_t>& ids, int seq_len, int streams,
                       const std::vector<uint8_t>* starts = nullptr);
/// Loss and accuracy of a tagger / classifier over examples, in batches. For a Transformer, no
/// example may be longer than max_len (check_window).
EvalResult evaluate_examples(const Model<float>& m, const std::vector<Example>& examples, int batch);

/// Builds a padded time-major batch: ids (T*B, padding 0), lengths (B), targets (tagger (T*B) or
/// classifier (B), -1 where not scored). Returns T.
int make_batch(const Config& c, const std::vector<Example>& ex, const size_t* idx, int B, std::vector<int32_t>& ids,
               std::vector<int32_t>& lengths, std::vector<int32_t>& targets);

}  // namespace recur
