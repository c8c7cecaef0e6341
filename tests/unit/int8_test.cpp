// int8 inference (kernels/int8.h, model/precision.h) against independent computations: a case
// worked by hand, exact integer sums in int64, the error bound that rounding allows, and whole
// models run at float32 on the rounded weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/rng.h"
#include "kernels/int8.h"
#include "model/model.h"
#include "model/network.h"
#include "model/precision.h"
#include "model/predict.h"
#include "support/compare.h"
#include "support/small_model.h"

namespace recur {
namespace {

// Row (1, -0.5, 0.25): scale 1/127, q = (127, -64, 32) (-63.5 rounds away from zero).
// x (1, 2, -4): sx = 4/16383, xq = (4096, 8192, -16383) (4095.75 and 8191.5 round up).
// sum q xq = 520192 - 524288 - 524256 = -528352, times (1/127)(4/16383): -2113408/2080641.
TEST(Int8, HandWorkedRow) {
  const float W[3] = {1.f, -0.5f, 0.25f}, x[3] = {1.f, 2.f, -4.f}, b[1] = {0.5f};
  const I8Matrix m = quantize_rows(1, 3, W, 3);
  ASSERT_EQ(m.ld, 16);
  EXPECT_EQ(m.q[0], 127);
  EXPECT_EQ(m.q[1], -64);
  EXPECT_EQ(m.q[2], 32);
  for (int k = 3; k < 16; ++k) EXPECT_EQ(m.q[k], 0) << k;
  EXPECT_FLOAT_EQ(m.scale[0], 1.f / 127);
  std::vector<int16_t> xq(16, 0);
  const float sx = quantize_vector(3, x, xq.data());
  EXPECT_FLOAT_EQ(sx, 4.f / 16383);
  EXPECT_EQ(xq[0], 4096);
  EXPECT_EQ(xq[1], 8192);
  EXPECT_EQ(xq[2], -16383);
  float y = 0, y_ref = 0;
  i8_gemv(m, 1, xq.data(), 16, &sx, b, &y, 1);
  ref::i8_gemv(m, 1, xq.data(), 16, &sx, b, &y_ref, 1);
  const double expected = 0.5 - 2113408.0 / 2080641.0;
  EXPECT_NEAR(y, expected, 1e-6);
  EXPECT_NEAR(y_ref, expected, 1e-6);
  I8Scratch scratch;
  float y_linear = 0;
  i8_linear(m, 1, x, 3, b, &y_linear, 1, scratch);
  EXPECT_EQ(y_linear, y);
}

TEST(Int8, ZeroRowsAndVector) {
  const float W[4] = {0, 0, 0.5f, -1}, x[2] = {0, 0}, b[2] = {1, 2};
  const I8Matrix m = quantize_rows(2, 2, W, 2);
  EXPECT_EQ(m.scale[0], 0.f);
  I8Scratch scratch;
  float y[2];
  i8_linear(m, 1, x, 2, b, y, 2, scratch);
  EXPECT_EQ(y[0], 1.f);
  EXPECT_EQ(y[1], 2.f);
}

// A diverged state (NaN or inf) must give NaN, as float32 would, not plausible numbers; a vector
// or row too small to scale rounds to 0; halves round away from zero, and only halves.
TEST(Int8, NonFiniteTinyAndHalfwayValues) {
  const float W[4] = {0.5f, -1, 1e-37f, -2e-37f};  // row 1: 127 / 2e-37 overflows
  const I8Matrix m = quantize_rows(2, 2, W, 2);
  EXPECT_EQ(m.scale[1], 0.f);
  EXPECT_EQ(m.q[size_t(m.ld)], 0);
  const float b[2] = {0, 0};
  I8Scratch scratch;
  float y[2];
  for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
    const float x[2] = {1, bad};
    i8_linear(m, 1, x, 2, b, y, 2, scratch);
    EXPECT_TRUE(std::isnan(y[0])) << bad;
  }
  const float tiny[2] = {1e-36f, -3e-36f};  // 16383 / 3e-36 overflows
  int16_t xq[2] = {5, 5};
  EXPECT_EQ(quantize_vector(2, tiny, xq), 0.f);
  EXPECT_EQ(xq[0], 0);
  EXPECT_EQ(xq[1], 0);
  const float halves[5] = {16383, 0.49999997f, 0.5f, -2.5f, -0.49999997f};  // sx = 1
  int16_t h[5];
  EXPECT_EQ(quantize_vector(5, halves, h), 1.f);
  EXPECT_EQ(std::vector<int16_t>(h, h + 5), (std::vector<int16_t>{16383, 0, 1, -3, 0}));
}

// Rounding a vector at a time (long rows and vectors) against rounding in double: halves and
// near-halves at every lane, and NaN or inf found wherever it sits.
TEST(Int8, LongRowsRoundAsTheFormulaSays) {
  const int n = 53;  // several SIMD vectors and a tail
  std::vector<float> x(static_cast<size_t>(n));
  const float pattern[6] = {0.5f, -2.5f, 0.49999997f, -0.49999997f, 1.5f, 3.75f};
  for (int k = 0; k < n; ++k) x[size_t(k)] = pattern[k % 6] * (k % 4 == 0 ? 1.f : -1.f);
  x[size_t(n) - 5] = 16383;  // sx = 1: x itself is rounded
  std::vector<int16_t> xq(static_cast<size_t>(n));
  ASSERT_EQ(quantize_vector(n, x.data(), xq.data()), 1.f);
  for (int k = 0; k < n; ++k) {
    const double v = x[size_t(k)], r = v >= 0 ? std::floor(v + 0.5) : -std::floor(-v + 0.5);
    EXPECT_EQ(xq[size_t(k)], int16_t(r)) << k << ": " << v;
  }
  // A row of 53 with max 127: q = w rounded.
  std::vector<float> w(x);
  w[size_t(n) - 5] = 127;
  const I8Matrix m = quantize_rows(1, n, w.data(), n);
  ASSERT_EQ(m.scale[0], 1.f);
  for (int k = 0; k < n; ++k) {
    const double v = w[size_t(k)], r = v >= 0 ? std::floor(v + 0.5) : -std::floor(-v + 0.5);
    EXPECT_EQ(m.q[size_t(k)], int8_t(r)) << k;
  }
  for (int at : {0, 9, 31, n - 1})
    for (float bad : {std::nanf(""), INFINITY}) {
      std::vector<float> y(x);
      y[size_t(at)] = bad;
      EXPECT_TRUE(std::isnan(quantize_vector(n, y.data(), xq.data()))) << at << " " << bad;
      EXPECT_EQ(quantize_rows(1, n, y.data(), n).scale[0], 0.f) << at << " " << bad;
    }
}

// The SIMD kernel and the scalar twin against exact int64 sums, at sizes around the 4-row
// groups, the 16-column blocks, the 1024-column chunks and the pairs of vectors, with random and
// extreme values (every product at its largest: a chunk's sum is 2,130,576,384, just below 2^31).
TEST(Int8, SumsAreExact) {
  Rng rng(5);
  for (int rows : {1, 3, 4, 5, 9})
    for (int cols : {1, 15, 16, 17, 100, 1023, 1024, 1025, 2049, 4100})
      for (int n : {1, 2, 3, 5})
        for (bool extreme : {false, true}) {
          I8Matrix m = i8_zeros(rows, cols);
          const int ldx = m.ld + 16, ldy = rows + 3;  // strided rows
          std::vector<int16_t> xq(size_t(n) * ldx, 0);
          std::vector<float> sx(static_cast<size_t>(n));
          for (int v = 0; v < n; ++v) {
            sx[size_t(v)] = 0.001f * float(v + 1);
            for (int k = 0; k < cols; ++k)
              xq[size_t(v) * ldx + k] =
                  int16_t(extreme ? kXqMax : int(rng.next_u64() % (2 * kXqMax + 1)) - kXqMax);
          }
          for (int r = 0; r < rows; ++r) {
            m.scale[size_t(r)] = 1.f / float(1 + r);
            for (int k = 0; k < cols; ++k)
              m.q[size_t(r) * m.ld + k] = int8_t(extreme ? (r % 2 ? -127 : 127) : int(rng.next_u64() % 255) - 127);
          }
          const size_t R = size_t(rows), Y = size_t(n) * ldy;
          std::vector<float> b(R), y(Y, -7.f), y_ref(Y, -7.f), want(Y, -7.f);
          std::vector<double> mass(Y, 0.0);  // |b| + |each chunk's term|: what float rounding scales with
          for (int r = 0; r < rows; ++r) b[size_t(r)] = float(r) - 1.5f;
          for (int v = 0; v < n; ++v)
            for (int r = 0; r < rows; ++r) {
              // Each chunk's sum exactly, then the float arithmetic the kernels are documented to do.
              float acc = b[size_t(r)];
              double& mass_vr = mass[size_t(v) * ldy + r];
              mass_vr = std::fabs(acc);
              for (int k0 = 0; k0 < m.ld; k0 += kI8Chunk) {
                int64_t sum = 0;
                for (int k = k0; k < std::min(m.ld, k0 + kI8Chunk); ++k)
                  sum += int64_t(m.q[size_t(r) * m.ld + k]) * xq[size_t(v) * ldx + k];
                ASSERT_LT(std::abs(sum), int64_t(1) << 31);
                acc += float(sum) * (m.scale[size_t(r)] * sx[size_t(v)]);
                mass_vr += std::fabs(double(sum) * m.scale[size_t(r)] * sx[size_t(v)]);
              }
              want[size_t(v) * ldy + r] = acc;
            }
          i8_gemv(m, n, xq.data(), ldx, sx.data(), b.data(), y.data(), ldy);
          ref::i8_gemv(m, n, xq.data(), ldx, sx.data(), b.data(), y_ref.data(), ldy);
          // The sums are exact; only the float epilogue may round differently (a fused multiply-add
          // in one path): 4 eps of the terms' magnitude. The padding between rows of y (-7) stays.
          for (size_t i = 0; i < Y; ++i) {
            const double tol = 4 * 1.1920929e-7 * std::max(mass[i], 1.0);
            EXPECT_LE(std::fabs(double(y[i]) - want[i]), tol) << rows << "x" << cols << " n " << n << " at " << i;
            EXPECT_LE(std::fabs(double(y_ref[i]) - want[i]), tol) << rows << "x" << cols << " n " << n << " at " << i;
          }
        }
}

// Against the float product: the rounding of W (at most scale/2 per weight) and of x (sx/2)
// bounds the error of each row by sum_k (|w_k| + scale/2) sx/2 + (scale/2) |x_k|, plus float
// rounding of the sums. The bound must hold and must not be vacuous (the error is seen).
TEST(Int8, ErrorWithinTheRoundingBound) {
  Rng rng(9);
  for (int cols : {7, 64, 300, 1500}) {
    const int rows = 33;
    const size_t R = size_t(rows), K = size_t(cols);
    std::vector<float> W(R * K), x(K), b(R), y(R);
    for (float& v : W) v = float(rng.uniform() * 2 - 1) * 0.3f;
    for (float& v : x) v = std::tanh(float(rng.uniform() * 6 - 3));
    for (float& v : b) v = float(rng.uniform() - 0.5);
    const I8Matrix m = quantize_rows(rows, cols, W.data(), cols);
    I8Scratch scratch;
    i8_linear(m, 1, x.data(), cols, b.data(), y.data(), rows, scratch);
    float amax = 0;
    for (float v : x) amax = std::max(amax, std::fabs(v));
    const double sx = amax / kXqMax;
    double seen = 0;
    for (int r = 0; r < rows; ++r) {
      double exact = b[size_t(r)], bound = 0, mass = std::fabs(b[size_t(r)]);
      const double s = m.scale[size_t(r)];
      for (int k = 0; k < cols; ++k) {
        const double w = W[size_t(r) * cols + k];
        exact += w * x[size_t(k)];
        bound += (std::fabs(w) + s / 2) * sx / 2 + s / 2 * std::fabs(x[size_t(k)]);
        mass += std::fabs(w * x[size_t(k)]);
      }
      bound += 4 * cols * 1.2e-7 * mass;
      const double err = std::fabs(y[size_t(r)] - exact);
      EXPECT_LE(err, bound) << "row " << r << " of " << rows << "x" << cols;
      seen = std::max(seen, err);
    }
    EXPECT_GT(seen, 1e-5) << cols;  // rounding really happened: this is not the float32 product
  }
}

// A model whose rounded matrices are replaced by their int8 values (q * scale), run at float32:
// the int8 stepper must match it up to the rounding of the vectors, and differ from the
// original model by the rounding of the weights.
Model<float> rounded(const Model<float>& m, bool head, int ih_from, int hh_layers) {
  Model<float> r = m;
  auto round_in_place = [](float* W, int rows, int cols) {
    const I8Matrix q = quantize_rows(rows, cols, W, cols);
    for (int i = 0; i < rows; ++i)
      for (int k = 0; k < cols; ++k) W[size_t(i) * cols + k] = float(q.q[size_t(i) * q.ld + k]) * q.scale[size_t(i)];
  };
  const Config& c = m.config;
  const int GH = gate_count(c.cell) * c.hidden_size;
  for (int k = 0; k < c.num_layers; ++k) {
    const CellIndex ix = cell_index(c, k, 0);
    if (k >= ih_from) round_in_place(r.params.ptr(r.params.tensors[ix.w_ih]), GH, k == 0 ? c.embedding_dim : c.hidden_size);
    if (k < hh_layers) round_in_place(r.params.ptr(r.params.tensors[ix.w_hh]), GH, c.hidden_size);
  }
  if (head) round_in_place(r.params.ptr(r.params.tensors[head_weight_index(c)]), output_size(c), c.hidden_size);
  return r;
}

std::vector<float> feed_all(Stepper<float>& s, const Params<float>& p, int V, int n) {
  std::vector<float> out;
  s.reset(p);
  for (int i = 0; i < n; ++i) {
    const float* l = s.feed(p, int32_t((i * 5 + i / 4) % V));
    out.insert(out.end(), l, l + V);
  }
  return out;
}

TEST(Int8Stepper, IsFloat32OnTheRoundedWeights) {
  for (CellKind cell : {CellKind::kRnnTanh, CellKind::kLstm, CellKind::kGru})
    for (int layers : {1, 2})
      for (bool fold : {true, false}) {
        const Model<float> m = testing::small_model(cell, Task::kLm, {layers, 11, 6, 37, 3});
        const int V = m.config.vocab_size;
        Stepper<float> q(m.config, fold, Precision::kInt8), f(m.config, fold);
        const std::vector<float> got = feed_all(q, m.params, V, 30);
        const Model<float> r = rounded(m, true, fold ? 1 : 0, layers);
        const std::vector<float> want = feed_all(f, r.params, V, 30), orig = feed_all(f, m.params, V, 30);
        const double to_rounded = testing::max_scaled_error(got.data(), want.data(), want.size());
        const double to_float = testing::max_scaled_error(got.data(), orig.data(), orig.size());
        EXPECT_LT(to_rounded, 2e-4) << cell_name(cell) << " " << layers << " fold " << fold;
        EXPECT_GT(to_float, 10 * to_rounded) << cell_name(cell) << " " << layers << " fold " << fold;
      }
}

// Parameters changed mid-stream (training between two pieces): params_changed(), not reset(),
// must drop the int8 copies while the state carries on. The reference steps a float32 stepper on
// the rounded old weights, then on the rounded new ones.
TEST(Int8Stepper, FollowsChangedParameters) {
  Model<float> m = testing::small_model(CellKind::kLstm, Task::kLm, {2, 11, 6, 37, 3});
  Stepper<float> q(m.config, true, Precision::kInt8), f(m.config);
  const Model<float> before = rounded(m, true, 1, 2);
  q.reset(m.params);
  f.reset(before.params);
  for (int i = 0; i < 5; ++i) {
    q.feed(m.params, int32_t(1 + i));
    f.feed(before.params, int32_t(1 + i));
  }
  for (float& v : m.params.data) v *= 0.5f;
  const Model<float> after = rounded(m, true, 1, 2);
  q.params_changed();
  f.params_changed();
  std::vector<float> got, want;
  for (int i = 0; i < 10; ++i) {
    const float* a = q.feed(m.params, int32_t(1 + (i * 3) % 10));
    const float* b = f.feed(after.params, int32_t(1 + (i * 3) % 10));
    got.insert(got.end(), a, a + 11);
    want.insert(want.end(), b, b + 11);
  }
  EXPECT_LT(testing::max_scaled_error(got.data(), want.data(), want.size()), 2e-4);
}

// A Transformer's generation step at int8 rounds in_proj, out_proj, linear1, linear2 and the head;
// its attention over the key/value cache stays float32. Past its window (6) twice, so the
// restarts re-read through the int8 products too.
// A small causal Transformer lm (window 6) with random parameters, biases and norms away from 0 and 1.
Config small_transformer(bool norm_first) {
  Config c;
  c.task = Task::kLm;
  c.cell = CellKind::kTransformer;
  c.vocab_size = 9;
  c.embedding_dim = c.hidden_size = 8;
  c.num_layers = 2;
  c.num_heads = 2;
  c.ff_size = 12;
  c.max_len = 6;
  c.norm_first = norm_first;
  return c;
}
Params<float> random_params(const Config& c) {
  Params<float> p(c);
  Rng rng(5);
  init_params(c, p, rng);
  for (float& v : p.data) v += float(rng.uniform(-0.3, 0.3));
  return p;
}

TEST(Int8Stepper, TransformerIsFloat32OnTheRoundedWeights) {
  for (bool norm_first : {false, true}) {
    const Config c = small_transformer(norm_first);
    const Params<float> p = random_params(c);
    Params<float> r = p;
    auto round_in_place = [&](size_t tensor, int rows, int cols) {
      float* W = r.ptr(r.tensors[tensor]);
      const I8Matrix q = quantize_rows(rows, cols, W, cols);
      for (int i = 0; i < rows; ++i)
        for (int k = 0; k < cols; ++k) W[size_t(i) * cols + k] = float(q.q[size_t(i) * q.ld + k]) * q.scale[size_t(i)];
    };
    const int d = c.hidden_size, F = c.ff_size;
    for (int k = 0; k < c.num_layers; ++k) {
      const size_t at = size_t(encoder_index(k));
      round_in_place(at, 3 * d, d);      // in_proj
      round_in_place(at + 2, d, d);      // out_proj
      round_in_place(at + 4, F, d);      // linear1
      round_in_place(at + 6, d, F);      // linear2
    }
    round_in_place(size_t(head_weight_index(c)), c.vocab_size, d);
    Stepper<float> q(c, true, Precision::kInt8), f(c);
    const std::vector<float> got = feed_all(q, p, c.vocab_size, 17);
    const std::vector<float> want = feed_all(f, r, c.vocab_size, 17), orig = feed_all(f, p, c.vocab_size, 17);
    const double to_rounded = testing::max_scaled_error(got.data(), want.data(), want.size());
    const double to_float = testing::max_scaled_error(got.data(), orig.data(), orig.size());
    // Four rounded vectors per layer and the head's, in sequence (a recurrent step: two or three).
    EXPECT_LT(to_rounded, 5e-4) << "norm_first " << norm_first;
    std::printf("[ int8  ] transformer norm_first %d: %.2e from the rounded weights, %.2e from float32\n", int(norm_first), to_rounded, to_float);
    EXPECT_GT(to_float, 10 * to_rounded) << "norm_first " << norm_first;
  }
}

// Three streams side by side at int8, each past the window (restarting together), give each
// stream's one-stream numbers bit for bit: the integer sums do not depend on the batch.
TEST(Int8Stepper, TransformerStreamsAreTheirOneStreamRuns) {
  const Config c = small_transformer(false);
  const Params<float> p = random_params(c);
  const int B = 3, V = c.vocab_size;
  Stepper<float> batch(c, true, Precision::kInt8, B);
  std::vector<Stepper<float>> one;
  for (int b = 0; b < B; ++b) one.emplace_back(c, true, Precision::kInt8);
  batch.reset(p);
  for (auto& s : one) s.reset(p);
  for (int t = 0; t < 15; ++t) {
    int32_t ids[B];
    for (int b = 0; b < B; ++b) ids[b] = int32_t((3 * t + 5 * b + t / 4) % V);
    const float* l = batch.feed(p, ids);
    for (int b = 0; b < B; ++b) {
      const float* lb = one[size_t(b)].feed(p, ids[b]);
      EXPECT_EQ(std::memcmp(l + size_t(b) * V, lb, sizeof(float) * size_t(V)), 0) << "step " << t << " stream " << b;
    }
  }
}

TEST(Int8Predictor, RoundsTheRecurrentProductOnly) {
  for (Task task : {Task::kLm, Task::kTagger}) {
    const Model<float> m = testing::small_model(CellKind::kGru, task, {2, 11, 6, 37, 3});
    std::vector<int32_t> ids;
    for (int i = 0; i < 50; ++i) ids.push_back(int32_t(1 + (i * 3) % 10));
    Predictor q(m, Precision::kInt8), f(m), g(m);  // f and g: one model each (folded rows)
    const Model<float> r = rounded(m, false, m.config.num_layers, m.config.num_layers);
    auto got = q.run_ids(m, ids), want = f.run_ids(r, ids), orig = g.run_ids(m, ids);
    ASSERT_TRUE(got.is_ok() && want.is_ok() && orig.is_ok());
    const size_t n = got->probs.size();
    const double to_rounded = testing::max_scaled_error(got->probs.data(), want->probs.data(), n);
    EXPECT_LT(to_rounded, 1e-4);
    EXPECT_GT(testing::max_scaled_error(got->probs.data(), orig->probs.data(), n), 10 * to_rounded);
  }
}

TEST(Int8, PrecisionNames) {
  EXPECT_EQ(precision_names(), (std::vector<std::string>{"float32", "int8"}));
  EXPECT_EQ(parse_precision("int8").value(), Precision::kInt8);
  auto bad = parse_precision("fp16");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().option(), "precision");
  EXPECT_NE(bad.status().message().find("\"float32\" or \"int8\""), std::string::npos);
}

}  // namespace
}  // namespace recur
