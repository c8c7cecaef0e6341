// Optimisers over the flat parameter buffer, with torch.optim's update rules:
//   SGD:  v = mu*v + g (+ wd*p);  p -= lr*v          (torch.optim.SGD, dampening 0, nesterov off)
//   Adam: m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
#pragma once
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/tensor.h"
#include "model/params.h"

namespace recur {

struct OptimConfig {
  enum class Kind { kSgd, kAdam } kind = Kind::kAdam;
  float momentum = 0.9f;  // SGD
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // Adam
  float weight_decay = 0.0f;
};

Result<OptimConfig::Kind> parse_optimizer(const std::string& name);

class Optimizer {
 public:
  Optimizer() = default;
  Optimizer(const OptimConfig& c, size_t n) : cfg_(c), m_(n, 0.0f), v_(c.kind == OptimConfig::Kind::kAdam ? n : 0, 0.0f) {}
  /// One update of p with gradient g at learning rate lr.
  void step(Params<float>& p, const Params<float>& g, float lr);
  int64_t steps() const { return t_; }

 private:
  OptimConfig cfg_;
  Buffer<float> m_, v_;
  int64_t t_ = 0;
};

/// Global L2 norm of all gradients (accumulated in double).
double grad_norm(const Params<float>& g);
/// torch.nn.utils.clip_grad_norm_: scales g by max_norm / (norm + 1e-6) when norm > max_norm.
/// Returns the norm before clipping. max_norm <= 0 disables clipping.
double clip_grad_norm(Params<float>& g, double max_norm);

/// Learning-rate schedules: constant, cosine decay to 0 over total steps, or step decay
/// (multiply by gamma every step_size steps); an optional linear warm-up in front of any of them.
struct Schedule {
  enum class Kind { kConstant, kCosine, kStep } kind = Kind::kConstant;
  float lr = 1e-3f;
  int64_t total_steps = 1;
  int64_t warmup = 0;
  int64_t step_size = 1000;
  float gamma = 0.5f;
  float at(int64_t step) const;
};
Result<Schedule::Kind> parse_schedule(const std::string& name);

}  // namespace recur
