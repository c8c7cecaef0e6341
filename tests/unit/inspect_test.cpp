// trace() against the cell equations written out here in plain double loops (PyTorch's
// conventions), and saliency() against central finite differences in double.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "model/inspect.h"
#include "model/network.h"
#include "support/small_model.h"

namespace recur {
namespace {

Model<double> make(CellKind cell, Task task, int layers, bool bidirectional) {
  return cast_model<double>(testing::small_model(cell, task, {layers, 9, 4, 5, 5, bidirectional}));
}

double sigmoid(double v) { return 1 / (1 + std::exp(-v)); }

// One direction of one layer by the book: returns h (T, H) and fills c and gates (T, G*H).
std::vector<double> reference_layer(const CellWeights<double>& w, const std::vector<double>& x, int T, bool reverse,
                                    std::vector<double>& c_out, std::vector<double>& gates_out) {
  const int H = w.H, I = w.I, G = gate_count(w.kind);
  std::vector<double> h(H, 0), c(H, 0), hs(size_t(T) * H), pre_x(size_t(G) * H), pre_h(size_t(G) * H);
  c_out.assign(size_t(T) * H, 0);
  gates_out.assign(size_t(T) * G * H, 0);
  for (int s = 0; s < T; ++s) {
    const int t = reverse ? T - 1 - s : s;
    for (int r = 0; r < G * H; ++r) {
      pre_x[r] = w.b_ih[r];
      pre_h[r] = w.b_hh[r];
      for (int i = 0; i < I; ++i) pre_x[r] += w.w_ih[size_t(r) * I + i] * x[size_t(t) * I + i];
      for (int j = 0; j < H; ++j) pre_h[r] += w.w_hh[size_t(r) * H + j] * h[j];
    }
    double* g = gates_out.data() + size_t(t) * G * H;
    for (int u = 0; u < H; ++u) {
      if (w.kind == CellKind::kLstm) {
        const double i = sigmoid(pre_x[u] + pre_h[u]), f = sigmoid(pre_x[H + u] + pre_h[H + u]);
        const double gg = std::tanh(pre_x[2 * H + u] + pre_h[2 * H + u]), o = sigmoid(pre_x[3 * H + u] + pre_h[3 * H + u]);
        c[u] = f * c[u] + i * gg;
        g[u] = i, g[H + u] = f, g[2 * H + u] = gg, g[3 * H + u] = o;
        hs[size_t(t) * H + u] = o * std::tanh(c[u]);
        c_out[size_t(t) * H + u] = c[u];
      } else if (w.kind == CellKind::kGru) {
        const double r = sigmoid(pre_x[u] + pre_h[u]), z = sigmoid(pre_x[H + u] + pre_h[H + u]);
        const double n = std::tanh(pre_x[2 * H + u] + r * pre_h[2 * H + u]);
        g[u] = r, g[H + u] = z, g[2 * H + u] = n;
        hs[size_t(t) * H + u] = (1 - z) * n + z * h[u];
      } else {
        const double v = pre_x[u] + pre_h[u];
        hs[size_t(t) * H + u] = w.kind == CellKind::kRnnTanh ? std::tanh(v) : std::max(0.0, v);
      }
    }
    for (int u = 0; u < H; ++u) h[u] = hs[size_t(t) * H + u];
  }
  return hs;
}

double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

TEST(Inspect, TraceFollowsTheCellEquations) {
  const std::string text = "abcdhgfeabba";
  for (CellKind cell : {CellKind::kRnnTanh, CellKind::kLstm, CellKind::kGru})
    for (bool bidirectional : {false, true}) {
      SCOPED_TRACE(std::string(cell_name(cell)) + (bidirectional ? " bidirectional" : ""));
      const Model<double> m = make(cell, bidirectional ? Task::kTagger : Task::kLm, 2, bidirectional);
      auto tr = trace(m, text);
      ASSERT_TRUE(tr.is_ok()) << tr.status().message();
      const int T = int(text.size()), H = m.config.hidden_size, E = m.config.embedding_dim, D = bidirectional ? 2 : 1;
      ASSERT_EQ(tr->steps, T);
      ASSERT_EQ(tr->gates, cell == CellKind::kRnnTanh ? 0 : gate_count(cell));
      // Layer 0 reads the embedding rows; each layer above reads [h_fwd; h_bwd] of the one below.
      auto ids = m.vocab.encode(text);
      const double* emb = m.params.ptr(m.params.tensors[embedding_index()]);
      std::vector<double> x;
      for (int32_t id : ids.value()) x.insert(x.end(), emb + size_t(id) * E, emb + size_t(id + 1) * E);
      for (int k = 0; k < m.config.num_layers; ++k) {
        std::vector<double> next(size_t(T) * D * H);
        for (int d = 0; d < D; ++d) {
          std::vector<double> c, gates;
          const std::vector<double> h = reference_layer(cell_weights(m.config, m.params, k, d), x, T, d == 1, c, gates);
          const int slot = k * D + d;
          EXPECT_LT(max_diff(tr->h[size_t(slot)], h), 1e-12) << "h, layer " << k << " dir " << d;
          if (cell == CellKind::kLstm) {
            EXPECT_LT(max_diff(tr->c[size_t(slot)], c), 1e-12) << "c";
          } else {
            EXPECT_TRUE(tr->c[size_t(slot)].empty());
          }
          if (tr->gates) {
            EXPECT_LT(max_diff(tr->gate[size_t(slot)], gates), 1e-12) << "gates";
          }
          for (int t = 0; t < T; ++t)
            for (int u = 0; u < H; ++u) next[(size_t(t) * D + d) * H + u] = h[size_t(t) * H + u];
        }
        x = next;
      }
    }
}

// Distinct characters, so that moving one embedding row moves exactly one x_t.
TEST(Inspect, SaliencyIsTheGradientOfTheLogProbability) {
  const std::string text = "hbfadgec";
  struct Case {
    CellKind cell;
    Task task;
    bool bidirectional;
    int position, target;
  };
  for (const Case& k : {Case{CellKind::kLstm, Task::kLm, false, 5, 3}, Case{CellKind::kGru, Task::kTagger, true, 2, -1},
                        Case{CellKind::kRnnTanh, Task::kClassifier, true, 0, 1}, Case{CellKind::kLstm, Task::kTagger, false, 7, 0}}) {
    SCOPED_TRACE(std::string(cell_name(k.cell)) + " " + task_name(k.task) + (k.bidirectional ? " bidirectional" : ""));
    Model<double> m = make(k.cell, k.task, 2, k.bidirectional);
    auto s = saliency(m, text, k.position, k.target);
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    if (k.target >= 0) {
      EXPECT_EQ(s->target, k.target);
    }
    const int E = m.config.embedding_dim;
    auto ids = m.vocab.encode(text);
    double* emb = m.params.ptr(m.params.tensors[embedding_index()]);
    const double h = 1e-5;
    for (size_t t = 0; t < text.size(); ++t) {
      double sq = 0, dot = 0;
      for (int e = 0; e < E; ++e) {
        double& w = emb[size_t(ids.value()[t]) * E + e];
        const double keep = w;
        w = keep + h;
        const double up = saliency(m, text, k.position, s->target)->log_prob;
        w = keep - h;
        const double down = saliency(m, text, k.position, s->target)->log_prob;
        w = keep;
        const double g = (up - down) / (2 * h);
        sq += g * g;
        dot += g * keep;
      }
      EXPECT_NEAR(s->grad_norm[t], std::sqrt(sq), 1e-7) << "t = " << t;
      EXPECT_NEAR(s->grad_times_input[t], dot, 1e-7) << "t = " << t;
      // A model that reads left to right cannot depend on what comes after the output it gives.
      if (!k.bidirectional && k.task != Task::kClassifier && int(t) > k.position) {
        EXPECT_EQ(s->grad_norm[t], 0.0);
      }
      if (k.bidirectional) {
        EXPECT_GT(s->grad_norm[t], 0.0);
      }
    }
  }
}

TEST(Inspect, RefusesWhatItCannotRead) {
  const Model<double> lm = make(CellKind::kLstm, Task::kLm, 1, false);
  EXPECT_NE(trace(lm, "").status().message().find("empty"), std::string::npos);
  EXPECT_NE(trace(lm, std::string(kMaxInspectChars + 1, 'a')).status().message().find("at most 10000"), std::string::npos);
  EXPECT_EQ(saliency(lm, "abc", 3, 0).status().message(), "position must be an output row in 0..2, got 3");
  EXPECT_EQ(saliency(lm, "abc", 0, 9).status().message(), "target must be a class in 0..8 or -1 (the most probable), got 9");
  const Model<double> cls = make(CellKind::kGru, Task::kClassifier, 1, true);
  EXPECT_FALSE(saliency(cls, "abc", 1, 0).is_ok()) << "a classifier has one output row";
  EXPECT_TRUE(saliency(cls, "abc", 0, -1).is_ok());
}

}  // namespace
}  // namespace recur
