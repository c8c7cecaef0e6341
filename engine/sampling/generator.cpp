// Generator: prompt feeding and the sample-feed loop (see generator.h).
#include "sampling/generator.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "layers/softmax.h"
#include "text/utf8.h"

namespace recur {

Status validate(const GenerateOptions& o) {
  if (o.length < 1 || o.length > kMaxGenerateLength)
    return bad_option("length", "must be between 1 and " + std::to_string(kMaxGenerateLength) + ", got " +
                                    std::to_string(o.length));
  if (const size_t chars = utf8_length(o.prompt); chars > kMaxPromptChars)
    return out_of_range("prompt is " + std::to_string(chars) + " characters: the limit is " +
                        std::to_string(kMaxPromptChars) + " characters");
  if (auto stop = utf8_decode(o.stop); !stop) return invalid_argument("stop text: " + stop.status().message());
  if (o.count < 1 || o.count > kMaxGenerateCount)
    return bad_option("count", "must be between 1 and " + std::to_string(kMaxGenerateCount) + ", got " +
                                   std::to_string(o.count));
  return validate(o.sample);
}

Generator::Generator(const Model<float>& m, GenerateOptions o)
    : model_(&m), opt_(std::move(o)), stepper_(m.config, true, opt_.precision, opt_.count) {
  const int n = opt_.count;
  for (int i = 0; i < n; ++i) {
    SampleOptions so = opt_.sample;
    so.seed += uint64_t(i);
    samplers_.emplace_back(so);
  }
  ids_.assign(size_t(n), 0);
  pieces_.assign(size_t(n), std::string());
  tails_.assign(size_t(n), std::string());
  stopped_.assign(size_t(n), 0);
  running_ = n;
}

Result<Generator> Generator::create(const Model<float>& model, const GenerateOptions& o) {
  RECUR_RETURN_IF_ERROR(validate(o));
  if (model.config.task != Task::kLm)
    return invalid_argument(std::string("cannot generate text with a ") + task_name(model.config.task) +
                            " model: generation needs an lm");
  if (is_transformer(model.config)) {
    // Each sample keeps its own key/value cache, up to 2L x max_len x d values.
    const Config& c = model.config;
    const int64_t cache = int64_t(o.count) * 2 * c.num_layers * c.max_len * c.hidden_size;
    if (cache > kMaxParams)
      return bad_option("count", std::to_string(o.count) + " samples of this transformer need " + std::to_string(cache) +
                                     " values of key/value cache: more than the limit of " + std::to_string(kMaxParams) +
                                     "; ask for fewer");
  }
  auto ids = model.vocab.encode(o.prompt);
  if (!ids) return Status(ids.status().code(), "prompt: " + ids.status().message());
  Generator g(model, o);
  const int V = model.config.vocab_size;
  if (o.avoid_unknown) {
    for (int32_t id : {int32_t(model.vocab.unk_id()), model.vocab.id_of(U'\uFFFD')})
      if (id >= 0) g.avoid_.push_back(id);
    // Caught here with its reason: otherwise the first draw would fail with "all logits are -inf".
    if (int(g.avoid_.size()) == V)
      return invalid_argument("cannot avoid <unk> and U+FFFD: the model's vocabulary has no other symbol");
  }
  g.stepper_.reset(model.params);  // an empty prompt samples from the zero state
  // The prompt is read once, by stream 0, whose state every sample then starts from.
  for (int32_t id : ids.value()) g.stepper_.feed(model.params, &id, 1);
  g.stepper_.broadcast();
  g.logits_.assign(g.stepper_.logits(), g.stepper_.logits() + size_t(o.count) * V);
  return g;
}

Status Generator::next_all() {
  if (done()) return out_of_range("generation is finished");
  const int V = model_->config.vocab_size;
  for (int i = 0; i < opt_.count; ++i) {
    if (stopped_[size_t(i)]) continue;  // keeps its last symbol: its state no longer matters
    // Avoided symbols are masked for this draw only: logits_ stays the model's own distribution,
    // which next_distribution() reports.
    float* l = logits_.data() + size_t(i) * V;
    std::array<float, 2> saved{};
    for (size_t a = 0; a < avoid_.size(); ++a)
      saved[a] = std::exchange(l[avoid_[a]], -std::numeric_limits<float>::infinity());
    auto id = samplers_[size_t(i)].sample(l, V);
    for (size_t a = 0; a < avoid_.size(); ++a) l[avoid_[a]] = saved[a];
    if (!id) {
      if (avoid_.empty()) return id.status();
      return Status(id.status().code(), id.status().message() + " (<unk> and U+FFFD are masked out)");
    }
    ids_[size_t(i)] = id.value();
  }
  const float* l = stepper_.feed(model_->params, ids_.data());
  std::copy(l, l + logits_.size(), logits_.begin());
  for (int i = 0; i < opt_.count; ++i) {
    std::string& piece = pieces_[size_t(i)];
    if (stopped_[size_t(i)]) {
      piece.clear();
      continue;
    }
    std::string& tail = tails_[size_t(i)];
    piece = model_->vocab.symbol_text(ids_[size_t(i)]);
    if (opt_.stop.empty()) continue;
    tail += piece;
    const size_t n = opt_.stop.size();
    if (tail.size() > 2 * n + 8) tail.erase(0, tail.size() - n - 4);
    if (tail.size() >= n && tail.compare(tail.size() - n, n, opt_.stop) == 0) {
      stopped_[size_t(i)] = 1;
      --running_;
    }
  }
  ++produced_;
  return Status();
}

Result<std::string> Generator::next() {
  RECUR_RETURN_IF_ERROR(next_all());
  return pieces_[0];
}

std::vector<float> Generator::next_distribution() const {
  const int V = model_->config.vocab_size;
  std::vector<float> p(static_cast<size_t>(V));
  softmax_rows(logits_.data(), 1, V, p.data());
  return p;
}

}  // namespace recur
