// embind layer: conversion and validation only, no maths. Nothing here throws: a fallible call
// returns "" (ok) or its result, or {error, code} with the engine's ErrorCode, which
// web/lib/recur.js throws as a RecurError. (A JS exception thrown through wasm frames would skip C++
// destructors, and -fexceptions costs a third more wasm.) Arrays leave as copies, never as views
// of wasm memory, which memory growth would detach.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "kernels/parallel.h"
#include "kernels/simd.h"
#include "layers/softmax.h"
#include "model/model.h"
#include "model/network.h"
#include "model/inspect.h"
#include "model/predict.h"
#include "model/serialize.h"
#include "sampling/generator.h"
#include "text/vocab.h"
#include "train/examples.h"
#include "train/init.h"
#include "train/run.h"
#include "train/trainer.h"
#include "util/json.h"

using emscripten::val;

namespace recur::wasm {
namespace {

template <typename T>
val copy_out(const T* data, size_t n, const char* type) {
  return val::global(type).new_(emscripten::typed_memory_view(n, data));  // new TypedArray(view) copies
}

// ErrorCode as the stable string recur.js puts on RecurError.code.
const char* code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kBadFormat: return "bad_format";
    case ErrorCode::kOutOfRange: return "out_of_range";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kDiverged: return "diverged";
  }
  return "invalid_argument";
}

// {error, code, option?}: a failed call. recur.js's check() throws it as a RecurError, or as a
// RangeError naming the option in its JS spelling when the engine says which setting it was.
val error_object(const Status& s) {
  val o = val::object();
  o.set("error", s.message());
  o.set("code", std::string(code_name(s.code())));
  if (!s.option().empty()) o.set("option", std::string(s.option()));
  return o;
}
val error_object(const std::string& message) { return error_object(invalid_argument(message)); }

// A number as JSON writes it (2.5, 1e+300), for messages.
std::string number_text(double v) { return json::dump(json::Value::number(v)); }

Status bad_seed(double seed) {
  return bad_option("seed", "must be an integer between 0 and 2^53 - 1, got " + number_text(seed));
}

// "": a fallible call that succeeded.
val ok() { return val(std::string()); }

Result<std::vector<std::string>> string_array(const std::string& json_text, const char* what) {
  auto v = json::parse(json_text);
  if (!v) return invalid_argument(std::string(what) + ": " + v.status().message());
  if (!v->is_array()) return invalid_argument(std::string(what) + " must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : v->items()) {
    if (!item.is_string()) return invalid_argument(std::string(what) + " must be an array of strings");
    out.push_back(item.as_string());
  }
  return out;
}

// JS numbers into the engine's integer types: whole() is the only check here; the ranges are the
// engine's, so out-of-range values are saturated and still reach its checks as out of range.
bool whole(double v) { return std::isfinite(v) && std::floor(v) == v; }
int saturate_int(double v) { return int(std::clamp(v, -2147483648.0, 2147483647.0)); }
int64_t saturate_i64(double v) { return int64_t(std::clamp(v, -9.2e18, 9.2e18)); }

// JSONL examples encoded with a tagger's or classifier's own vocabulary and labels.
Result<std::vector<Example>> model_examples(const Model<float>& m, const std::string& jsonl, const char* what) {
  auto rows = parse_jsonl(jsonl, m.config.task, what);
  if (!rows) return rows.status();
  return encode_examples(rows.value(), m.vocab, m.labels);
}

std::string strings_json(const std::vector<std::string>& v) {
  std::vector<json::Value> items;
  for (const auto& s : v) items.push_back(json::Value::string(s));
  return json::dump(json::Value::array(std::move(items)));
}

}  // namespace

/// {rows, cols, probs: Float32Array (rows * cols)}.
val prediction_object(const Prediction& p) {
  val o = val::object();
  o.set("rows", p.rows);
  o.set("cols", p.cols);
  o.set("probs", copy_out(p.probs.data(), p.probs.size(), "Float32Array"));
  return o;
}

