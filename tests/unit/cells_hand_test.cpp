// Hand-derived checks of the PyTorch cell equations with E = H = 1: two LSTM steps, two GRU steps
// (r multiplies W_hn h + b_hn, bias included) and a bidirectional tanh RNN with a padded sequence.
// Every expected value is written out below with std::exp / std::tanh, next to its derivation.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/network.h"
#include "support/compare.h"

namespace {

using recur::testing::within;

double sig(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Double engine vs double hand formulas: a handful of roundings, so a few eps.
constexpr double kTol = 16;

// A double model from create_model(), then every tensor overwritten by name.
recur::Model<double> hand_model(const recur::Config& c, std::vector<std::string> labels,
                                const std::vector<std::pair<std::string, std::vector<double>>>& values) {
  auto m = recur::create_model(c, {"a", "b"}, std::move(labels), 1);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  recur::Model<double> d = recur::cast_model<double>(m.value());
  for (const auto& [name, v] : values) {
    const recur::TensorInfo* t = d.params.find(name);
    EXPECT_NE(t, nullptr) << name;
    if (!t) continue;
    EXPECT_EQ(t->size, v.size()) << name;
    for (size_t i = 0; i < v.size() && i < t->size; ++i) d.params.ptr(*t)[i] = v[i];
  }
  return d;
}

recur::Config tiny(recur::Task task, recur::CellKind cell, bool bidirectional, int labels) {
  recur::Config c;
  c.task = task;
  c.cell = cell;
  c.vocab_size = 2;
  c.embedding_dim = 1;
  c.hidden_size = 1;
  c.num_layers = 1;
  c.bidirectional = bidirectional;
  c.num_labels = labels;
  return c;
}

// Embedding a -> x = 1, b -> x = -1; the lm head maps h to logits [2h + 0.25, -h].
const std::pair<std::string, std::vector<double>> kEmbedding{"embedding.weight", {1, -1}};
const std::pair<std::string, std::vector<double>> kLmHeadW{"head.weight", {2, -1}};
const std::pair<std::string, std::vector<double>> kLmHeadB{"head.bias", {0.25, 0}};

TEST(CellsByHand, LstmTwoSteps) {
  // Gate rows i, f, g, o.
  const auto m = hand_model(tiny(recur::Task::kLm, recur::CellKind::kLstm, false, 0), {},
                            {kEmbedding,
                             {"rnn.weight_ih_l0", {0.5, -1, 1, 1}},
                             {"rnn.weight_hh_l0", {1, 0.5, 0.5, 0.5}},
                             {"rnn.bias_ih_l0", {0, 1, 0, 0}},
                             {"rnn.bias_hh_l0", {0.5, 0, 0, 0}},
                             kLmHeadW,
                             kLmHeadB});
  // t=0, x=1, h=c=0: i = s(0.5+0.5), f = s(-1+1) = 0.5, g = tanh(1), o = s(1).
  const double c1 = 0.5 * 0 + sig(1) * std::tanh(1.0);  // 0.55677
  const double h1 = sig(1) * std::tanh(c1);             // 0.36961
  // t=1, x=-1: i = s(-0.5 + h1 + 0.5), f = s(1 + 0.5 h1 + 1), g = tanh(-1 + 0.5 h1), o = s(-1 + 0.5 h1).
  const double c2 = sig(2 + 0.5 * h1) * c1 + sig(h1) * std::tanh(-1 + 0.5 * h1);  // 0.10281
  const double h2 = sig(-1 + 0.5 * h1) * std::tanh(c2);                           // 0.03143
  const int32_t ids[2] = {0, 1}, lengths[1] = {2};
  recur::Network<double> net(m.config);
  net.forward(m.params, ids, 2, 1, lengths, nullptr, false, nullptr);
  const double logits[4] = {2 * h1 + 0.25, -h1, 2 * h2 + 0.25, -h2};
  EXPECT_EQ(within<double>(net.logits(), logits, 4, kTol), "");
  ASSERT_EQ(net.final_state().h.size(), 1u);
  ASSERT_EQ(net.final_state().c.size(), 1u);
  EXPECT_EQ(within<double>(net.final_state().h.data(), &h2, 1, kTol), "");
  EXPECT_EQ(within<double>(net.final_state().c.data(), &c2, 1, kTol), "");
}

TEST(CellsByHand, GruTwoSteps) {
  // Gate rows r, z, n. b_hn = 0.5 sits inside r * (...): putting it outside would change n.
  const auto m = hand_model(tiny(recur::Task::kLm, recur::CellKind::kGru, false, 0), {},
                            {kEmbedding,
                             {"rnn.weight_ih_l0", {1, -0.5, 2}},
                             {"rnn.weight_hh_l0", {0.5, 1, -1}},
                             {"rnn.bias_ih_l0", {0, 0.5, 0.25}},
                             {"rnn.bias_hh_l0", {0.5, 0, 0.5}},
                             kLmHeadW,
                             kLmHeadB});
  // t=0, x=1, h=0: r = s(1 + 0.5), z = s(-0.5 + 0.5) = 0.5, n = tanh(2 + 0.25 + r (0 + 0.5)).
  const double n1 = std::tanh(2.25 + sig(1.5) * 0.5);  // 0.99024
  const double h1 = (1 - 0.5) * n1 + 0.5 * 0;          // 0.49512
  // t=1, x=-1: r = s(-1 + 0.5 h1 + 0.5), z = s(0.5 + 0.5 + h1), n = tanh(-2 + 0.25 + r (-h1 + 0.5)).
  const double r2 = sig(-0.5 + 0.5 * h1), z2 = sig(1 + h1);
  const double n2 = std::tanh(-1.75 + r2 * (-h1 + 0.5));  // -0.94113
  const double h2 = (1 - z2) * n2 + z2 * h1;               // 0.23206
  const int32_t ids[2] = {0, 1}, lengths[1] = {2};
  recur::Network<double> net(m.config);
  net.forward(m.params, ids, 2, 1, lengths, nullptr, false, nullptr);
  const double logits[4] = {2 * h1 + 0.25, -h1, 2 * h2 + 0.25, -h2};
  EXPECT_EQ(within<double>(net.logits(), logits, 4, kTol), "");
  ASSERT_EQ(net.final_state().h.size(), 1u);
  EXPECT_EQ(within<double>(net.final_state().h.data(), &h2, 1, kTol), "");
}

TEST(CellsByHand, BidirectionalRnnWithPadding) {
  // Forward h' = tanh(0.5 x + 0.25 - h - 0.25); reverse h' = tanh(-x + 0 + 0.5 h + 0.5).
  // Head (1 label): logit = h_fwd - 2 h_bwd + 0.5.
  const auto m = hand_model(tiny(recur::Task::kTagger, recur::CellKind::kRnnTanh, true, 1), {"x"},
                            {kEmbedding,
                             {"rnn.weight_ih_l0", {0.5}},
                             {"rnn.weight_hh_l0", {-1}},
                             {"rnn.bias_ih_l0", {0.25}},
                             {"rnn.bias_hh_l0", {-0.25}},
                             {"rnn.weight_ih_l0_reverse", {-1}},
                             {"rnn.weight_hh_l0_reverse", {0.5}},
                             {"rnn.bias_ih_l0_reverse", {0}},
                             {"rnn.bias_hh_l0_reverse", {0.5}},
                             {"head.weight", {1, -2}},
                             {"head.bias", {0.5}}});
  // Time-major ids[t*B+b], B=2: sequence 0 = (a, b) -> x = (1, -1); sequence 1 = (b) -> x = -1,
  // then a padding step (id 0) that must not touch either direction.
  const int32_t ids[4] = {0, 1, 1, 0}, lengths[2] = {2, 1};
  // Sequence 0. Forward t=0,1; reverse starts from zero at t=1, then t=0.
  const double f0 = std::tanh(0.5), f1 = std::tanh(-0.5 - f0);                    // 0.46212, -0.74522
  const double r1 = std::tanh(1 + 0.5), r0 = std::tanh(-1 + 0.5 * r1 + 0.5);      // 0.90515, -0.04739
  // Sequence 1: a single step each way, both from zero: the reverse pass skips the padding at t=1.
  const double g0 = std::tanh(-0.5), q0 = std::tanh(1 + 0.5);                     // -0.46212, 0.90515
  recur::Network<double> net(m.config);
  net.forward(m.params, ids, 2, 2, lengths, nullptr, false, nullptr);
  // Rows t*B+b: (0,0), (0,1), (1,0); row (1,1) is padding and has no defined value.
  const double* lg = net.logits();
  const double got[3] = {lg[0], lg[1], lg[2]};
  const double want[3] = {f0 - 2 * r0 + 0.5, g0 - 2 * q0 + 0.5, f1 - 2 * r1 + 0.5};
  EXPECT_EQ(within<double>(got, want, 3, kTol), "");
  // Final state (L*D=2, B=2, H=1): forward after each last symbol, reverse after t=0.
  const double state[4] = {f1, g0, r0, q0};
  ASSERT_EQ(net.final_state().h.size(), 4u);
  EXPECT_EQ(within<double>(net.final_state().h.data(), state, 4, kTol), "");
}

}  // namespace
