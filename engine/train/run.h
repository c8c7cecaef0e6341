// A training run: the loop around Trainer::step() that every caller needs the same way — how many
// steps, when to score held-out data, when to stop early, which weights to keep. Callers drive it
// in slices (advance()), so a command line prints between slices and a page yields to its event
// loop, pauses or stops there; the decisions themselves are made here, once.
#pragma once
#include <cstdint>
#include <vector>

#include "core/error.h"
#include "model/model.h"
#include "train/trainer.h"

namespace recur {

struct RunConfig {
  int64_t steps = 0;       // optimiser steps in all (>= 1)
  int64_t eval_every = 0;  // score the validation data every this many steps and after the last; 0: after the last only
  int patience = 0;        // stop after this many validations in a row without a lower loss; 0: never
  bool keep_best = false;  // keep the weights of the best validation; finish() puts them back
};

/// Held-out data, of the model's kind: an lm's ids (and entry starts, one flag per symbol, or
/// empty), or labelled examples.
struct Validation {
  std::vector<int32_t> ids;
  std::vector<uint8_t> starts;
  std::vector<Example> examples;
  bool empty(const Config& c) const { return c.task == Task::kLm ? ids.size() < 2 : examples.empty(); }
};

/// What one advance() did.
struct RunProgress {
  int64_t step = 0;       // steps done so far
  StepResult last;        // the last step's result
  int64_t symbols = 0;    // consumed by this slice
  bool validated = false; // the slice ended with a validation: validation holds it
  EvalResult validation;
  bool best = false;      // that validation is the lowest so far
  bool done = false;      // the run is over (all steps, or stopped early)
  bool stopped_early = false;
};

class TrainingRun {
 public:
  /// The trainer has its data. Errors: steps < 1, eval_every < 0, patience < 0, keep_best or
  /// patience without validation data.
  static Result<TrainingRun> create(Trainer& trainer, const RunConfig& cfg, Validation val);

  /// Runs up to max_steps (>= 1) steps, ending the slice early at a validation or the end of the
  /// run. A failed step (training diverged) is returned as its error, after the best weights are
  /// put back when keep_best holds some.
  Result<RunProgress> advance(int64_t max_steps);

  bool done() const { return done_; }
  int64_t steps_done() const { return trainer_->steps_done() - start_; }
  /// Step and result of the lowest validation loss so far (step 0: none yet).
  int64_t best_step() const { return best_step_; }
  const EvalResult& best() const { return best_; }
  /// Puts back the best validation's weights when keep_best kept some; returns whether it did.
  bool finish();

  /// Scores the validation data with the model's current weights, with `recur eval`'s and
  /// Model.evaluate()'s settings: lm 32 streams of chunks of 256 (entries reset when starts are
  /// given), examples in batches of 32.
  EvalResult validate() const;

 private:
  TrainingRun(Trainer& t, const RunConfig& c, Validation v)
      : trainer_(&t), model_(&t.model()), cfg_(c), val_(std::move(v)), start_(t.steps_done()) {}

  Trainer* trainer_;
  Model<float>* model_;
  RunConfig cfg_;
  Validation val_;
  int64_t start_;
  bool done_ = false;
  int since_best_ = 0;
  int64_t best_step_ = 0;
  EvalResult best_;
  Buffer<float> best_weights_;
};

}  // namespace recur
