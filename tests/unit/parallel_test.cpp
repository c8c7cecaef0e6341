// Threads (kernels/parallel.h): parallel_for runs every task once; the products, the loss and
// transposes split among threads give the same bits as one thread and match the scalar reference or
// the definitions; training with two or three threads ends at the same weights as with one.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "core/rng.h"
#include "kernels/gemm.h"
#include "kernels/parallel.h"
#include "kernels/reference.h"
#include "layers/softmax.h"
#include "model/model.h"
#include "model/network.h"
#include "support/compare.h"
#include "train/trainer.h"

namespace recur {
namespace {

// Sets the thread count for a scope and puts 1 back.
struct Threads {
  explicit Threads(int n) { EXPECT_TRUE(set_num_threads(n).is_ok()); }
  ~Threads() { EXPECT_TRUE(set_num_threads(1).is_ok()); }
};

std::vector<float> random_matrix(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = float(rng.uniform(-1, 1));
  return v;
}

TEST(Parallel, RunsEveryTaskOnce) {
  for (int threads : {1, 2, 3}) {
    if (threads > max_threads()) break;
    Threads t(threads);
    EXPECT_EQ(num_threads(), threads);
    for (int n : {0, 1, 2, 5, 100}) {
      std::vector<std::atomic<int>> hits(size_t(n) + 1);
      for (int round = 0; round < 50; ++round) parallel_for(n, [&](int i) { hits[size_t(i)]++; });
      for (int i = 0; i < n; ++i)
        EXPECT_EQ(hits[size_t(i)].load(), 50) << threads << " threads, task " << i << " of " << n;
      EXPECT_EQ(hits[size_t(n)].load(), 0);
    }
  }
}

TEST(Parallel, ATaskThatSplitsRunsItsPartsItself) {
  Threads t(std::min(2, max_threads()));
  std::vector<std::atomic<int>> hits(40);
  parallel_for(4, [&](int i) { parallel_for(10, [&](int j) { hits[size_t(i * 10 + j)]++; }); });
  for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
}

// The pool runs one job at a time; a thread that calls while another's job runs does its own tasks.
TEST(Parallel, TwoCallingThreadsEachGetTheirTasksDone) {
  if (!kHaveThreads) GTEST_SKIP() << "this build has no threads";
  Threads t(max_threads());
  std::vector<std::atomic<int>> hits(2 * 64);
  auto caller = [&](int k) {
    for (int round = 0; round < 2000; ++round) parallel_for(64, [&](int i) { hits[size_t(k * 64 + i)]++; });
  };
  std::thread other(caller, 1);
  caller(0);
  other.join();
  for (const auto& h : hits) EXPECT_EQ(h.load(), 2000);
}

TEST(Parallel, RefusesCountsOutsideItsRange) {
  EXPECT_FALSE(set_num_threads(0).is_ok());
  EXPECT_FALSE(set_num_threads(max_threads() + 1).is_ok());
  EXPECT_EQ(num_threads(), 1);
}

// Shapes above the split threshold: column splits with a ragged last part (N not a multiple of the
// vector pair), row splits (N too narrow to split), the recurrent step's shape, and a part wider than
// a block of 512 columns with K over a block of 256.
TEST(Parallel, ProductsGiveTheSameBitsAsOneThread) {
  if (max_threads() < 2) GTEST_SKIP() << "no threads in this build or on this machine";
  struct Shape { int M, N, K; };
  for (const Shape s : {Shape{32, 1024, 256}, Shape{200, 1000, 37}, Shape{301, 9, 700}, Shape{7, 300, 600},
                        Shape{128, 517, 64}, Shape{40, 1100, 300}}) {
    const auto A = random_matrix(size_t(s.M) * s.K, 1), B = random_matrix(size_t(s.K) * s.N, 2);
    const auto At = random_matrix(size_t(s.K) * s.M, 3), Bt = random_matrix(size_t(s.N) * s.K, 4);
    const auto bias = random_matrix(size_t(s.N), 5), C0 = random_matrix(size_t(s.M) * s.N, 6);
    auto run = [&](int threads) {
      Threads t(threads);
      std::vector<std::vector<float>> out(4, C0);
      gemm_nn(s.M, s.N, s.K, A.data(), s.K, B.data(), s.N, out[0].data(), s.N, true);
      gemm_tn(s.M, s.N, s.K, At.data(), s.M, B.data(), s.N, out[1].data(), s.N);
      gemm_nt(s.M, s.N, s.K, A.data(), s.K, Bt.data(), s.K, bias.data(), out[2].data(), s.N, false);
      std::vector<float> panels(panels_size<float>(s.K, s.N));
      pack_panels(s.K, s.N, B.data(), s.N, panels.data());
      gemm_nn_panels(s.M, s.N, s.K, A.data(), s.K, B.data(), s.N, panels.empty() ? nullptr : panels.data(),
                     out[3].data(), s.N);
      return out;
    };
    const auto one = run(1);
    EXPECT_EQ(one[3], one[0]) << "gemm_nn from panels at " << s.M << "x" << s.N << "x" << s.K;
    for (int threads : {2, 3}) {
      if (threads > max_threads()) break;
      const auto many = run(threads);
      for (int k = 0; k < 4; ++k)
        EXPECT_EQ(std::memcmp(one[k].data(), many[k].data(), one[k].size() * sizeof(float)), 0)
            << "product " << k << " (nn, tn, nt, nn from panels) at " << s.M << "x" << s.N << "x" << s.K << ", "
            << threads << " threads";
    }
    // And the split products are right, not merely equal: the scalar reference in double.
    std::vector<double> Ad(A.begin(), A.end()), Bd(B.begin(), B.end()), Cd(C0.begin(), C0.end());
    ref::gemm_nn(s.M, s.N, s.K, Ad.data(), s.K, Bd.data(), s.N, Cd.data(), s.N, true);
    const auto many = run(2);
    EXPECT_LE(testing::max_scaled_error(many[0].data(), Cd.data(), Cd.size()), 1e-5);
  }
}

// A generation step's matrix-vector products split their rows: the same bits, and right.
TEST(Parallel, MatrixVectorProductsGiveTheSameBitsAsOneThread) {
  if (max_threads() < 2) GTEST_SKIP() << "no threads in this build or on this machine";
  struct Shape { int M, K; };
  for (const Shape s : {Shape{1024, 256}, Shape{1003, 300}, Shape{517, 1001}}) {
    const int M = s.M, K = s.K;
    const auto W = random_matrix(size_t(M) * K, 1), x = random_matrix(size_t(K), 2), b = random_matrix(size_t(M), 3);
    auto run = [&](int threads) {
      Threads t(threads);
      std::vector<float> y(static_cast<size_t>(M));
      gemv_bias(M, K, W.data(), K, x.data(), b.data(), y.data());
      return y;
    };
    const auto one = run(1);
    for (int threads : {2, 3}) {
      if (threads > max_threads()) break;
      EXPECT_EQ(std::memcmp(one.data(), run(threads).data(), one.size() * sizeof(float)), 0)
          << M << "x" << K << ", " << threads << " threads";
    }
    std::vector<double> Wd(W.begin(), W.end()), xd(x.begin(), x.end()), bd(b.begin(), b.end()),
        yd(static_cast<size_t>(M));
    ref::gemv_bias(M, K, Wd.data(), K, xd.data(), bd.data(), yd.data());
    EXPECT_LE(testing::max_scaled_error(run(2).data(), yd.data(), yd.size()), 1e-5);
  }
}

// Training's row-wise work beside the products: the loss and its gradient (the sum taken in parts
// fixed by the shape) and a transpose, against their definitions, and split among 2 or 3 threads
// against one thread bit for bit.
TEST(Parallel, LossAndTransposeGiveTheSameBitsAsOneThread) {
  const int rows = 2000, cols = 96;
  const std::vector<float> logits = random_matrix(size_t(rows) * cols, 11);
  std::vector<int32_t> targets(rows);
  for (int r = 0; r < rows; ++r) targets[size_t(r)] = r % 7 == 0 ? -1 : (r * 31) % cols;
  const double scale = 500;
  std::vector<float> d1(logits.size());
  const XentResult one = softmax_xent(logits.data(), rows, cols, targets.data(), d1.data(), scale);
  // The definitions, in long double: the loss and its gradient (softmax - onehot) / scale.
  long double loss = 0;
  int64_t count = 0;
  double worst = 0;
  for (int r = 0; r < rows; ++r) {
    const float* x = logits.data() + size_t(r) * cols;
    const float* d = d1.data() + size_t(r) * cols;
    long double s = 0;
    for (int j = 0; j < cols; ++j) s += std::exp((long double)x[j]);
    for (int j = 0; j < cols; ++j) {
      const long double want =
          targets[size_t(r)] < 0 ? 0 : (std::exp((long double)x[j]) / s - (j == targets[size_t(r)])) / scale;
      worst = std::max(worst, double(std::fabs(d[j] - want)));
    }
    if (targets[size_t(r)] < 0) continue;
    loss += std::log(s) - x[targets[size_t(r)]];
    ++count;
  }
  EXPECT_EQ(one.count, count);
  EXPECT_NEAR(one.loss_sum, double(loss), 1e-9 * double(loss));
  EXPECT_LT(worst, 1e-6 / scale);

  const int M = 300, N = 500;
  const std::vector<float> a = random_matrix(size_t(M) * N, 12);
  std::vector<float> t1(a.size());
  transpose(M, N, a.data(), N, t1.data(), M);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) ASSERT_EQ(t1[size_t(n) * M + size_t(m)], a[size_t(m) * N + size_t(n)]);

