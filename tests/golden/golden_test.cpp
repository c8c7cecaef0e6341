// Engine vs the float64 NumPy reference of tools/golden/make_golden.py: log-probs and final states
// of Network<float>, Network<double>, (lm) Stepper<float> and (unidirectional) predict()'s
// Predictor on every tests/golden case.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "layers/softmax.h"
#include "model/model.h"
#include "model/network.h"
#include "model/predict.h"
#include "model/serialize.h"
#include "support/compare.h"
#include "util/json.h"

namespace {

using recur::testing::max_scaled_error;
using recur::testing::within;

// Tolerances in units of eps of the engine's scalar type, on |got - ref| / max(|ref|, 1).
// float: the reference runs on the same float32-rounded weights, so the gap is float arithmetic
//   alone: T=5 steps of dot products over <= 8 terms plus tanh/sigmoid/exp, and with weights in
//   U(-0.6, 0.6) the recurrences contract, so rounding does not compound.
// double: the same weights on both sides in float64; only summation order and libm differ.
// Measured worst case over all outputs (log-probs, final h and c, stepper), on the default SSE2 build,
// RECUR_SIMD=OFF and RECUR_NATIVE_ARCH=ON (AVX-512 + FMA): float 1.42 eps, double 1.86 eps.
// 16 leaves ~10x headroom for other ISAs and libms. A slip such as float arithmetic inside
// Network<double> (~1e8 eps) or a wrong gate (>1e4 eps) is far outside it.
struct GoldenCase {
  const char* name;
  double k_float;
  double k_double;
};
constexpr GoldenCase kCases[] = {
    {"lm_rnn_tanh", 16, 16},          {"lm_rnn_relu", 16, 16},
    {"lm_lstm", 16, 16},              {"lm_gru", 16, 16},
    {"lm_lstm_2layer", 16, 16},       {"lm_gru_2layer", 16, 16},
    {"tagger_bilstm_2layer", 16, 16}, {"tagger_bigru", 16, 16},
    {"tagger_birnn", 16, 16},         {"classifier_lstm", 16, 16},
    {"classifier_bigru_2layer", 16, 16}, {"lm_lstm_init_state", 16, 16},
};

std::string path_of(const std::string& name, const char* ext) {
  return std::string(RECUR_TEST_DATA) + "/golden/" + name + ext;
}

// The parsed <case>.json: inputs and expected outputs (shapes in tests/golden/README.md).
struct Fixture {
  int steps = 0, batch = 0;
  std::vector<int32_t> ids, lengths;
  std::vector<double> init_h, init_c, log_probs, final_h, final_c;
};

std::vector<double> numbers(const recur::json::Value& root, const char* key) {
  std::vector<double> v;
  if (const auto* a = root.find(key))
    for (const auto& x : a->items()) v.push_back(x.as_number());
  return v;
}

std::vector<int32_t> ints(const recur::json::Value& root, const char* key) {
  std::vector<int32_t> v;
  for (double x : numbers(root, key)) v.push_back(static_cast<int32_t>(x));
  return v;
}

bool load_fixture(const std::string& name, Fixture& f, std::string& error) {
  std::ifstream in(path_of(name, ".json"), std::ios::binary);
  if (!in) {
    error = "cannot open " + path_of(name, ".json");
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = recur::json::parse(ss.str());
  if (!doc) {
    error = doc.status().message();
    return false;
  }
  const auto& root = doc.value();
  f.steps = static_cast<int>(root.find("steps")->as_number());
  f.batch = static_cast<int>(root.find("batch")->as_number());
  f.ids = ints(root, "ids");
  f.lengths = ints(root, "lengths");
  f.init_h = numbers(root, "init_h");
  f.init_c = numbers(root, "init_c");
  f.log_probs = numbers(root, "log_probs");
  f.final_h = numbers(root, "final_h");
  f.final_c = numbers(root, "final_c");
  return true;
}

// Checks one output against its reference, prints the measured error in eps (the numbers the
// tolerance table was set from) and returns within()'s verdict.
template <typename T>
std::string check(const std::string& label, const std::vector<T>& got, const std::vector<double>& ref,
                  double k) {
  if (got.size() != ref.size())
    return label + ": " + std::to_string(got.size()) + " values, expected " + std::to_string(ref.size());
  const double eps = double(std::numeric_limits<T>::epsilon());
  std::printf("  %-34s max error %7.2f eps (tolerance %g)\n", label.c_str(),
              max_scaled_error(got.data(), ref.data(), ref.size()) / eps, k);
  const std::string r = within<T>(got.data(), ref.data(), ref.size(), k);
  return r.empty() ? r : label + ": " + r;
}

// Runs Network<T> over the fixture and compares log-probs (valid rows only), final h and c.
template <typename T>
void run_network(const char* tag, const recur::Model<T>& m, const Fixture& f, double k) {
  const recur::Config& cfg = m.config;
  const int B = f.batch, out = recur::output_size(cfg);
  recur::State<T> init;
  const bool has_init = !f.init_h.empty();
  if (has_init) {
    init.resize(cfg, B);
    init.zero();
    ASSERT_EQ(init.h.size(), f.init_h.size());
    init.h.assign(f.init_h.begin(), f.init_h.end());
    if (!f.init_c.empty()) {
      ASSERT_EQ(init.c.size(), f.init_c.size());
      init.c.assign(f.init_c.begin(), f.init_c.end());
    }
  }
  recur::Network<T> net(cfg);
  net.forward(m.params, f.ids.data(), f.steps, B, f.lengths.data(), has_init ? &init : nullptr,
              /*training=*/false, nullptr);

  const int rows = net.logit_rows();
  ASSERT_EQ(size_t(rows) * out, f.log_probs.size());
  std::vector<T> lp(size_t(rows) * out);
  recur::log_softmax_rows(net.logits(), rows, out, lp.data());
  // lm/tagger rows are t*B+b; padding rows have no defined value and are skipped.
  std::vector<T> got;
  std::vector<double> ref;
  for (int r = 0; r < rows; ++r) {
    if (cfg.task != recur::Task::kClassifier && r / B >= f.lengths[r % B]) continue;
    got.insert(got.end(), lp.begin() + size_t(r) * out, lp.begin() + size_t(r + 1) * out);
    ref.insert(ref.end(), f.log_probs.begin() + size_t(r) * out, f.log_probs.begin() + size_t(r + 1) * out);
  }
  const std::string p = tag;
  EXPECT_EQ(check(p + " log_probs", got, ref, k), "");
  const auto& st = net.final_state();
  EXPECT_EQ(check(p + " final_h", std::vector<T>(st.h.begin(), st.h.end()), f.final_h, k), "");
  if (cfg.cell == recur::CellKind::kLstm) {
    EXPECT_EQ(check(p + " final_c", std::vector<T>(st.c.begin(), st.c.end()), f.final_c, k), "");
  }
}

// Feeds sequence b=0 one symbol at a time through Stepper<float>: the streaming path must give the
// rows t*B+0 of the batched reference and, after lengths[0] symbols, its final state.
void run_stepper(const recur::Model<float>& m, const Fixture& f, double k) {
  const recur::Config& cfg = m.config;
  const int B = f.batch, H = cfg.hidden_size, L = cfg.num_layers, out = recur::output_size(cfg);
  recur::Stepper<float> s(cfg);
  s.reset(m.params);
  for (int slot = 0; slot < L; ++slot)
    for (int j = 0; j < H; ++j) {
      const size_t at = (size_t(slot) * B + 0) * H + j;  // (L, B, H) -> sequence 0
      if (!f.init_h.empty()) s.state().h_at(slot)[j] = float(f.init_h[at]);
      if (!f.init_c.empty()) s.state().c_at(slot)[j] = float(f.init_c[at]);
    }
  std::vector<float> got;
  std::vector<double> ref;
  std::vector<float> row(out);
  for (int t = 0; t < f.lengths[0]; ++t) {
    recur::log_softmax_rows(s.feed(m.params, f.ids[size_t(t) * B]), 1, out, row.data());
    got.insert(got.end(), row.begin(), row.end());
    const size_t r = size_t(t) * B;
    ref.insert(ref.end(), f.log_probs.begin() + r * out, f.log_probs.begin() + (r + 1) * out);
  }
  EXPECT_EQ(check("stepper<float> log_probs (b=0)", got, ref, k), "");
  std::vector<float> h, c;
  std::vector<double> ref_h, ref_c;
  for (int slot = 0; slot < L; ++slot)
    for (int j = 0; j < H; ++j) {
      const size_t at = (size_t(slot) * B + 0) * H + j;
      h.push_back(s.state().h_at(slot)[j]);
      ref_h.push_back(f.final_h[at]);
      if (cfg.cell == recur::CellKind::kLstm) {
        c.push_back(s.state().c_at(slot)[j]);
        ref_c.push_back(f.final_c[at]);
      }
    }
  EXPECT_EQ(check("stepper<float> final_h (b=0)", h, ref_h, k), "");
  if (cfg.cell == recur::CellKind::kLstm) {
    EXPECT_EQ(check("stepper<float> final_c (b=0)", c, ref_c, k), "");
  }
}

// predict()'s batch-1 path (Predictor: folded layer 0, per-step GEMV) on sequence b=0 from the
// zero state: rows t*B+0 (lm, tagger) or row 0 (classifier) of the reference.
void run_predictor(const recur::Model<float>& m, const Fixture& f, double k) {
  const int B = f.batch, out = recur::output_size(m.config);
  std::vector<int32_t> ids;
  for (int t = 0; t < f.lengths[0]; ++t) ids.push_back(f.ids[size_t(t) * B]);
  recur::Predictor pr(m);
  auto p = pr.run_ids(m, ids);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  // predict() returns probabilities: log(p) is within a few eps of the log-softmax here (no
  // probability in these fixtures is near underflow).
  std::vector<float> got;
  for (float v : p->probs) got.push_back(std::log(v));
  std::vector<double> ref;
  const int rows = m.config.task == recur::Task::kClassifier ? 1 : f.lengths[0];
  for (int r = 0; r < rows; ++r) {
    const size_t at = m.config.task == recur::Task::kClassifier ? 0 : size_t(r) * B;
    ref.insert(ref.end(), f.log_probs.begin() + at * out, f.log_probs.begin() + (at + 1) * out);
  }
  EXPECT_EQ(check("predictor<float> log_probs (b=0)", got, ref, k), "");
}

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesNumpyReference) {
  const GoldenCase& gc = GetParam();
  std::printf("[golden] %s\n", gc.name);
  auto model = recur::load_model_file(path_of(gc.name, ".safetensors"));
  ASSERT_TRUE(model.is_ok()) << model.status().message();
  Fixture f;
  std::string error;
  ASSERT_TRUE(load_fixture(gc.name, f, error)) << error;
  ASSERT_EQ(f.ids.size(), size_t(f.steps) * f.batch);
  ASSERT_EQ(f.lengths.size(), size_t(f.batch));

  run_network<float>("network<float>", model.value(), f, gc.k_float);
  run_network<double>("network<double>", recur::cast_model<double>(model.value()), f, gc.k_double);
  if (model->config.task == recur::Task::kLm && !model->config.bidirectional)
    run_stepper(model.value(), f, gc.k_float);
  if (!model->config.bidirectional && f.init_h.empty()) run_predictor(model.value(), f, gc.k_float);
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) { return std::string(info.param.name); });

// The comparison must be able to fail: a 1e-2 change in one bias of the g gate moves c by about
// i * (1 - g^2) * 1e-2 and h by ~1e-3, far outside the float tolerance of lm_lstm.
TEST(GoldenSelfCheck, PerturbedWeightFails) {
  auto model = recur::load_model_file(path_of("lm_lstm", ".safetensors"));
  ASSERT_TRUE(model.is_ok()) << model.status().message();
  Fixture f;
  std::string error;
  ASSERT_TRUE(load_fixture("lm_lstm", f, error)) << error;
  auto& p = model->params;
  const auto& b_ih = p.tensors[recur::cell_index(model->config, 0, 0).b_ih];
  p.ptr(b_ih)[2 * model->config.hidden_size] += 1e-2f;  // rows i, f, g, o: first unit of g
  recur::Network<float> net(model->config);
  net.forward(p, f.ids.data(), f.steps, f.batch, f.lengths.data(), nullptr, false, nullptr);
  const auto& h = net.final_state().h;
  ASSERT_EQ(h.size(), f.final_h.size());
  EXPECT_NE(within<float>(h.data(), f.final_h.data(), h.size(), kCases[2].k_float), "");
}

}  // namespace