/// A model plus its batch-1 stepping state.
class WasmModel {
 public:
  val load(const std::string& bytes) {
    auto m = load_safetensors(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (!m) return error_object(m.status());
    return adopt(std::move(m.value()));
  }

  val create(const std::string& config_json, const std::string& vocab_json, const std::string& labels_json,
                     double seed) {
    if (!(seed >= 0 && seed <= 9007199254740991.0) || std::floor(seed) != seed) return error_object(bad_seed(seed));
    auto c = config_from_json(config_json);
    if (!c) return error_object(c.status());
    auto vocab = string_array(vocab_json, "vocab");
    if (!vocab) return error_object(vocab.status());
    auto labels = string_array(labels_json, "labels");
    if (!labels) return error_object(labels.status());
    auto m = create_model(c.value(), std::move(vocab.value()), std::move(labels.value()), uint64_t(seed));
    if (!m) return error_object(m.status());
    return adopt(std::move(m.value()));
  }

  /// The arithmetic of feed(), predict() and generation (model/precision.h), or {error}. Starts a
  /// fresh stepping state.
  val set_precision(const std::string& name) {
    auto p = parse_precision(name);
    if (!p) return error_object(p.status());
    precision_ = p.value();
    if (model_) start_inference();
    return ok();
  }
  std::string precision_text() const { return precision_name(precision_); }
  Precision precision() const { return precision_; }

  bool ready() const { return model_ != nullptr; }
  std::string config_json() const { return model_ ? config_to_json(model_->config) : ""; }
  std::string vocab_json() const { return model_ ? strings_json(model_->vocab.symbols()) : "[]"; }
  std::string labels_json() const { return model_ ? strings_json(model_->labels) : "[]"; }
  double parameter_count() const { return model_ ? double(parameter_count_of()) : 0; }

  val save() const {
    if (!model_) return error_object("no model");
    const std::vector<uint8_t> bytes = save_safetensors(*model_);
    return copy_out(bytes.data(), bytes.size(), "Uint8Array");
  }

  /// {rows, cols, probs: Float32Array (rows * cols)} or {error}.
  val predict_text(const std::string& text) {
    if (!model_) return error_object("no model");
    if (!predictor_) predictor_ = std::make_unique<Predictor>(*model_, precision_);  // kept: a page predicts per keystroke
    auto p = predictor_->run(*model_, text);
    if (!p) return error_object(p.status());
    return prediction_object(p.value());
  }

  void reset() {
    if (stepper_) stepper_->reset(model_->params);
  }

  /// Feeds text through the stepping state; returns the output distribution after its last symbol
  /// (Float32Array), or {error}. Empty text returns the distribution at the current state.
  val feed(const std::string& text) {
    if (!model_) return error_object("no model");
    if (model_->config.bidirectional)
      return error_object("a bidirectional model cannot be fed one symbol at a time: it needs the whole text");
    auto ids = model_->vocab.encode(text);
    if (!ids) return error_object(ids.status());
    for (int32_t id : ids.value()) stepper_->feed(model_->params, id);
    const int out = output_size(model_->config);
    probs_.resize(out);
    softmax_rows(stepper_->logits(), 1, out, probs_.data());
    // A view, which web/lib/recur.js copies at once (slice()) before anything can grow the memory:
    // one JS object per step instead of a global lookup, a view and a copy through embind's val
    // (3.4 -> 2.x us per call in Node 20).
    return val(emscripten::typed_memory_view(probs_.size(), probs_.data()));
  }

  /// A trainer changed the parameters in place: drop what was derived from them.
  void params_changed() {
    ++params_version_;
    if (stepper_) stepper_->params_changed();
    if (predictor_) predictor_->params_changed();
  }
  uint64_t params_version() const { return params_version_; }

  /// {h: Float32Array (H), c: Float32Array (H) for LSTM} of a layer of the stepping state.
  val hidden(int layer) const {
    if (!model_) return error_object("no model");
    if (model_->config.bidirectional) return error_object("a bidirectional model has no stepping state");
    if (is_transformer(model_->config))
      return error_object("a transformer has no recurrent state: it keeps the keys and values of its context (trace() shows its attention)");
    if (layer < 0 || layer >= model_->config.num_layers)
      return error_object("layer " + std::to_string(layer) + " out of range: the model has " +
                          std::to_string(model_->config.num_layers) + " layers");
    const int H = model_->config.hidden_size;
    val o = val::object();
    o.set("h", copy_out(stepper_->state().h_at(layer), H, "Float32Array"));
    if (const float* c = stepper_->state().c_at(layer)) o.set("c", copy_out(c, H, "Float32Array"));
    return o;
  }

  /// {loss (nats per scored symbol), accuracy, count} with the CLI eval's settings (windows of 256,
  /// 32 streams or examples per batch): lm over a text, tagger / classifier over JSONL examples.
  val evaluate(const std::string& data) const {
    if (!model_) return error_object("no model");
    EvalResult r;
    if (model_->config.task == Task::kLm) {
      auto ids = model_->vocab.encode(data);
      if (!ids) return error_object(ids.status());
      if (ids->size() < 2) return error_object("evaluate() needs a text of at least 2 characters");
      r = evaluate_lm(*model_, ids.value(), 256, 32);
    } else {
      auto ex = model_examples(*model_, data, "examples");
      if (!ex) return error_object(ex.status());
      if (ex->empty()) return error_object("evaluate() needs at least one example");
      if (Status st = check_window(model_->config, longest_example(ex.value()), "the longest example"); !st.is_ok())
        return error_object(st);
      r = evaluate_examples(*model_, ex.value(), 32);
    }
    val o = val::object();
    o.set("loss", r.loss);
    o.set("accuracy", r.accuracy);
    o.set("count", double(r.count));
    return o;
  }

  /// LSTM: adds value to the forget-gate bias (train/init.h).
  val add_forget_bias(double value) {
    if (!model_) return error_object("no model");
    const Status s = recur::add_forget_bias(*model_, float(value));
    if (!s) return error_object(s);
    params_changed();
    return ok();
  }

  /// Copies what transfers from another model (train/init.h); the number of parameters copied.
  val init_from(const WasmModel& source) {
    if (!model_ || !source.model()) return error_object("no model");
    auto copied = recur::init_from(*model_, *source.model());
    if (!copied) return error_object(copied.status());
    params_changed();
    return val(double(copied.value()));
  }

  /// {steps, hidden, gates, heads, slots: [{h, c?, gates?, attention?}]}: Float32Arrays of
  /// (steps, hidden), (steps, gates * hidden) and, for a Transformer, (heads, steps, steps); one
  /// slot per layer and direction (model/inspect.h), or {error}.
  val trace_text(const std::string& text) const {
    if (!model_) return error_object("no model");
    auto t = trace(*model_, text);
    if (!t) return error_object(t.status());
    val slots = val::array();
    for (size_t i = 0; i < t->h.size(); ++i) {
      val o = val::object();
      o.set("h", copy_out(t->h[i].data(), t->h[i].size(), "Float32Array"));
      if (i < t->c.size() && !t->c[i].empty()) o.set("c", copy_out(t->c[i].data(), t->c[i].size(), "Float32Array"));
      if (i < t->gate.size() && !t->gate[i].empty())
        o.set("gates", copy_out(t->gate[i].data(), t->gate[i].size(), "Float32Array"));
      if (i < t->attention.size())
        o.set("attention", copy_out(t->attention[i].data(), t->attention[i].size(), "Float32Array"));
      slots.call<void>("push", o);
    }
    val o = val::object();
    o.set("steps", t->steps);
    o.set("hidden", t->hidden);
    o.set("gates", t->gates);
    o.set("heads", t->heads);
    o.set("slots", slots);
    return o;
  }

  /// {position, target, logProb, gradNorm, gradTimesInput} (model/inspect.h), or {error}.
  val saliency_of(const std::string& text, double position, double target) const {
    if (!model_) return error_object("no model");
    for (auto [key, v] : {std::pair{"position", position}, {"target", target}})
      if (!whole(v)) return error_object(bad_option(key, "must be a whole number, got " + number_text(v)));
    auto s = saliency(*model_, text, saturate_int(position), saturate_int(target));
    if (!s) return error_object(s.status());
    val o = val::object();
    o.set("position", s->position);
    o.set("target", s->target);
    o.set("logProb", s->log_prob);
    o.set("gradNorm", copy_out(s->grad_norm.data(), s->grad_norm.size(), "Float32Array"));
    o.set("gradTimesInput", copy_out(s->grad_times_input.data(), s->grad_times_input.size(), "Float32Array"));
    return o;
  }

  /// All parameters as one Float32Array (a copy), in the file's tensor order.
  val weights() const {
    if (!model_) return error_object("no model");
    return copy_out(model_->params.data.data(), model_->params.data.size(), "Float32Array");
  }

  /// Puts back parameters that weights() gave (same model, e.g. the best of a training run).
  val set_weights(const val& array) {
    if (!model_) return error_object("no model");
    const size_t n = array["length"].as<size_t>();
    if (n != model_->params.data.size())
      return error_object("setWeights() needs " + std::to_string(model_->params.data.size()) + " values, got " +
                          std::to_string(n));
    std::vector<float> v = emscripten::convertJSArrayToNumberVector<float>(array);
    for (size_t i = 0; i < n; ++i)
      if (!std::isfinite(v[i])) return error_object("setWeights(): value " + std::to_string(i) + " is not finite");
    std::copy(v.begin(), v.end(), model_->params.data.begin());
    params_changed();
    return ok();
  }

  const Model<float>* model() const { return model_.get(); }
  Model<float>* model() { return model_.get(); }

 private:
  val adopt(Model<float> m) {
    model_ = std::make_unique<Model<float>>(std::move(m));
    start_inference();
    ++params_version_;
    return ok();
  }
  // A fresh stepping state and predictor for the model at precision_.
  void start_inference() {
    stepper_ = model_->config.bidirectional ? nullptr
                                            : std::make_unique<Stepper<float>>(model_->config, true, precision_);
    if (stepper_) stepper_->reset(model_->params);
    predictor_.reset();
  }
  int64_t parameter_count_of() const { return recur::parameter_count(model_->config); }

  std::unique_ptr<Model<float>> model_;
  std::unique_ptr<Stepper<float>> stepper_;
  std::unique_ptr<Predictor> predictor_;
  std::vector<float> probs_;  // feed()'s output before the copy to JS
  uint64_t params_version_ = 0;
  Precision precision_ = Precision::kFloat32;
};

struct GenerateOptionsJs {
  std::string prompt;
  double length = 200;
  double temperature = 1;
  double top_k = 0;
  double top_p = 1;
  double seed = 0;
  std::string stop;
  bool avoid_unknown = false;  // recur.js passes a checked boolean
  double count = 1;
};

/// A generation in progress. Holds a pointer to the model: JS keeps the model alive meanwhile.
class WasmGenerator {
 public:
  val start(const WasmModel& m, const GenerateOptionsJs& o) {
    if (!m.model()) return error_object("no model");
    for (auto [key, v] : {std::pair{"length", o.length}, {"top_k", o.top_k}, {"count", o.count}})
      if (!whole(v)) return error_object(bad_option(key, "must be a whole number, got " + number_text(v)));
    if (!whole(o.seed) || o.seed < 0 || o.seed > 9007199254740991.0) return error_object(bad_seed(o.seed));
    if (o.count < 1 || o.count > kMaxGenerateCount)  // before saturate_int hides the value
      return error_object(bad_option("count", "must be between 1 and " + std::to_string(kMaxGenerateCount) +
                                                  ", got " + number_text(o.count)));
    if (o.seed > 9007199254740991.0 - (o.count - 1))  // so that each sample's seed can be given alone
      return error_object(bad_option("seed", "+ count - 1 must be at most 2^53 - 1 (sample i uses seed + i), got " +
                                                 number_text(o.seed) + " + " + number_text(o.count) + " - 1"));
    GenerateOptions g;
    g.prompt = o.prompt;
    g.stop = o.stop;
    g.avoid_unknown = o.avoid_unknown;
    g.length = saturate_i64(o.length);
    g.sample.temperature = float(o.temperature);
    g.sample.top_k = saturate_int(o.top_k);
    g.sample.top_p = float(o.top_p);
    g.sample.seed = uint64_t(o.seed);
    g.precision = m.precision();
    g.count = saturate_int(o.count);
    auto gen = Generator::create(*m.model(), g);
    if (!gen) return error_object(gen.status());
    gen_.emplace(std::move(gen.value()));
    model_ = &m;
    params_version_ = m.params_version();
    return ok();
  }

