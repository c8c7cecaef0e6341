// Batched stepping and generation against one-stream runs: B streams stepped side by side give
// each stream's one-stream numbers, and count = N samples are the N one-sample generations with
// seeds seed .. seed + N - 1.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "model/network.h"
#include "sampling/generator.h"
#include "support/compare.h"
#include "support/small_model.h"

namespace recur {
namespace {

constexpr CellKind kCells[] = {CellKind::kRnnTanh, CellKind::kLstm, CellKind::kGru};

// Stream b reads symbol (3 t + 5 b + t / 4) mod V at step t: every stream a different sequence.
int32_t symbol(int t, int b, int V) { return int32_t((3 * t + 5 * b + t / 4) % V); }

TEST(BatchedStepper, EachStreamIsItsOneStreamRun) {
  for (CellKind cell : kCells)
    for (int layers : {1, 2})
      for (bool fold : {true, false})
        for (Precision precision : {Precision::kFloat32, Precision::kInt8})
          for (int B : {2, 3, 5, 9}) {  // 9: a group of 8 rows and one left over (gemm_nt)
            const Model<float> m = testing::small_model(cell, Task::kLm, {layers, 11, 6, 21, 4});
            const int V = m.config.vocab_size, H = m.config.hidden_size;
            Stepper<float> batch(m.config, fold, precision, B);
            std::vector<Stepper<float>> one;
            for (int b = 0; b < B; ++b) one.emplace_back(m.config, fold, precision);
            batch.reset(m.params);
            for (auto& s : one) s.reset(m.params);
            double worst = 0;
            bool same_bits = true;  // int8: the one-stream numbers exactly
            for (int t = 0; t < 25; ++t) {
              std::vector<int32_t> ids;
              for (int b = 0; b < B; ++b) ids.push_back(symbol(t, b, V));
              const float* l = batch.feed(m.params, ids.data());
              for (int b = 0; b < B; ++b) {
                const float* lb = one[size_t(b)].feed(m.params, ids[size_t(b)]);
                worst = std::max(worst, testing::max_scaled_error(l + size_t(b) * V, lb, size_t(V)));
                const float* hb = batch.state().h_at(layers - 1) + size_t(b) * H;
                const float* h1 = one[size_t(b)].state().h_at(layers - 1);
                worst = std::max(worst, testing::max_scaled_error(hb, h1, size_t(H)));
                same_bits = same_bits && std::memcmp(l + size_t(b) * V, lb, sizeof(float) * size_t(V)) == 0 &&
                            std::memcmp(hb, h1, sizeof(float) * size_t(H)) == 0;
              }
            }
            // int8 sums are exact integers: the same bits. float32 sums in another order.
            if (precision == Precision::kInt8) {
              EXPECT_TRUE(same_bits) << cell_name(cell) << " layers " << layers << " fold " << fold << " B " << B;
            }
            EXPECT_LE(worst, 16 * 1.2e-7) << cell_name(cell) << " layers " << layers << " fold " << fold << " "
                                          << precision_name(precision) << " B " << B;
          }
}

// A prompt read by stream 0 alone (the others untouched), then copied to every stream: each
// stream then holds the state of a one-stream run over the prompt, c included.
TEST(BatchedStepper, FirstStreamsOnlyAndBroadcast) {
  const Model<float> m = testing::small_model(CellKind::kLstm, Task::kLm, {2, 11, 6, 21, 4});
  const int V = m.config.vocab_size, H = m.config.hidden_size;
  Stepper<float> batch(m.config, true, Precision::kFloat32, 3), one(m.config);
  batch.reset(m.params);
  one.reset(m.params);
  for (int32_t id : {3, 1, 4, 1, 5}) {
    batch.feed(m.params, &id, 1);
    one.feed(m.params, id);
  }
  for (int k = 0; k < 2; ++k)  // streams 1 and 2 of each layer still hold the zero state
    for (int b = 1; b < 3; ++b)
      for (int j = 0; j < H; ++j) EXPECT_EQ(batch.state().h_at(k)[b * H + j], 0.f);
  batch.broadcast();
  for (int b = 0; b < 3; ++b) {
    for (int k = 0; k < 2; ++k) {
      EXPECT_EQ(std::memcmp(batch.state().h_at(k) + b * H, one.state().h_at(k), sizeof(float) * H), 0) << b << " " << k;
      EXPECT_EQ(std::memcmp(batch.state().c_at(k) + b * H, one.state().c_at(k), sizeof(float) * H), 0) << b << " " << k;
    }
    EXPECT_EQ(std::memcmp(batch.logits() + b * V, one.logits(), sizeof(float) * V), 0) << b;
  }
}

GenerateOptions options(int count, uint64_t seed, Precision precision) {
  GenerateOptions o;
  o.prompt = "ab";
  o.length = 60;
  o.count = count;
  o.sample.seed = seed;
  o.precision = precision;
  return o;
}

std::vector<std::string> run(const Model<float>& m, const GenerateOptions& o) {
  auto g = Generator::create(m, o);
  EXPECT_TRUE(g.is_ok()) << g.status().message();
  std::vector<std::string> out(size_t(o.count));
  while (!g->done()) {
    EXPECT_TRUE(g->next_all().is_ok());
    for (int i = 0; i < o.count; ++i) out[size_t(i)] += g->pieces()[size_t(i)];
  }
  return out;
}

// At int8 by construction; at float32 for this model and these seeds (equal up to rounding in
// general: a draw within rounding of a boundary could part the texts).
TEST(BatchedGeneration, SampleIIsTheOneSampleGenerationWithSeedPlusI) {
  const Model<float> m = testing::small_model(CellKind::kLstm, Task::kLm, {2, 11, 6, 21, 4});
  for (Precision precision : {Precision::kFloat32, Precision::kInt8}) {
    const std::vector<std::string> many = run(m, options(4, 10, precision));
    for (int i = 0; i < 4; ++i) {
      const std::string one = run(m, options(1, 10 + uint64_t(i), precision))[0];
      EXPECT_EQ(many[size_t(i)], one) << precision_name(precision) << " sample " << i;
    }
    EXPECT_NE(many[0], many[1]);
  }
}

TEST(BatchedGeneration, EachSampleStopsOnItsOwn) {
  const Model<float> m = testing::small_model(CellKind::kGru, Task::kLm, {1, 5, 4, 8, 2});
  GenerateOptions o = options(6, 3, Precision::kFloat32);
  o.length = 400;
  o.stop = "a";
  const std::vector<std::string> many = run(m, o);
  int stopped = 0;
  for (int i = 0; i < 6; ++i) {
    GenerateOptions one = o;
    one.count = 1;
    one.sample.seed = 3 + uint64_t(i);
    EXPECT_EQ(many[size_t(i)], run(m, one)[0]) << i;
    stopped += many[size_t(i)].size() < 400;
  }
  EXPECT_GT(stopped, 0);
}

TEST(BatchedGeneration, CountOutOfRangeIsAnError) {
  const Model<float> m = testing::small_model(CellKind::kLstm, Task::kLm);
  for (int count : {0, -1, kMaxGenerateCount + 1}) {
    GenerateOptions o;
    o.count = count;
    auto g = Generator::create(m, o);
    ASSERT_FALSE(g.is_ok()) << count;
    EXPECT_EQ(g.status().option(), "count");
  }
}

}  // namespace
}  // namespace recur
