// recur's native benchmark (make bench): the standard workload char-lstm-256x2 and its GRU /
// plain-RNN variants, the Transformer of about the same size (char-transformer-128x4), the
// apple-size tagger, and a roofline measured on this machine.
// Prints a human-readable report on stderr and one line "@@RESULT {json}" on stdout for
// bench/run.mjs. Single thread (but the training rows named *_2t), float32, random seeded weights (create_model, seed 1: the same
// weights as the wasm build's createModel with the same seed).
//
//   native_bench [--quick]        --quick: fewer repetitions (for a smoke test)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "core/rng.h"
#include "kernels/gemm.h"
#include "kernels/parallel.h"
#include "layers/softmax.h"
#include "model/model.h"
#include "model/network.h"
#include "model/predict.h"
#include "sampling/generator.h"
#include "train/trainer.h"

using namespace recur;
using Clock = std::chrono::steady_clock;

namespace {

double now_s() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

bool g_quick = false;
std::string g_json;  // fields of the result object, comma-separated

void field(const std::string& key, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  if (!g_json.empty()) g_json += ",";
  g_json += "\"" + key + "\":" + buf;
}

// The standard vocabulary: "<unk>" and the 95 printable ASCII characters (V = 96).
std::vector<std::string> std_vocab() {
  std::vector<std::string> v{"<unk>"};
  for (char c = 32; c < 127; ++c) v.emplace_back(1, c);
  return v;
}

// char-transformer-128x4: d 128, 4 layers, 4 heads, feed-forward 512, window 256, post-norm, ReLU
// (817,760 parameters beside the LSTM's 886,880); as bench/common.mjs's TRANSFORMER.
void set_transformer(Config& c) {
  c.num_heads = 4;
  c.ff_size = 512;
  c.max_len = 256;
}

Model<float> make_model(CellKind cell, Task task, int E, int H, int L, int labels, uint64_t seed) {
  Config c;
  if (cell == CellKind::kTransformer) set_transformer(c);
  c.task = task;
  c.cell = cell;
  c.vocab_size = 96;
  c.embedding_dim = E;
  c.hidden_size = H;
  c.num_layers = L;
  c.num_labels = labels;
  std::vector<std::string> lab;
  for (int i = 0; i < labels; ++i) lab.push_back("L" + std::to_string(i));
  auto m = create_model(c, std_vocab(), lab, seed);
  if (!m) {
    std::fprintf(stderr, "create_model: %s\n", m.status().message().c_str());
    std::exit(1);
  }
  return std::move(m.value());
}

// Softmax of the logits and one draw at temperature 1 from a uniform: what a caller does per step.
struct Sampling {
  std::vector<float> probs;
  Rng rng{12345};
  int draw(const float* logits, int n) {
    probs.resize(n);
    softmax_rows(logits, 1, n, probs.data());
    const double u = rng.uniform();
    double acc = 0;
    for (int i = 0; i < n; ++i) {
      acc += probs[i];
      if (u < acc) return i;
    }
    return n - 1;
  }
};

// The model of a generation or training bench: char-lstm-256x2's sizes, or the Transformer's.
Model<float> lm_model(CellKind cell) {
  return cell == CellKind::kTransformer ? make_model(cell, Task::kLm, 128, 128, 4, 0, 1)
                                        : make_model(cell, Task::kLm, 64, 256, 2, 0, 1);
}

// Generation: 50 warm-up steps (timed as the cold figure), then reps x 1000 timed steps (best).
// name "lstm_int8" etc.: the same at Precision::kInt8. The Transformer's cost grows with the
// position, so its blocks are 4 whole windows from a reset each (positions 0..255, 1,024 steps).
void bench_generation(const std::string& name, CellKind cell, Precision precision = Precision::kFloat32) {
  Model<float> m = lm_model(cell);
  const bool windows = cell == CellKind::kTransformer;
  Stepper<float> st(m.config, true, precision);
  st.reset(m.params);
  Sampling s;
  int id = 1;
  auto step = [&](int i) {
    if (windows && i % 256 == 0) st.reset(m.params);
    id = std::max(1, s.draw(st.feed(m.params, id), 96));
  };
  const double c0 = now_s();
  for (int i = 0; i < 50; ++i) step(i);
  const double cold = 50 / (now_s() - c0);
  const int reps = g_quick ? 2 : 7, n = windows ? 1024 : 1000;
  std::vector<double> rates;
  for (int r = 0; r < reps; ++r) {
    const double t0 = now_s();
    for (int i = 0; i < n; ++i) step(i);
    rates.push_back(n / (now_s() - t0));
  }
  std::sort(rates.begin(), rates.end());
  const double best = rates.back(), med = rates[rates.size() / 2];
  std::fprintf(stderr, "gen   %-9s %9.0f steps/s best  %9.0f median  %9.0f cold (first 50)\n", name.c_str(), best, med, cold);
  field("gen_" + name, best);
  field("gen_" + name + "_median", med);
  field("gen_" + name + "_cold", cold);
}

// Batched generation inside the engine (Generator, its sampler): N samples of 2,000 symbols side
// by side, N x 2,000 / seconds, best of reps, at N = 1, 2, 4, 8.
void bench_batched(const char* precision_name, Precision precision) {
  Model<float> m = make_model(CellKind::kLstm, Task::kLm, 64, 256, 2, 0, 1);
  for (int n : {1, 2, 4, 8}) {
    double best = 0;
    for (int r = 0; r < (g_quick ? 2 : 5); ++r) {
      GenerateOptions o;
      o.prompt = "a";
      o.length = 2000;
      o.count = n;
      o.precision = precision;
      o.sample.seed = uint64_t(r);
      auto g = Generator::create(m, o);
      if (!g) std::exit(1);
      const double t0 = now_s();
      while (!g->done()) (void)g->next_all();
      best = std::max(best, n * 2000 / (now_s() - t0));
    }
    std::fprintf(stderr, "batch %-7s N=%d %9.0f symbols/s\n", precision_name, n, best);
    field(std::string("batch_") + precision_name + "_" + std::to_string(n), best);
  }
}

// Training: seq 64, batch 32 (the Transformer: seq 128, batch 16, the same 2,048 characters),
// Adam, clip 1; 2 warm-up steps (the first is the cold figure).
void bench_training(const char* name, CellKind cell) {
  Model<float> m = lm_model(cell);
  TrainConfig tc;
  tc.seq_len = cell == CellKind::kTransformer ? 128 : 64;
  tc.batch = cell == CellKind::kTransformer ? 16 : 32;
  tc.clip = 1.0f;
  tc.schedule.lr = 2e-3f;
  tc.schedule.total_steps = 1000;
  Trainer tr(m, tc);
  Rng rng(7);
  std::vector<int32_t> text(64 * 32 * 40 + 1);
  for (auto& t : text) t = int32_t(1 + rng.below(95));
  if (auto st = tr.set_text(text); !st) {
    std::fprintf(stderr, "set_text: %s\n", st.message().c_str());
    std::exit(1);
  }
  const double chars = double(tr.symbols_per_step());
  double t0 = now_s();
  tr.step();
  const double cold = chars / (now_s() - t0);
  tr.step();
  const int reps = g_quick ? 2 : 8;
  std::vector<double> rates;
  for (int r = 0; r < reps; ++r) {
    t0 = now_s();
    auto res = tr.step();
    rates.push_back(chars / (now_s() - t0));
    if (!res) std::exit(1);
  }
  std::sort(rates.begin(), rates.end());
  const double best = rates.back(), med = rates[rates.size() / 2];
  std::fprintf(stderr, "train %-5s %9.0f chars/s best  %9.0f median  %9.0f cold (first step)\n", name, best, med, cold);
  field(std::string("train_") + name, best);
  field(std::string("train_") + name + "_median", med);
  field(std::string("train_") + name + "_cold", cold);
}

// The apple-size tagger: 1 x LSTM 128, embedding 32, 4 labels; predict() on 100 characters.
void bench_tagger() {
  Model<float> m = make_model(CellKind::kLstm, Task::kTagger, 32, 128, 1, 4, 1);
  std::string text;
  const char* words = "the quick brown fox jumps over the lazy dog, pack my box with five dozen liquor jugs. ";
  while (text.size() < 100) text += words;
  text.resize(100);
  const double c0 = now_s();
  if (!predict(m, text)) std::exit(1);
  const double cold = (now_s() - c0) * 1e3;
  for (int i = 0; i < 20; ++i) predict(m, text);
  std::vector<double> ms;
  for (int i = 0; i < (g_quick ? 50 : 300); ++i) {
    const double t0 = now_s();
    auto p = predict(m, text);
    ms.push_back((now_s() - t0) * 1e3);
  }
  std::sort(ms.begin(), ms.end());
  std::fprintf(stderr, "tagger 1x128 predict(100 chars): %.4f ms median, %.4f ms best, %.4f ms cold\n", ms[ms.size() / 2],
               ms[0], cold);
  field("tagger_ms", ms[ms.size() / 2]);
  field("tagger_ms_best", ms[0]);
  field("tagger_ms_cold", cold);
}

// ---- roofline ---------------------------------------------------------------------------------
// The matrix-vector products of one generation step of char-lstm-256x2 (rows x cols):
// layer 1 W_ih 1024x64 and W_hh 1024x256, layer 2 W_ih and W_hh 1024x256, head 96x256.
struct Shape {
  int M, K;
};
const Shape kStepShapes[] = {{1024, 64}, {1024, 256}, {1024, 256}, {1024, 256}, {96, 256}};
// Bytes a step must read: those matrices plus the biases (b_ih + b_hh per layer, head bias).
double step_bytes() {
  double n = 0;
  for (auto s : kStepShapes) n += double(s.M) * s.K;
  n += 2 * 2 * 1024 + 96;
  return 4 * n;
}
double step_flops() {
  double n = 0;
  for (auto s : kStepShapes) n += 2.0 * s.M * s.K;
  return n;
}

// The bench's own reference matrix-vector product: 4 rows per pass sharing each load of x, FMA
// into 4 vector accumulators, one horizontal reduction per row. K a multiple of the lane count.
void ref_matvec(int M, int K, const float* W, const float* x, float* y) {
  using B = xsimd::batch<float>;
  constexpr int N = int(B::size);
  int i = 0;
  for (; i + 4 <= M; i += 4) {
    const float* w0 = W + size_t(i) * K;
    const float* w1 = w0 + K;
    const float* w2 = w1 + K;
    const float* w3 = w2 + K;
    B a0(0.f), a1(0.f), a2(0.f), a3(0.f);
    for (int k = 0; k < K; k += N) {
      const B xv = B::load_unaligned(x + k);
      a0 = xsimd::fma(B::load_aligned(w0 + k), xv, a0);
      a1 = xsimd::fma(B::load_aligned(w1 + k), xv, a1);
      a2 = xsimd::fma(B::load_aligned(w2 + k), xv, a2);
      a3 = xsimd::fma(B::load_aligned(w3 + k), xv, a3);
    }
    y[i] = xsimd::hadd(a0);
    y[i + 1] = xsimd::hadd(a1);
    y[i + 2] = xsimd::hadd(a2);
    y[i + 3] = xsimd::hadd(a3);
  }
  for (; i < M; ++i) {
    float s = 0;
    for (int k = 0; k < K; ++k) s += W[size_t(i) * K + k] * x[k];
    y[i] = s;
  }
}

// Streaming read of n floats (the read half of any matrix-vector product), 8 accumulators (enough
// to cover the add latency at two loads per cycle).
float stream_sum(const float* a, size_t n) {
  using B = xsimd::batch<float>;
  constexpr size_t N = B::size;
  B s[8];
  for (auto& v : s) v = B(0.f);
  for (size_t k = 0; k + 8 * N <= n; k += 8 * N)
    for (size_t j = 0; j < 8; ++j) s[j] += B::load_aligned(a + k + j * N);
  return xsimd::hadd(((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])));
}