  /// Up to max_symbols more symbols as one string (with count > 1: an array of one string per
  /// sample), or {error}. "" once done.
  val next(int max_symbols) {
    if (!gen_) return error_object("generation not started");
    if (model_->params_version() != params_version_) {  // trained between two pieces of a stream
      gen_->params_changed();
      params_version_ = model_->params_version();
    }
    std::vector<std::string> out(size_t(gen_->count()));
    for (int i = 0; i < max_symbols && !gen_->done(); ++i) {
      if (Status s = gen_->next_all(); !s) return error_object(s);
      for (size_t k = 0; k < out.size(); ++k) out[k] += gen_->pieces()[k];
    }
    if (out.size() == 1) return val(out[0]);
    val a = val::array();
    for (const std::string& t : out) a.call<void>("push", val(t));
    return a;
  }

  bool done() const { return !gen_ || gen_->done(); }

 private:
  std::optional<Generator> gen_;
  const WasmModel* model_ = nullptr;
  uint64_t params_version_ = 0;
};

/// A prediction read in slices (model.predictAsync), with its own Predictor: a predict() on the
/// same model in between neither waits for it nor disturbs it. Holds a pointer to the model: JS
/// keeps the model alive meanwhile.
class WasmPrediction {
 public:
  val start(const WasmModel& m, const std::string& text) {
    if (!m.model()) return error_object("no model");
    predictor_ = std::make_unique<Predictor>(*m.model(), m.precision());
    if (Status st = predictor_->start(*m.model(), text); !st.is_ok()) return error_object(st);
    model_ = &m;
    params_version_ = m.params_version();
    return ok();
  }

