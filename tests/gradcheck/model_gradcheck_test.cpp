// Central finite differences in double for the whole model: every parameter and the initial
// state, for each cell x {uni, bi}directional x {1, 2} layers x task head, with padding masks, and
// for lm with state resets inside the batch (entries packed into one stream); the Transformer
// post- and pre-norm, ReLU and GELU, causal and not, one to four heads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "layers/softmax.h"
#include "model/model.h"
#include "model/network.h"

namespace recur {
namespace {

// Tolerances, in one place. In double, a central difference with step kEps has truncation error
// ~kEps^2 * |f'''| ~ 1e-10 and rounding error ~1e-16 / kEps ~ 1e-11, so a correct gradient agrees
// to ~1e-9 absolute. Errors are |analytic - numeric| / max(|analytic|, |numeric|, kFloor): the floor
// keeps near-zero gradients from turning that noise into large ratios. A wrong term (a missing
// gate, a transposed weight) gives errors of order 1e-1..1. Measured here: at most 3.4e-8 over all
// 43 cases (x86-64, AVX2), so kTol = 1e-6 leaves a 30x margin on one side and 1e5 on the other.
constexpr double kEps = 1e-5;
constexpr double kFloor = 1e-3;
constexpr double kTol = 1e-6;

struct Case {
  CellKind cell;
  bool bidirectional;
  int layers;
  Task task;
  float dropout = 0.0f;
  bool resets = false;
  int heads = 0;  // transformer: d = 4
  bool norm_first = false, gelu = false;
};

std::string name_of(const Case& c) {
  return std::string(cell_name(c.cell)) + (c.bidirectional ? "_bi" : "_uni") + "_L" + std::to_string(c.layers) +
         "_" + task_name(c.task) + (c.dropout > 0 ? "_dropout" : "") + (c.resets ? "_resets" : "") +
         (c.heads ? "_heads" + std::to_string(c.heads) + (c.norm_first ? "_prenorm" : "_postnorm") +
                        (c.gelu ? "_gelu" : "_relu")
                  : "");
}

struct Problem {
  Config cfg;
  Params<double> params;
  std::vector<int32_t> ids, lengths, targets;
  std::vector<uint8_t> resets;  // (T*B) or empty
  int steps = 4, batch = 2;
  State<double> init;
};

Problem make_problem(const Case& k) {
  Problem p;
  p.cfg.task = k.task;
  p.cfg.cell = k.cell;
  p.cfg.vocab_size = 5;
  p.cfg.embedding_dim = 3;
  p.cfg.hidden_size = 3;
  p.cfg.num_layers = k.layers;
  p.cfg.bidirectional = k.bidirectional;
  p.cfg.dropout = k.dropout;
  p.cfg.num_labels = k.task == Task::kLm ? 0 : 4;
  if (k.cell == CellKind::kTransformer) {
    p.cfg.embedding_dim = p.cfg.hidden_size = 4;
    p.cfg.num_heads = k.heads;
    p.cfg.ff_size = 5;
    p.cfg.max_len = 6;
    p.cfg.norm_first = k.norm_first;
    p.cfg.activation = k.gelu ? Activation::kGelu : Activation::kRelu;
  }
  EXPECT_TRUE(validate(p.cfg).is_ok()) << validate(p.cfg).message();
  p.params = Params<double>(p.cfg);
  Rng rng(1234);
  init_params(p.cfg, p.params, rng);
  // Larger recurrent weights than the default init so every gate is away from its linear regime.
  for (auto& v : p.params.data) v *= 1.5;
  p.lengths = {4, 2};  // the second sequence is padded: exercises masking
  p.ids.resize(size_t(p.steps) * p.batch);
  for (auto& id : p.ids) id = int32_t(rng.below(5));
  const int out = output_size(p.cfg);
  if (k.task == Task::kClassifier) {
    p.targets = {1, 3};
  } else {
    p.targets.resize(p.ids.size());
    for (int t = 0; t < p.steps; ++t)
      for (int b = 0; b < p.batch; ++b)
        p.targets[t * p.batch + b] = t < p.lengths[b] ? int32_t(rng.below(out)) : -1;
  }
  if (k.resets) {  // row 0 starts an entry at t = 2; row 1 at t = 0 (so its start state gets no gradient) and 1
    p.resets.assign(p.ids.size(), 0);
    p.resets[2 * p.batch + 0] = 1;
    p.resets[0 * p.batch + 1] = 1;
    p.resets[1 * p.batch + 1] = 1;
  }
  p.init.resize(p.cfg, p.batch);
  for (auto& v : p.init.h) v = rng.uniform(-0.5, 0.5);
  for (auto& v : p.init.c) v = rng.uniform(-0.5, 0.5);
  return p;
}

// Mean cross-entropy; with grads, also the analytic gradients. Dropout masks come from a fixed
// seed, so every evaluation uses the same masks and the function is smooth in the parameters.
double loss(Problem& p, const Params<double>& params, const State<double>& init, Params<double>* grads,
            State<double>* dinit) {
  Network<double> net(p.cfg);
  Rng rng(99);
  net.forward(params, p.ids.data(), p.steps, p.batch, p.lengths.data(), &init, p.cfg.dropout > 0, &rng,
              p.resets.empty() ? nullptr : p.resets.data());
  const int rows = net.logit_rows(), out = output_size(p.cfg);
  std::vector<double> dlogits(size_t(rows) * out);
  XentResult count = softmax_xent(net.logits(), rows, out, p.targets.data(), static_cast<double*>(nullptr), 1.0);
  XentResult r = softmax_xent(net.logits(), rows, out, p.targets.data(), dlogits.data(), double(count.count));
  if (grads) net.backward(params, dlogits.data(), *grads, dinit);
  return r.loss_sum / double(r.count);
}

double rel_err(double a, double n) { return std::abs(a - n) / std::max({std::abs(a), std::abs(n), kFloor}); }

struct Report {
  double worst = 0;
  std::string where;
};

// Compares analytic gradients with central differences for every parameter and state element.
Report check(Problem& p, const Params<double>& grads, const State<double>& dinit) {
  Report rep;
  Params<double> params = p.params;
  for (const auto& t : params.tensors)
    for (size_t i = 0; i < t.size; ++i) {
      double& w = params.data[t.offset + i];
      const double w0 = w;
      w = w0 + kEps;
      const double lp = loss(p, params, p.init, nullptr, nullptr);
      w = w0 - kEps;
      const double lm = loss(p, params, p.init, nullptr, nullptr);
      w = w0;
      const double e = rel_err(grads.data[t.offset + i], (lp - lm) / (2 * kEps));
      if (e > rep.worst) rep = {e, t.name + "[" + std::to_string(i) + "]"};
    }
  auto check_state = [&](const Buffer<double> State<double>::*member, const Buffer<double>& analytic, const char* nm) {
    State<double> s = p.init;
    Buffer<double>& buf = s.*const_cast<Buffer<double> State<double>::*>(member);
    for (size_t i = 0; i < buf.size(); ++i) {
      const double v0 = buf[i];
      buf[i] = v0 + kEps;
      const double lp = loss(p, p.params, s, nullptr, nullptr);
      buf[i] = v0 - kEps;
      const double lm = loss(p, p.params, s, nullptr, nullptr);
      buf[i] = v0;
      const double e = rel_err(analytic[i], (lp - lm) / (2 * kEps));
      if (e > rep.worst) rep = {e, std::string(nm) + "[" + std::to_string(i) + "]"};
    }
  };
  check_state(&State<double>::h, dinit.h, "h0");
  check_state(&State<double>::c, dinit.c, "c0");
  return rep;
}

class ModelGradcheck : public ::testing::TestWithParam<Case> {};

TEST_P(ModelGradcheck, MatchesFiniteDifferences) {
  Problem p = make_problem(GetParam());
  Params<double> grads(p.cfg);
  State<double> dinit;
  dinit.resize(p.cfg, p.batch);
  loss(p, p.params, p.init, &grads, &dinit);
  const Report rep = check(p, grads, dinit);
  RecordProperty("max_rel_error", std::to_string(rep.worst));
  std::printf("[ gradcheck ] %-32s max rel error %.2e at %s\n", name_of(GetParam()).c_str(), rep.worst,
              rep.where.c_str());
  EXPECT_LE(rep.worst, kTol) << "worst at " << rep.where;
}

std::vector<Case> all_cases() {
  std::vector<Case> v;
  for (CellKind cell : {CellKind::kRnnTanh, CellKind::kRnnRelu, CellKind::kLstm, CellKind::kGru})
    for (bool bi : {false, true})
      for (int layers : {1, 2})
        for (Task task : {Task::kLm, Task::kTagger, Task::kClassifier}) {
          if (task == Task::kLm && bi) continue;  // rejected by validate(): it would see its target
          v.push_back({cell, bi, layers, task});
        }
  v.push_back({CellKind::kLstm, true, 2, Task::kTagger, 0.3f});
  v.push_back({CellKind::kGru, false, 2, Task::kLm, 0.3f});
  for (CellKind cell : {CellKind::kRnnTanh, CellKind::kLstm, CellKind::kGru})
    v.push_back({cell, false, 2, Task::kLm, 0.0f, true});
  const CellKind tf = CellKind::kTransformer;
  v.push_back({tf, false, 1, Task::kLm, 0.0f, false, 2, false, false});
  v.push_back({tf, false, 2, Task::kLm, 0.0f, false, 2, true, true});
  v.push_back({tf, false, 2, Task::kLm, 0.0f, true, 1, false, true});
  v.push_back({tf, false, 1, Task::kLm, 0.3f, false, 2, true, false});
  v.push_back({tf, false, 1, Task::kTagger, 0.0f, false, 4, true, false});
  v.push_back({tf, true, 2, Task::kTagger, 0.0f, false, 2, false, true});
  v.push_back({tf, true, 2, Task::kTagger, 0.3f, false, 2, true, true});
  v.push_back({tf, false, 2, Task::kClassifier, 0.0f, false, 2, false, true});
  v.push_back({tf, true, 1, Task::kClassifier, 0.0f, false, 1, true, false});
  return v;
}

INSTANTIATE_TEST_SUITE_P(All, ModelGradcheck, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return name_of(info.param); });

// The checker must be able to fail: a gradient off by 1% in one element is caught.
TEST(ModelGradcheckSelfTest, DetectsAWrongGradient) {
  Problem p = make_problem({CellKind::kLstm, false, 1, Task::kLm});
  Params<double> grads(p.cfg);
  State<double> dinit;
  dinit.resize(p.cfg, p.batch);
  loss(p, p.params, p.init, &grads, &dinit);
  const TensorInfo* t = grads.find("rnn.weight_hh_l0");
  ASSERT_NE(t, nullptr);
  size_t big = t->offset;  // the largest-magnitude element, so the 1% change clears the floor
  for (size_t i = t->offset; i < t->offset + t->size; ++i)
    if (std::abs(grads.data[i]) > std::abs(grads.data[big])) big = i;
  grads.data[big] *= 1.01;
  EXPECT_GT(check(p, grads, dinit).worst, kTol);
}

}  // namespace
}  // namespace recur
