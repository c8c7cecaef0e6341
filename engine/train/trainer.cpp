// Training loops and evaluation (see trainer.h).
#include "train/trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "layers/softmax.h"

namespace recur {

Status validate(const TrainConfig& c) {
  auto whole = [](const char* what, int64_t v, int64_t lo, int64_t hi) -> Status {
    if (v >= lo && v <= hi) return Status::ok();
    return bad_option(what, "must be a whole number between " + std::to_string(lo) + " and " + std::to_string(hi) +
                                ", got " + std::to_string(v));
  };
  auto real = [](const char* what, double v, bool ok, const char* expected) -> Status {
    if (std::isfinite(v) && ok) return Status::ok();
    char got[32];
    std::snprintf(got, sizeof got, "%g", v);
    return bad_option(what, std::string("must be ") + expected + ", got " + got);
  };
  const Schedule& s = c.schedule;
  const OptimConfig& o = c.optim;
  for (const Status& st : {whole("seq_len", c.seq_len, 1, 1 << 16),
                           whole("batch", c.batch, 1, 1 << 16),
                           real("lr", s.lr, s.lr > 0, "a finite number > 0"),
                           real("clip", c.clip, c.clip >= 0, "a finite number >= 0 (0 turns clipping off)"),
                           real("momentum", o.momentum, o.momentum >= 0 && o.momentum <= 1, "a number in [0, 1]"),
                           real("weight_decay", o.weight_decay, o.weight_decay >= 0 && o.weight_decay <= 1,
                                "a number in [0, 1]"),
                           whole("warmup", s.warmup, 0, int64_t(1) << 40),
                           whole("step_size", s.step_size, 1, int64_t(1) << 40),
                           real("gamma", s.gamma, s.gamma > 0, "a finite number > 0"),
                           whole("total_steps", s.total_steps, 1, int64_t(1) << 40)})
    if (!st) return st;
  return Status::ok();
}

Trainer::Trainer(Model<float>& model, const TrainConfig& cfg)
    : model_(model), cfg_(cfg), net_(model.config), grads_(model.config), opt_(cfg.optim, model.params.size()),
      rng_(cfg.seed) {}

Status Trainer::set_text(std::vector<int32_t> ids, std::vector<uint8_t> starts) {
  if (model_.config.task != Task::kLm) return invalid_argument("set_text: the model is not an lm");
  if (cfg_.seq_len < 1 || cfg_.batch < 1)
    return invalid_argument("seq_len and batch must be >= 1, got " + std::to_string(cfg_.seq_len) + " and " +
                            std::to_string(cfg_.batch));
  if (int64_t(ids.size()) < int64_t(cfg_.seq_len) + 1)
    return invalid_argument("training text has " + std::to_string(ids.size()) +
                            " symbols: need at least seq_len + 1 = " + std::to_string(cfg_.seq_len + 1));
  for (int32_t id : ids)
    if (id < 0 || id >= model_.config.vocab_size) return out_of_range("symbol id " + std::to_string(id) + " out of range");
  if (!starts.empty() && starts.size() != ids.size())
    return invalid_argument("entry starts: " + std::to_string(starts.size()) + " flags for " +
                            std::to_string(ids.size()) + " symbols");
  if (!starts.empty() && model_.config.bidirectional)
    return invalid_argument("entry starts need a unidirectional model");
  const int64_t usable = int64_t(ids.size()) - 1;  // the last symbol is only a target
  const int streams = int(std::max<int64_t>(1, std::min<int64_t>(cfg_.batch, usable / cfg_.seq_len)));
  RECUR_RETURN_IF_ERROR(check_window(model_.config, cfg_.seq_len, "seq_len"));
  RECUR_RETURN_IF_ERROR(check_memory(cfg_.seq_len, streams));
  text_ = std::move(ids);
  starts_ = std::move(starts);
  streams_ = streams;
  stream_len_ = usable / streams_;
  pos_ = 0;
  carry_.resize(model_.config, streams_);
  return Status::ok();
}

Status Trainer::set_examples(std::vector<Example> examples) {
  const Config& c = model_.config;
  if (c.task == Task::kLm) return invalid_argument("set_examples: the model is an lm; use set_text");
  if (examples.empty()) return invalid_argument("no training examples");
  for (size_t i = 0; i < examples.size(); ++i) {
    const Example& e = examples[i];
    const std::string where = "example " + std::to_string(i) + ": ";
    if (e.ids.empty()) return invalid_argument(where + "empty text");
    for (int32_t id : e.ids)
      if (id < 0 || id >= c.vocab_size) return out_of_range(where + "symbol id " + std::to_string(id) + " out of range");
    const size_t want = c.task == Task::kTagger ? e.ids.size() : 1;
    if (e.labels.size() != want)
      return invalid_argument(where + "has " + std::to_string(e.labels.size()) + " labels, expected " +
                              std::to_string(want));
    for (int32_t l : e.labels)
      if (l < -1 || l >= c.num_labels) return out_of_range(where + "label id " + std::to_string(l) + " out of range");
  }
  const int64_t longest = longest_example(examples);
  RECUR_RETURN_IF_ERROR(check_window(c, longest, "the longest training example"));
  RECUR_RETURN_IF_ERROR(check_memory(longest, int64_t(std::min<size_t>(cfg_.batch, examples.size()))));
  examples_ = std::move(examples);
  order_.resize(examples_.size());
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
  next_ = order_.size();  // shuffle on the first step
  return Status::ok();
}

int fitting_batch(const Config& c, int64_t steps, int batch) {
  while (batch > 1 && activation_bytes(c, steps, batch) > kMaxActivationBytes) batch /= 2;
  return batch;
}

int64_t longest_example(const std::vector<Example>& examples) {
  size_t longest = 0;
  for (const Example& e : examples) longest = std::max(longest, e.ids.size());
  return int64_t(longest);
}

Status Trainer::check_memory(int64_t steps, int64_t batch) const {
  const int64_t need = activation_bytes(model_.config, steps, batch);
  if (need > kMaxActivationBytes)
    return out_of_range("a training step of " + std::to_string(batch) + " sequences x " + std::to_string(steps) +
                        " steps needs " + std::to_string(need >> 20) + " MB of activations: the limit is " +
                        std::to_string(kMaxActivationBytes >> 20) + " MB; use a smaller batch or shorter sequences");
  return Status::ok();
}

int64_t Trainer::symbols_per_step() const {
  if (model_.config.task == Task::kLm) return int64_t(streams_) * cfg_.seq_len;
  return int64_t(std::min<size_t>(cfg_.batch, examples_.size()));
}

int make_batch(const Config& c, const std::vector<Example>& ex, const size_t* idx, int B, std::vector<int32_t>& ids,
               std::vector<int32_t>& lengths, std::vector<int32_t>& targets) {
  int T = 0;
  for (int b = 0; b < B; ++b) T = std::max(T, int(ex[idx[b]].ids.size()));
  ids.assign(size_t(T) * B, 0);
  lengths.assign(B, 0);
  targets.assign(c.task == Task::kClassifier ? size_t(B) : size_t(T) * B, -1);
  for (int b = 0; b < B; ++b) {
    const Example& e = ex[idx[b]];
    lengths[b] = int(e.ids.size());
    for (int t = 0; t < lengths[b]; ++t) {
      ids[size_t(t) * B + b] = e.ids[t];
      if (c.task == Task::kTagger) targets[size_t(t) * B + b] = e.labels[t];
    }
    if (c.task == Task::kClassifier) targets[b] = e.labels[0];
  }
  return T;
}

Result<StepResult> Trainer::step() {
  const Config& c = model_.config;
  const int out = output_size(c);
  int T = 0, B = 0;
  const State<float>* init = nullptr;
  if (c.task == Task::kLm) {
    if (text_.empty()) return invalid_argument("no training text: call set_text first");
    if (pos_ + 1 > stream_len_) {  // end of an epoch: start over from the zero state
      pos_ = 0;
      carry_.zero();
    }
    T = int(std::min<int64_t>(cfg_.seq_len, stream_len_ - pos_));
    B = streams_;
    ids_.resize(size_t(T) * B);
    targets_.resize(size_t(T) * B);
    for (int t = 0; t < T; ++t)
      for (int b = 0; b < B; ++b) {
        const size_t at = size_t(b) * stream_len_ + pos_ + t;
        ids_[size_t(t) * B + b] = text_[at];
        targets_[size_t(t) * B + b] = text_[at + 1];
      }
    lengths_.assign(B, T);
    if (!starts_.empty()) {
      resets_.resize(size_t(T) * B);
      for (int t = 0; t < T; ++t)
        for (int b = 0; b < B; ++b) resets_[size_t(t) * B + b] = starts_[size_t(b) * stream_len_ + pos_ + t];
    }
    init = cfg_.carry_state ? &carry_ : nullptr;
  } else {
    if (examples_.empty()) return invalid_argument("no training examples: call set_examples first");
    B = int(std::min<size_t>(cfg_.batch, examples_.size()));
    if (next_ + B > order_.size()) {  // new epoch: Fisher-Yates with our own Rng (portable)
      for (size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[rng_.below(i + 1)]);
      next_ = 0;
    }
    T = make_batch(c, examples_, order_.data() + next_, B, ids_, lengths_, targets_);
    next_ += B;
  }

  const bool resets = c.task == Task::kLm && !starts_.empty();
  net_.forward(model_.params, ids_.data(), T, B, lengths_.data(), init, true, &rng_, resets ? resets_.data() : nullptr);
  const int rows = net_.logit_rows();
  dlogits_.resize(size_t(rows) * out);
  int64_t count = 0;
  for (int r = 0; r < rows; ++r) count += targets_[r] >= 0;
  if (count == 0) return invalid_argument("batch has no labelled position to train on");
  const XentResult x = softmax_xent(net_.logits(), rows, out, targets_.data(), dlogits_.data(), double(count));
  StepResult res;
  res.loss = x.loss_sum / double(count);
  res.symbols = count;
  res.lr = cfg_.schedule.at(step_);
  const std::string at_step = "training diverged at step " + std::to_string(step_ + 1) + ": ";
  const std::string restored = "; the weights are back to the last ones that gave a finite loss (try a lower learning rate)";
  if (!std::isfinite(res.loss)) {
    // The previous update produced these weights: they are finite but already useless.
    if (!last_good_.empty()) std::copy(last_good_.begin(), last_good_.end(), model_.params.data.begin());
    return Status(ErrorCode::kDiverged, at_step + "loss is " + std::to_string(res.loss) + restored);
  }
  std::fill(grads_.data.begin(), grads_.data.end(), 0.0f);
  net_.backward(model_.params, dlogits_.data(), grads_);
  res.grad_norm = clip_grad_norm(grads_, cfg_.clip);
  if (!std::isfinite(res.grad_norm))
    return Status(ErrorCode::kDiverged, at_step + "gradient norm is not finite" + restored);
  last_good_.assign(model_.params.data.begin(), model_.params.data.end());  // they just gave a finite loss
  opt_.step(model_.params, grads_, res.lr);
  for (float w : model_.params.data)
    if (!std::isfinite(w)) {
      std::copy(last_good_.begin(), last_good_.end(), model_.params.data.begin());
      return Status(ErrorCode::kDiverged, at_step + "the update made a weight non-finite" + restored);
    }
  if (c.task == Task::kLm) {
    if (cfg_.carry_state) carry_ = net_.final_state();
    pos_ += T;
  }
  ++step_;
  return res;
}

namespace {

// Loss and argmax accuracy summed over evaluation batches.
struct Tally {
  double loss = 0;
  int64_t count = 0, correct = 0;
  EvalResult result() const {
    EvalResult r;
    r.count = count;
    if (count) {
      r.loss = loss / double(count);
      r.accuracy = double(correct) / double(count);
    }
    return r;
  }
};

void score(const float* logits, int rows, int out, const int32_t* targets, Tally& t) {
  const XentResult x = softmax_xent(logits, rows, out, targets, static_cast<float*>(nullptr), 1.0);
  t.loss += x.loss_sum;
  t.count += x.count;
  for (int row = 0; row < rows; ++row) {
    if (targets[row] < 0) continue;
    const float* l = logits + size_t(row) * out;
    t.correct += int(std::max_element(l, l + out) - l) == targets[row];
  }
}

}  // namespace

std::vector<uint8_t> entry_starts(const std::vector<int32_t>& ids, int32_t newline) {
  std::vector<uint8_t> starts(ids.size(), 0);
  for (size_t i = 0; i < ids.size(); ++i)
    starts[i] = ids[i] != newline && (i == 0 || (i >= 2 && ids[i - 1] == newline && ids[i - 2] == newline));
  return starts;
}

std::vector<uint8_t> pick_entry_resets(std::vector<uint8_t> starts, double keep, double blank, Rng& rng) {
  for (size_t i = 0; i < starts.size(); ++i) {
    if (!starts[i]) continue;
    if (rng.uniform() >= keep) {
      starts[i] = 0;
    } else if (blank > 0 && rng.uniform() < blank && i >= 2) {
      starts[i] = 0;
      starts[i - 2] = 1;
    }
  }
  return starts;
}

EvalResult evaluate_lm(const Model<float>& m, const std::vector<int32_t>& ids, int seq_len, int streams,
                       const std::vector<uint8_t>* starts) {
  if (ids.size() < 2) return EvalResult();
  const int64_t usable = int64_t(ids.size()) - 1;
  if (is_transformer(m.config)) {
    seq_len = std::min(seq_len, m.config.max_len);
    streams = fitting_batch(m.config, seq_len, streams);
  }
  const int B = int(std::max<int64_t>(1, std::min<int64_t>(streams, usable / std::max(1, seq_len))));
  const int64_t len = usable / B;
  Network<float> net(m.config);
  State<float> state;
  state.resize(m.config, B);
  std::vector<int32_t> in, tg;
  std::vector<uint8_t> rs;
  const bool resets = starts && starts->size() == ids.size();
  const int out = output_size(m.config);
  Tally tally;
  for (int64_t pos = 0; pos < len; pos += seq_len) {
    const int T = int(std::min<int64_t>(seq_len, len - pos));
    in.resize(size_t(T) * B);
    tg.resize(size_t(T) * B);
    rs.resize(resets ? size_t(T) * B : 0);
    for (int t = 0; t < T; ++t)
      for (int b = 0; b < B; ++b) {
        in[size_t(t) * B + b] = ids[size_t(b) * len + pos + t];
        tg[size_t(t) * B + b] = ids[size_t(b) * len + pos + t + 1];
        if (resets) rs[size_t(t) * B + b] = (*starts)[size_t(b) * len + pos + t];
      }
    net.forward(m.params, in.data(), T, B, nullptr, &state, false, nullptr, resets ? rs.data() : nullptr);
    state = net.final_state();
    score(net.logits(), T * B, out, tg.data(), tally);
  }
  return tally.result();
}

EvalResult evaluate_examples(const Model<float>& m, const std::vector<Example>& examples, int batch) {
  Network<float> net(m.config);
  std::vector<size_t> idx(examples.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::vector<int32_t> ids, lengths, tg;
  const int out = output_size(m.config);
  // A Transformer's attention weights grow with the square of the length: batches that fit.
  if (is_transformer(m.config)) batch = fitting_batch(m.config, longest_example(examples), batch);
  Tally tally;
  for (size_t i = 0; i < examples.size(); i += batch) {
    const int B = int(std::min<size_t>(batch, examples.size() - i));
    const int T = make_batch(m.config, examples, idx.data() + i, B, ids, lengths, tg);
    net.forward(m.params, ids.data(), T, B, lengths.data(), nullptr, false, nullptr);
    score(net.logits(), net.logit_rows(), out, tg.data(), tally);
  }
  return tally.result();
}

}  // namespace recur