  /// Reads up to `positions` more characters; {error} if the model was trained in between, since
  /// the rows would then come from two sets of weights.
  val advance(double positions) {
    if (!predictor_ || !model_) return error_object("prediction not started");
    if (model_->params_version() != params_version_)
      return error_object("the model was trained while predictAsync() was reading: start it again");
    predictor_->advance(*model_->model(), saturate_i64(positions));
    return ok();
  }

  double position() const { return predictor_ ? double(predictor_->position()) : 0; }
  double length() const { return predictor_ ? double(predictor_->length()) : 0; }
  bool done() const { return !predictor_ || predictor_->done(); }

  /// The whole prediction once done(), as model.predict() returns it.
  val take() {
    if (!predictor_ || !predictor_->done()) return error_object("prediction not finished");
    const Prediction p = predictor_->take();
    predictor_.reset();
    return prediction_object(p);
  }

 private:
  std::unique_ptr<Predictor> predictor_;
  const WasmModel* model_ = nullptr;
  uint64_t params_version_ = 0;
};

struct TrainOptionsJs {
  std::string optimizer = "adam";
  double lr = 2e-3;
  double clip = 5;
  double seq_len = 64;
  double batch_size = 32;
  double seed = 0;
  std::string schedule = "constant";
  double total_steps = 1000;
  double warmup = 0;
};

/// Trains a WasmModel in place. The model must outlive the trainer.
class WasmTrainer {
 public:
  val start(WasmModel& m, const TrainOptionsJs& o) {
    if (!m.model()) return error_object("no model");
    for (auto [key, v] : {std::pair{"seq_len", o.seq_len}, {"batch", o.batch_size}, {"seed", o.seed},
                          {"total_steps", o.total_steps}, {"warmup", o.warmup}})
      if (!whole(v)) return error_object(bad_option(key, "must be a whole number, got " + number_text(v)));
    if (!(o.seed >= 0 && o.seed <= 9007199254740991.0)) return error_object(bad_seed(o.seed));
    auto kind = parse_optimizer(o.optimizer);
    if (!kind) return error_object(kind.status());
    auto sched = parse_schedule(o.schedule);
    if (!sched) return error_object(sched.status());
    TrainConfig tc;
    tc.optim.kind = kind.value();
    tc.schedule.kind = sched.value();
    tc.schedule.lr = float(o.lr);
    tc.schedule.total_steps = saturate_i64(o.total_steps);
    tc.schedule.warmup = saturate_i64(o.warmup);
    tc.clip = float(o.clip);
    tc.seq_len = saturate_int(o.seq_len);
    tc.batch = saturate_int(o.batch_size);
    tc.seed = uint64_t(o.seed);
    if (Status s = validate(tc); !s) return error_object(s);
    run_.reset();  // a run holds the trainer it was made for
    model_ = &m;
    trainer_ = std::make_unique<Trainer>(*m.model(), tc);
    return ok();
  }

