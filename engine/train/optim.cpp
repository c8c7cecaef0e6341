// Optimisers, gradient clipping and learning-rate schedules (see optim.h).
#include "train/optim.h"

#include <array>
#include <cmath>

#include "kernels/parallel.h"
#include "kernels/simd.h"

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
  // One formula for vectors and the scalar tail. Each element's path (vector or tail) depends only
  // on its index, since the parts below start at multiples of kAlign: the same bits for any thread
  // count.
  const auto update = [&](auto wi, auto gi, auto mi, auto vi) {
    using std::sqrt;
    gi = gi + wd * wi;
    mi = b1 * mi + (1 - b1) * gi;
    vi = b2 * vi + (1 - b2) * gi * gi;
    wi = wi - step * mi / (sqrt(vi) * inv_sqrt_bc2 + eps);
    return std::array<decltype(wi), 3>{wi, mi, vi};
  };
  const auto range = [&](int i0, int i1) {
    int i = i0;
#if RECUR_SIMD
    using V = Vec<float>;
    for (; i + int(V::size) <= i1; i += int(V::size)) {
      const auto r = update(V::load_unaligned(w + i), V::load_unaligned(gr + i), V::load_unaligned(m + i),
                            V::load_unaligned(v + i));
      r[0].store_unaligned(w + i);
      r[1].store_unaligned(m + i);
      r[2].store_unaligned(v + i);
    }
#endif
    for (; i < i1; ++i) {
      const auto r = update(w[i], gr[i], m[i], v[i]);
      w[i] = r[0];
      m[i] = r[1];
      v[i] = r[2];
    }
  };
  // Vectorised and split among the threads: as one scalar loop (std::sqrt's errno kept the compiler
  // from vectorising it) on one thread, Adam took 3 % of a 2 x 256 LSTM's training step on two.
  constexpr int kAlign = 64;
  parallel_ranges_of(double(n), int(n), kAlign, range);  // n <= kMaxParams (2^26): an int
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
