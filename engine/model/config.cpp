// Config names, validation and sizes. JSON (de)serialisation is in config_json.cpp.
#include "model/config.h"

#include <cmath>
#include <cstdio>

#include "model/params.h"

namespace recur {

const char* task_name(Task t) {
  switch (t) {
    case Task::kLm: return "lm";
    case Task::kTagger: return "tagger";
    default: return "classifier";
  }
}

Result<Task> parse_task(const std::string& s) {
  if (s == "lm") return Task::kLm;
  if (s == "tagger") return Task::kTagger;
  if (s == "classifier") return Task::kClassifier;
  return invalid_argument("unknown task \"" + s + "\": expected lm, tagger or classifier");
}

const char* activation_name(Activation a) { return a == Activation::kGelu ? "gelu" : "relu"; }

Result<Activation> parse_activation(const std::string& s) {
  if (s == "relu") return Activation::kRelu;
  if (s == "gelu") return Activation::kGelu;
  return invalid_argument("unknown activation \"" + s + "\": expected relu or gelu");
}

namespace {

Status validate_transformer(const Config& c) {
  if (!is_transformer(c)) {
    if (c.num_heads || c.ff_size || c.max_len || c.norm_first || c.activation != Activation::kRelu)
      return invalid_argument(std::string("config: num_heads, ff_size, max_len, norm_first and activation belong to "
                                          "cell transformer, not ") + cell_name(c.cell));
    return Status::ok();
  }
  if (c.embedding_dim != c.hidden_size)
    return invalid_argument("config: a transformer adds its positional encoding to the embedding, so embedding_dim (" +
                            std::to_string(c.embedding_dim) + ") must equal hidden_size (" +
                            std::to_string(c.hidden_size) + ")");
  if (c.num_heads < 1 || c.num_heads > c.hidden_size || c.hidden_size % c.num_heads != 0)
    return bad_option("num_heads", "must divide hidden_size (" + std::to_string(c.hidden_size) + "), got " +
                                       std::to_string(c.num_heads));
  if (c.ff_size < 1 || c.ff_size > kMaxDim)
    return bad_option("ff_size", "must be a whole number in 1.." + std::to_string(kMaxDim) + ", got " +
                                     std::to_string(c.ff_size));
  if (c.max_len < 1 || c.max_len > kMaxContext)
    return bad_option("max_len", "must be a whole number in 1.." + std::to_string(kMaxContext) + ", got " +
                                     std::to_string(c.max_len));
  // A generating stream's key/value cache (2L x max_len x d) and the positional table (max_len x d).
  const int64_t window = int64_t(c.max_len) * c.hidden_size * (2 * c.num_layers + 1);
  if (window > kMaxParams)
    return invalid_argument("config: a context window of max_len " + std::to_string(c.max_len) + " needs " +
                            std::to_string(window) + " values of key/value cache and positional code: more than the limit of " +
                            std::to_string(kMaxParams) + "; use a smaller max_len");
  // One sequence as long as the window must fit, so that every pass over a whole window (predict,
  // trace, evaluation one sequence at a time) stays within the activation budget.
  if (activation_bytes(c, c.max_len, 1) > kMaxActivationBytes)
    return invalid_argument("config: reading a full window of max_len " + std::to_string(c.max_len) + " needs " +
                            std::to_string(activation_bytes(c, c.max_len, 1) >> 20) + " MB of activations: more than the limit of " +
                            std::to_string(kMaxActivationBytes >> 20) + " MB; use a smaller max_len, fewer heads or layers");
  return Status::ok();
}

}  // namespace

Status validate(const Config& c) {
  auto range = [](const char* what, int v, int lo, int hi) -> Status {
    if (v < lo || v > hi)
      return bad_option(what, "must be a whole number in " + std::to_string(lo) + ".." + std::to_string(hi) +
                                  ", got " + std::to_string(v));
    return Status::ok();
  };
  RECUR_RETURN_IF_ERROR(range("vocab_size", c.vocab_size, 1, kMaxVocab));
  RECUR_RETURN_IF_ERROR(range("embedding_dim", c.embedding_dim, 1, kMaxDim));
  RECUR_RETURN_IF_ERROR(range("hidden_size", c.hidden_size, 1, kMaxDim));
  RECUR_RETURN_IF_ERROR(range("num_layers", c.num_layers, 1, kMaxLayers));
  if (!(c.dropout >= 0.0f && c.dropout < 1.0f)) {
    char got[32];
    std::snprintf(got, sizeof got, "%g", double(c.dropout));
    return bad_option("dropout", std::string("must be in [0, 1), got ") + got);
  }
  RECUR_RETURN_IF_ERROR(validate_transformer(c));
  if (c.task == Task::kLm) {
    if (c.bidirectional)
      return invalid_argument("config: a bidirectional lm would see the symbol it predicts; use task tagger");
    if (c.num_labels != 0)
      return invalid_argument("config num_labels = " + std::to_string(c.num_labels) + ": an lm has no labels (expected 0)");
  } else {
    RECUR_RETURN_IF_ERROR(range("num_labels", c.num_labels, 1, kMaxVocab));
  }
  if (parameter_count(c) > kMaxParams)
    return invalid_argument("config has " + std::to_string(parameter_count(c)) +
                            " parameters: more than the limit of " + std::to_string(kMaxParams));
  return Status::ok();
}

Status check_window(const Config& c, int64_t steps, const std::string& what) {
  if (is_transformer(c) && steps > c.max_len)
    return out_of_range(what + " (" + std::to_string(steps) + " symbols) is longer than this transformer's context window (max_len " +
                        std::to_string(c.max_len) + ")");
  return Status::ok();
}

int64_t activation_bytes(const Config& c, int64_t steps, int64_t batch) {
  if (is_transformer(c)) {
    // Per layer and row, attention/encoder.h's cache: 14 vectors of d (input, norms, q k v,
    // context, residual sums, output, scratch, masks), 4 of F and the two norms' rstd; once per
    // row, the first layer's input, the backward pass's 7 vectors of d and the logits with their
    // gradient. Per layer and sequence, every head's attention weights; once, their gradient.
    const int64_t d = c.hidden_size, F = c.ff_size;
    const int64_t per_row = c.num_layers * (14 * d + 4 * F + 2) + 8 * d + 2 * int64_t(output_size(c));
    const int64_t per_seq = (int64_t(c.num_layers) * c.num_heads) * steps * steps;
    return (steps * batch * per_row + batch * per_seq + steps * steps) * int64_t(sizeof(float));
  }
  const int64_t G = gate_count(c.cell), H = c.hidden_size, D = directions(c), E = c.embedding_dim;
  const int64_t rows = steps * batch;
  // Per layer and direction: gates and their gradients for both projections (4 G H), h, c,
  // h_prev, GRU's hn (4 H); per layer: input and output copies and dropout mask (E + 3 D H);
  // the head's logits and their gradient.
  const int64_t per_row = c.num_layers * (D * (4 * G * H + 4 * H) + E + 3 * D * H) + 2 * int64_t(output_size(c));
  return rows * per_row * int64_t(sizeof(float));
}

int64_t parameter_count(const Config& c) {
  // 64-bit arithmetic on sizes already range-checked, so this cannot overflow.
  if (is_transformer(c)) {
    const int64_t d = c.hidden_size, F = c.ff_size;
    // in_proj 3d x d + 3d, out_proj d x d + d, linear1 F x d + F, linear2 d x F + d, two norms 2d each
    const int64_t layer = 4 * d * d + 4 * d + 2 * F * d + F + d + 4 * d;
    return int64_t(c.vocab_size) * d + c.num_layers * layer + int64_t(output_size(c)) * (d + 1);
  }
  const int64_t G = gate_count(c.cell), H = c.hidden_size, D = directions(c), E = c.embedding_dim;
  int64_t n = int64_t(c.vocab_size) * E;
  for (int k = 0; k < c.num_layers; ++k) {
    const int64_t in = k == 0 ? E : D * H;
    n += D * (G * H * in + G * H * H + 2 * G * H);
  }
  n += int64_t(output_size(c)) * (D * H + 1);
  return n;
}

}  // namespace recur