  /// lm: the training text. Errors name what is wrong (too short, a character not in the vocabulary).
  val set_text(const std::string& text) {
    if (!trainer_) return error_object("trainer not started");
    auto ids = model_->model()->vocab.encode(text);
    if (!ids) return error_object(ids.status());
    Status s = trainer_->set_text(std::move(ids.value()));
    return s ? ok() : error_object(s);
  }

  /// tagger / classifier: labelled examples as JSONL (train/examples.h); label names must be the model's.
  val set_examples(const std::string& jsonl) {
    if (!trainer_) return error_object("trainer not started");
    auto ex = model_examples(*model_->model(), jsonl, "examples");
    if (!ex) return error_object(ex.status());
    Status s = trainer_->set_examples(std::move(ex.value()));
    return s ? ok() : error_object(s);
  }

  /// {loss (nats per symbol), symbols, gradNorm, lr, step} or {error}.
  val step() {
    if (!trainer_) return error_object("trainer not started");
    auto r = trainer_->step();
    model_->params_changed();
    if (!r) return error_object(r.status());
    val o = val::object();
    o.set("loss", r->loss);
    o.set("symbols", double(r->symbols));
    o.set("gradNorm", r->grad_norm);
    o.set("lr", r->lr);
    o.set("step", double(trainer_->steps_done()));
    return o;
  }