volatile float g_sink;

// Runs one "step" (the five products) repeatedly over distinct matrices, like the real weights
// (3.5 MB: past L2, inside L3). Returns the best steps/s over several timed blocks.
template <typename F>
double time_steps(F&& one_step) {
  for (int i = 0; i < 200; ++i) one_step();
  double best = 0;
  for (int r = 0; r < (g_quick ? 3 : 15); ++r) {
    const int n = 500;
    const double t0 = now_s();
    for (int i = 0; i < n; ++i) one_step();
    best = std::max(best, n / (now_s() - t0));
  }
  return best;
}

void bench_roofline() {
  Rng rng(3);
  std::vector<Buffer<float>> W;
  for (auto s : kStepShapes) {
    Buffer<float> w(size_t(s.M) * s.K);
    for (auto& v : w) v = float(rng.uniform(-0.06, 0.06));
    W.push_back(std::move(w));
  }
  Buffer<float> x(1024), y(1024);
  for (auto& v : x) v = float(rng.uniform(-1, 1));
  const double bytes = step_bytes(), flops = step_flops();

  const double recur_gemv = time_steps([&] {
    for (size_t j = 0; j < W.size(); ++j)
      gemv(kStepShapes[j].M, kStepShapes[j].K, W[j].data(), kStepShapes[j].K, x.data(), y.data(), false);
    g_sink = y[0];
  });
  const double ref = time_steps([&] {
    for (size_t j = 0; j < W.size(); ++j) ref_matvec(kStepShapes[j].M, kStepShapes[j].K, W[j].data(), x.data(), y.data());
    g_sink = y[0];
  });
  // Streaming read over one buffer of the same size as the step's weights.
  Buffer<float> big(size_t(bytes / 4) + 64);
  for (auto& v : big) v = 1e-3f;
  const double stream = time_steps([&] { g_sink = stream_sum(big.data(), big.size()); });
  // Single large products, L2-resident (1024x256 = 1 MB) and the head, for the record.
  const double g1024 = time_steps([&] {
    gemv(1024, 256, W[1].data(), 256, x.data(), y.data(), false);
    g_sink = y[0];
  });
  const double g96 = time_steps([&] {
    for (int r = 0; r < 10; ++r) gemv(96, 256, W[4].data(), 256, x.data(), y.data(), false);
    g_sink = y[0];
  }) * 10;

  const double best = std::max(recur_gemv, ref);  // the roofline: the best matrix-vector rate
  std::fprintf(stderr,
               "roofline (native, %s): one step reads %.2f MB of weights, %.2f MFLOP\n"
               "  recur gemv, the step's 5 products over 3.5 MB: %.1f GFLOP/s %.1f GB/s -> <= %.0f steps/s\n"
               "  bench's reference matvec (4 rows, FMA), same:   %.1f GFLOP/s %.1f GB/s -> <= %.0f steps/s\n"
               "  streaming read of 3.5 MB:                        %.1f GB/s -> <= %.0f steps/s\n"
               "  recur gemv 1024x256 alone (L2-resident): %.1f GFLOP/s; 96x256 alone: %.1f GFLOP/s\n"
               "  roofline (best matrix-vector rate; the streaming read is the bandwidth ceiling): %.0f steps/s\n",
               xsimd::default_arch::name(), bytes / 1e6, flops / 1e6, recur_gemv * flops / 1e9,
               recur_gemv * bytes / 1e9, recur_gemv, ref * flops / 1e9, ref * bytes / 1e9, ref,
               stream * bytes / 1e9, stream, g1024 * 2.0 * 1024 * 256 / 1e9, g96 * 2.0 * 96 * 256 / 1e9, best);
  field("roof_step_bytes", bytes);
  field("roof_step_flops", flops);
  field("roof_recur_gemv_steps", recur_gemv);
  field("roof_recur_gemv_gflops", recur_gemv * flops / 1e9);
  field("roof_ref_steps", ref);
  field("roof_ref_gflops", ref * flops / 1e9);
  field("roof_stream_gbs", stream * bytes / 1e9);
  field("roof_stream_steps", stream);
  field("roof_gemv1024_gflops", g1024 * 2.0 * 1024 * 256 / 1e9);
  field("roof_gemv96_gflops", g96 * 2.0 * 96 * 256 / 1e9);
  field("roof_steps", best);
}

