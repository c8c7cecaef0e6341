// Optimisers, gradient clipping and learning-rate schedules (see optim.h).
#include "train/optim.h"

#include <cmath>

namespace recur {

Result<OptimConfig::Kind> parse_optimizer(const std::string& name) {
  if (name == "adam") return OptimConfig::Kind::kAdam;
  if (name == "sgd") return OptimConfig::Kind::kSgd;
  return invalid_argument("unknown optimizer \"" + name + "\": expected adam or sgd");
}

Result<Schedule::Kind> parse_schedule(const std::string& name) {
  if (name == "constant") return Schedule::Kind::kConstant;
  if (name == "cosine") return Schedule::Kind::kCosine;
  if (name == "step") return Schedule::Kind::kStep;
  return invalid_argument("unknown schedule \"" + name + "\": expected constant, cosine or step");
}

void Optimizer::step(Params<float>& p, const Params<float>& g, float lr) {
  ++t_;
  const size_t n = p.data.size();
  float* w = p.data.data();
  const float* gr = g.data.data();
  float* m = m_.data();
  const float wd = cfg_.weight_decay;
  if (cfg_.kind == OptimConfig::Kind::kSgd) {
    const float mu = cfg_.momentum;
    for (size_t i = 0; i < n; ++i) {
      const float gi = gr[i] + wd * w[i];
      m[i] = mu * m[i] + gi;
      w[i] -= lr * m[i];
    }
    return;
  }
  float* v = v_.data();
  const float b1 = cfg_.beta1, b2 = cfg_.beta2, eps = cfg_.eps;
  const float bc1 = float(1.0 - std::pow(double(b1), double(t_)));
  const float bc2 = float(1.0 - std::pow(double(b2), double(t_)));
  const float step = lr / bc1, inv_sqrt_bc2 = 1.0f / std::sqrt(bc2);
  for (size_t i = 0; i < n; ++i) {
    const float gi = gr[i] + wd * w[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    w[i] -= step * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + eps);
  }
}

double grad_norm(const Params<float>& g) {
  double s = 0;
  for (float x : g.data) s += double(x) * double(x);
  return std::sqrt(s);
}

double clip_grad_norm(Params<float>& g, double max_norm) {
  const double norm = grad_norm(g);
  if (max_norm > 0 && norm > max_norm) {
    const float scale = float(max_norm / (norm + 1e-6));
    for (float& x : g.data) x *= scale;
  }
  return norm;
}

float Schedule::at(int64_t step) const {
  if (warmup > 0 && step < warmup) return lr * float(step + 1) / float(warmup);
  const int64_t s = step - warmup, span = std::max<int64_t>(1, total_steps - warmup);
  switch (kind) {
    case Kind::kCosine: {
      const double frac = std::min(1.0, double(s) / double(span));
      return float(0.5 * lr * (1.0 + std::cos(3.14159265358979323846 * frac)));
    }
    case Kind::kStep: return lr * std::pow(gamma, float(s / std::max<int64_t>(1, step_size)));
    default: return lr;
  }
}

}  // namespace recur