  double symbols_per_step() const { return trainer_ ? double(trainer_->symbols_per_step()) : 0; }

  /// Held-out data for the next run: lm text or tagger / classifier JSONL.
  val set_validation(const std::string& data) {
    if (!trainer_) return error_object("trainer not started");
    const Model<float>& m = *model_->model();
    Validation v;
    if (m.config.task == Task::kLm) {
      auto ids = m.vocab.encode(data);
      if (!ids) return error_object(Status(ids.status().code(), "validation text: " + ids.status().message()));
      if (ids->size() < 2) return error_object("the validation text needs at least 2 characters");
      v.ids = std::move(ids.value());
    } else {
      auto ex = model_examples(m, data, "validation examples");
      if (!ex) return error_object(ex.status());
      if (ex->empty()) return error_object("the validation data has no examples");
      v.examples = std::move(ex.value());
    }
    validation_ = std::move(v);
    return ok();
  }

  /// Starts a training run (train/run.h) over the data set: steps in all, a validation every
  /// evalEvery steps and after the last, early stopping after patience (0: never), keepBest.
  val start_run(double steps, double eval_every, double patience, bool keep_best) {
    if (!trainer_) return error_object("trainer not started");
    Validation val = std::move(validation_);  // used by this run only, whether it starts or not
    validation_ = {};
    for (auto [key, v] : {std::pair{"steps", steps}, {"eval_every", eval_every}, {"patience", patience}})
      if (!whole(v)) return error_object(bad_option(key, "must be a whole number, got " + number_text(v)));
    RunConfig rc;
    rc.steps = saturate_i64(steps);
    rc.eval_every = saturate_i64(eval_every);
    rc.patience = saturate_int(patience);
    rc.keep_best = keep_best;
    auto run = TrainingRun::create(*trainer_, rc, std::move(val));
    if (!run) return error_object(run.status());
    run_.emplace(std::move(run.value()));
    return ok();
  }

  /// Up to maxSteps steps of the run, ending early at a validation or the end: {step, loss, lr,
  /// gradNorm, symbols, done, stoppedEarly, validated, best, validation: {loss, accuracy, count}}.
  val advance(double max_steps) {
    if (!run_) return error_object("no training run started");
    if (!whole(max_steps)) return error_object(out_of_range("advance() takes a whole number of steps"));
    auto p = run_->advance(saturate_i64(max_steps));
    model_->params_changed();
    if (!p) return error_object(p.status());
    val o = val::object();
    o.set("step", double(p->step));
    o.set("loss", p->last.loss);
    o.set("lr", p->last.lr);
    o.set("gradNorm", p->last.grad_norm);
    o.set("symbols", double(p->symbols));
    o.set("done", p->done);
    o.set("stoppedEarly", p->stopped_early);
    o.set("validated", p->validated);
    o.set("best", p->best);
    if (p->validated) {
      val v = val::object();
      v.set("loss", p->validation.loss);
      v.set("accuracy", p->validation.accuracy);
      v.set("count", double(p->validation.count));
      o.set("validation", v);
    }
    return o;
  }

  /// Ends the run; with keepBest, puts back the best validation's weights (returns whether it did).
  bool finish_run() {
    if (!run_) return false;
    const bool restored = run_->finish();
    run_.reset();
    if (restored) model_->params_changed();
    return restored;
  }