// Probabilities after "Hello, world" through the Stepper: run.mjs compares them with the wasm
// build's (same seed, same weights).
void check_probs() {
  Model<float> m = make_model(CellKind::kLstm, Task::kLm, 64, 256, 2, 0, 1);
  Stepper<float> st(m.config);
  const float* logits = nullptr;
  for (char c : std::string("Hello, world")) logits = st.feed(m.params, int32_t(c - 32 + 1));
  std::vector<float> p(96);
  softmax_rows(logits, 1, 96, p.data());
  std::string s = "[";
  char buf[32];
  for (int i = 0; i < 96; ++i) {
    std::snprintf(buf, sizeof buf, "%s%.9g", i ? "," : "", p[i]);
    s += buf;
  }
  if (!g_json.empty()) g_json += ",";
  g_json += "\"check_probs\":" + s + "]";
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--quick")) g_quick = true;
  std::fprintf(stderr, "recur native bench (%s, single thread unless a name ends in _2t)\n", xsimd::default_arch::name());
  field("quick", g_quick ? 1 : 0);
  check_probs();
  bench_roofline();
  bench_generation("lstm", CellKind::kLstm);
  bench_generation("lstm_int8", CellKind::kLstm, Precision::kInt8);
  bench_generation("gru", CellKind::kGru);
  bench_generation("rnn", CellKind::kRnnTanh);
  bench_generation("transformer", CellKind::kTransformer);
  bench_generation("transformer_int8", CellKind::kTransformer, Precision::kInt8);
  bench_batched("float32", Precision::kFloat32);
  bench_batched("int8", Precision::kInt8);
  bench_tagger();
  bench_training("lstm", CellKind::kLstm);
  bench_training("gru", CellKind::kGru);
  bench_training("rnn", CellKind::kRnnTanh);
  bench_training("transformer", CellKind::kTransformer);
  // Two threads (kernels/parallel.h) beside one, in the same run: the ratio is the claim.
  if (std::thread::hardware_concurrency() >= 2 && set_num_threads(2).is_ok()) {
    bench_generation("lstm_2t", CellKind::kLstm);
    bench_generation("lstm_int8_2t", CellKind::kLstm, Precision::kInt8);
    bench_training("lstm_2t", CellKind::kLstm);
    bench_training("transformer_2t", CellKind::kTransformer);
    (void)set_num_threads(1);
  }
  std::printf("@@RESULT {\"bench\":\"recur-native\",\"arch\":\"%s\",%s}\n", xsimd::default_arch::name(), g_json.c_str());
  return 0;
}
