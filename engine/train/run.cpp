// TrainingRun (run.h): the step loop, the validation schedule, early stopping and keep-best.
#include "train/run.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace recur {

Result<TrainingRun> TrainingRun::create(Trainer& trainer, const RunConfig& cfg, Validation val) {
  if (cfg.steps < 1) return bad_option("steps", "must be at least 1, got " + std::to_string(cfg.steps));
  if (cfg.eval_every < 0) return bad_option("eval_every", "must be 0 or more, got " + std::to_string(cfg.eval_every));
  if (cfg.patience < 0) return bad_option("patience", "must be 0 or more, got " + std::to_string(cfg.patience));
  const bool has_val = !val.empty(trainer.model().config);
  if (cfg.keep_best && !has_val) return invalid_argument("keeping the best weights needs validation data");
  if (cfg.patience > 0 && !has_val) return invalid_argument("early stopping needs validation data");
  if (!val.starts.empty() && val.starts.size() != val.ids.size())
    return invalid_argument("validation entry starts: " + std::to_string(val.starts.size()) + " flags for " +
                            std::to_string(val.ids.size()) + " symbols");
  RECUR_RETURN_IF_ERROR(
      check_window(trainer.model().config, longest_example(val.examples), "the longest validation example"));
  return TrainingRun(trainer, cfg, std::move(val));
}

EvalResult TrainingRun::validate() const {
  if (model_->config.task == Task::kLm)
    return evaluate_lm(*model_, val_.ids, 256, 32, val_.starts.empty() ? nullptr : &val_.starts);
  return evaluate_examples(*model_, val_.examples, 32);
}

Result<RunProgress> TrainingRun::advance(int64_t max_steps) {
  RunProgress p;
  if (max_steps < 1) return out_of_range("advance needs at least 1 step, got " + std::to_string(max_steps));
  if (done_) {
    p.step = steps_done();
    p.done = true;
    return p;
  }
  const bool has_val = !val_.empty(model_->config);
  for (int64_t i = 0; i < max_steps; ++i) {
    auto r = trainer_->step();
    if (!r) {
      done_ = true;
      finish();
      return r.status();
    }
    p.last = r.value();
    p.symbols += r->symbols;
    p.step = steps_done();
    const bool last = p.step >= cfg_.steps;
    const bool due = last || (cfg_.eval_every > 0 && p.step % cfg_.eval_every == 0);
    if (due && has_val) {
      p.validated = true;
      p.validation = validate();
      const double loss = p.validation.loss;
      if (std::isfinite(loss) && (best_step_ == 0 || loss < best_.loss)) {  // NaN or inf is never the best
        p.best = true;
        best_ = p.validation;
        best_step_ = p.step;
        since_best_ = 0;
        if (cfg_.keep_best) best_weights_ = model_->params.data;
      }
      if (!p.best && cfg_.patience > 0 && ++since_best_ >= cfg_.patience) p.stopped_early = true;
    }
    if (last || p.stopped_early) {
      done_ = p.done = true;
      break;
    }
    if (p.validated) break;
  }
  return p;
}

bool TrainingRun::finish() {
  if (!cfg_.keep_best || best_weights_.empty()) return false;
  std::copy(best_weights_.begin(), best_weights_.end(), model_->params.data.begin());
  return true;
}

}  // namespace recur