 private:
  WasmModel* model_ = nullptr;
  std::unique_ptr<Trainer> trainer_;
  Validation validation_;
  std::optional<TrainingRun> run_;
};

}  // namespace recur::wasm

EMSCRIPTEN_BINDINGS(recur) {
  using namespace emscripten;
  using namespace recur::wasm;
  function("simdArch", optional_override([]() { return std::string(recur::simd_arch_name()); }));
  function("precisionsJson", optional_override([]() { return strings_json(recur::precision_names()); }));
#if RECUR_THREADS
  // The threaded module's thread count (the other has 1, and no bytes for these): set, an empty
  // string or the error; read.
  function("setThreads", optional_override([](int n) { return recur::set_num_threads(n).message(); }));
  function("threads", &recur::num_threads);
#endif
  value_object<GenerateOptionsJs>("GenerateOptions")
      .field("prompt", &GenerateOptionsJs::prompt)
      .field("length", &GenerateOptionsJs::length)
      .field("temperature", &GenerateOptionsJs::temperature)
      .field("topK", &GenerateOptionsJs::top_k)
      .field("topP", &GenerateOptionsJs::top_p)
      .field("seed", &GenerateOptionsJs::seed)
      .field("stop", &GenerateOptionsJs::stop)
      .field("avoidUnknown", &GenerateOptionsJs::avoid_unknown)
      .field("count", &GenerateOptionsJs::count);
  value_object<TrainOptionsJs>("TrainOptions")
      .field("optimizer", &TrainOptionsJs::optimizer)
      .field("lr", &TrainOptionsJs::lr)
      .field("clip", &TrainOptionsJs::clip)
      .field("seqLen", &TrainOptionsJs::seq_len)
      .field("batchSize", &TrainOptionsJs::batch_size)
      .field("seed", &TrainOptionsJs::seed)
      .field("schedule", &TrainOptionsJs::schedule)
      .field("steps", &TrainOptionsJs::total_steps)
      .field("warmup", &TrainOptionsJs::warmup);
  class_<WasmModel>("CoreModel")
      .constructor<>()
      .function("load", &WasmModel::load)
      .function("create", &WasmModel::create)
      .function("ready", &WasmModel::ready)
      .function("setPrecision", &WasmModel::set_precision)
      .function("precision", &WasmModel::precision_text)
      .function("configJson", &WasmModel::config_json)
      .function("vocabJson", &WasmModel::vocab_json)
      .function("labelsJson", &WasmModel::labels_json)
      .function("parameterCount", &WasmModel::parameter_count)
      .function("save", &WasmModel::save)
      .function("predict", &WasmModel::predict_text)
      .function("reset", &WasmModel::reset)
      .function("feed", &WasmModel::feed)
      .function("hidden", &WasmModel::hidden)
      .function("evaluate", &WasmModel::evaluate)
      .function("trace", &WasmModel::trace_text)
      .function("saliency", &WasmModel::saliency_of)
      .function("addForgetBias", &WasmModel::add_forget_bias)
      .function("initFrom", &WasmModel::init_from)
      .function("weights", &WasmModel::weights)
      .function("setWeights", &WasmModel::set_weights);
  class_<WasmGenerator>("CoreGenerator")
      .constructor<>()
      .function("start", &WasmGenerator::start)
      .function("next", &WasmGenerator::next)
      .function("done", &WasmGenerator::done);
  class_<WasmPrediction>("CorePrediction")
      .constructor<>()
      .function("start", &WasmPrediction::start)
      .function("advance", &WasmPrediction::advance)
      .function("position", &WasmPrediction::position)
      .function("length", &WasmPrediction::length)
      .function("done", &WasmPrediction::done)
      .function("take", &WasmPrediction::take);
  class_<WasmTrainer>("CoreTrainer")
      .constructor<>()
      .function("start", &WasmTrainer::start)
      .function("setText", &WasmTrainer::set_text)
      .function("setExamples", &WasmTrainer::set_examples)
      .function("step", &WasmTrainer::step)
      .function("symbolsPerStep", &WasmTrainer::symbols_per_step)
      .function("setValidation", &WasmTrainer::set_validation)
      .function("startRun", &WasmTrainer::start_run)
      .function("advance", &WasmTrainer::advance)
      .function("finishRun", &WasmTrainer::finish_run);
}
