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

int64_t activation_bytes(const Config& c, int64_t steps, int64_t batch) {
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