  for (int threads : {2, 3}) {
    if (threads > max_threads()) break;
    Threads t(threads);
    std::vector<float> d2(logits.size()), t2(a.size());
    const XentResult two = softmax_xent(logits.data(), rows, cols, targets.data(), d2.data(), scale);
    EXPECT_EQ(std::memcmp(&one.loss_sum, &two.loss_sum, sizeof(double)), 0) << threads << " threads";
    EXPECT_EQ(one.count, two.count);
    EXPECT_EQ(std::memcmp(d1.data(), d2.data(), d1.size() * sizeof(float)), 0) << threads << " threads";
    transpose(M, N, a.data(), N, t2.data(), M);
    EXPECT_EQ(t1, t2) << threads << " threads";
  }
}

// One stream's steps (generation): each layer's float32 step splits by hidden units when H is a
// multiple of 8 (256), and runs whole otherwise (252), where its products split by rows; int8
// products split by rows; the folded first layer and the later ones. The logits of 300 steps are
// the same bits with 2 or 3 threads as with one.
TEST(Parallel, GenerationStepsGiveTheSameBitsAsOneThread) {
  if (max_threads() < 2) GTEST_SKIP() << "no threads in this build or on this machine";
  std::vector<std::string> symbols;
  for (int i = 0; i < 40; ++i) symbols.push_back(std::string(1, char('0' + i)));
  for (CellKind cell : {CellKind::kLstm, CellKind::kGru, CellKind::kRnnTanh, CellKind::kRnnRelu, CellKind::kTransformer})
    for (int H : {256, 252})
      for (Precision precision : {Precision::kFloat32, Precision::kInt8}) {
        Config c;
        c.task = Task::kLm;
        c.cell = cell;
        c.vocab_size = 40;
        c.embedding_dim = 32;
        c.hidden_size = H;
        c.num_layers = 2;
        if (cell == CellKind::kTransformer) {
          if (H != 256) continue;
          c.embedding_dim = 256;
          c.num_heads = 4;
          c.ff_size = 512;
          c.max_len = 400;
        }
        auto m = create_model(c, symbols, {}, 5);
        ASSERT_TRUE(m.is_ok()) << m.status().message();
        auto run = [&](int threads) {
          Threads t(threads);
          Stepper<float> st(m->config, true, precision);
          st.reset(m->params);
          std::vector<float> logits;
          for (int i = 0; i < 300; ++i) {
            const float* y = st.feed(m->params, int32_t((i * 7 + i / 13) % 40));
            logits.insert(logits.end(), y, y + 40);
          }
          return logits;
        };
        const auto one = run(1);
        for (int threads : {2, 3}) {
          if (threads > max_threads()) break;
          EXPECT_EQ(std::memcmp(one.data(), run(threads).data(), one.size() * sizeof(float)), 0)
              << cell_name(cell) << " H " << H << (precision == Precision::kInt8 ? " int8" : "") << ", " << threads
              << " threads";
        }
      }
}

// Big enough that each step's rows split among the threads (B x 4H x H over 1 MFLOP), with entry
// resets (lm) and padded examples of different lengths (tagger) in the split rows; a bidirectional
// tagger's second direction runs its time loop backwards.
std::vector<float> trained(CellKind cell, Task task, int threads, bool bidirectional = false) {
  Threads t(threads);
  Config c;
  c.task = task;
  c.cell = cell;
  c.bidirectional = bidirectional;
  c.vocab_size = 20;
  c.embedding_dim = 16;
  // A plain RNN's step product (B x H x H) needs H = 256 to pass the split threshold.
  c.hidden_size = cell == CellKind::kRnnTanh || cell == CellKind::kRnnRelu ? 256 : 128;
  c.num_layers = 2;
  if (task == Task::kTagger) c.num_labels = 3;
  if (cell == CellKind::kTransformer) {  // d 128: its projections and feed-forward split
    c.embedding_dim = 128;
    c.num_heads = 4;
    c.ff_size = 256;
    c.max_len = 64;
  }
  std::vector<std::string> symbols;
  for (int i = 0; i < 20; ++i) symbols.push_back(std::string(1, char('a' + i)));
  const std::vector<std::string> labels = task == Task::kTagger ? std::vector<std::string>{"x", "y", "z"}
                                                                  : std::vector<std::string>{};
  auto m = create_model(c, symbols, labels, 7);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  TrainConfig tc;
  tc.seq_len = 24;
  tc.batch = 16;
  tc.seed = 1;
  Trainer tr(m.value(), tc);
  Rng rng(3);
  if (task == Task::kLm) {
    std::vector<int32_t> text(4000);
    for (auto& x : text) x = rng.uniform() < 0.05 ? 0 : int32_t(1 + rng.below(19));
    EXPECT_TRUE(tr.set_text(text, entry_starts(text, 0)).is_ok());
  } else {
    std::vector<Example> ex(64);
    for (auto& e : ex) {
      const int n = 5 + int(rng.below(30));
      for (int i = 0; i < n; ++i) {
        e.ids.push_back(int32_t(rng.below(20)));
        e.labels.push_back(int32_t(rng.below(3)));
      }
    }
    EXPECT_TRUE(tr.set_examples(ex).is_ok());
  }
  for (int s = 0; s < 3; ++s) EXPECT_TRUE(tr.step().is_ok());
  return std::vector<float>(m->params.data.begin(), m->params.data.end());
}

TEST(Parallel, TrainingEndsAtTheSameWeights) {
  if (max_threads() < 2) GTEST_SKIP() << "no threads in this build or on this machine";
  for (CellKind cell :
       {CellKind::kLstm, CellKind::kGru, CellKind::kRnnTanh, CellKind::kRnnRelu, CellKind::kTransformer})
    for (Task task : {Task::kLm, Task::kTagger}) {
      const auto one = trained(cell, task, 1);
      for (int threads : {2, 3}) {
        if (threads > max_threads()) break;
        const auto many = trained(cell, task, threads);
        ASSERT_EQ(one.size(), many.size());
        EXPECT_EQ(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)), 0)
            << cell_name(cell) << (task == Task::kLm ? " lm" : " tagger") << ", " << threads << " threads";
      }
    }
  for (CellKind cell : {CellKind::kLstm, CellKind::kGru}) {
    const auto one = trained(cell, Task::kTagger, 1, true);
    for (int threads : {2, 3}) {
      if (threads > max_threads()) break;
      const auto many = trained(cell, Task::kTagger, threads, true);
      ASSERT_EQ(one.size(), many.size());
      EXPECT_EQ(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)), 0)
          << cell_name(cell) << " bidirectional tagger, " << threads << " threads";
    }
  }
}

}  // namespace
}  // namespace recur
