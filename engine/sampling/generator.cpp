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
  return validate(o.sample);
}

Result<Generator> Generator::create(const Model<float>& model, const GenerateOptions& o) {
  RECUR_RETURN_IF_ERROR(validate(o));
  if (model.config.task != Task::kLm)
    return invalid_argument(std::string("cannot generate text with a ") + task_name(model.config.task) +
                            " model: generation needs an lm");
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
  for (int32_t id : ids.value()) g.stepper_.feed(model.params, id);
  g.logits_.assign(g.stepper_.logits(), g.stepper_.logits() + V);
  return g;
}

Result<std::string> Generator::next() {
  if (done()) return out_of_range("generation is finished");
  // Avoided symbols are masked for this draw only: logits_ stays the model's own distribution,
  // which next_distribution() reports.
  std::array<float, 2> saved{};
  for (size_t i = 0; i < avoid_.size(); ++i)
    saved[i] = std::exchange(logits_[avoid_[i]], -std::numeric_limits<float>::infinity());
  auto id = sampler_.sample(logits_.data(), int(logits_.size()));
  for (size_t i = 0; i < avoid_.size(); ++i) logits_[avoid_[i]] = saved[i];
  if (!id) {
    if (avoid_.empty()) return id.status();
    return Status(id.status().code(), id.status().message() + " (<unk> and U+FFFD are masked out)");
  }
  const float* l = stepper_.feed(model_->params, id.value());
  std::copy(l, l + logits_.size(), logits_.begin());
  std::string piece = model_->vocab.symbol_text(id.value());
  ++produced_;
  if (!opt_.stop.empty()) {
    tail_ += piece;
    if (tail_.size() > 2 * opt_.stop.size() + 8) tail_.erase(0, tail_.size() - opt_.stop.size() - 4);
    if (tail_.size() >= opt_.stop.size() && tail_.compare(tail_.size() - opt_.stop.size(), opt_.stop.size(), opt_.stop) == 0)
      stopped_ = true;
  }
  return piece;
}

std::vector<float> Generator::next_distribution() const {
  std::vector<float> p(logits_.size());
  softmax_rows(logits_.data(), 1, int(logits_.size()), p.data());
  return p;
}

}  // namespace recur
