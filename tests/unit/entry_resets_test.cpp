// State resets inside a batch (entries packed into one lm stream): a packed run must equal running
// each entry on its own, the second from the zero state, and entry_starts must flag exactly the
// first symbol after each blank line. The reference here is the plain, reset-free forward pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/model.h"
#include "model/network.h"
#include "train/trainer.h"

namespace recur {
namespace {

Params<double> random_params(const Config& c) {
  Params<double> p(c);
  Rng rng(7);
  init_params(c, p, rng);
  for (auto& v : p.data) v *= 1.5;  // away from the gates' linear regime
  return p;
}

Config lm(CellKind cell) {
  Config c;
  c.task = Task::kLm;
  c.cell = cell;
  c.vocab_size = 6;
  c.embedding_dim = 3;
  c.hidden_size = 4;
  c.num_layers = 2;
  return c;
}

// Logits of one sequence (batch 1) from the zero state, or from init.
std::vector<double> run(const Config& c, const Params<double>& p, const std::vector<int32_t>& ids,
                        const State<double>* init = nullptr) {
  Network<double> net(c);
  net.forward(p, ids.data(), int(ids.size()), 1, nullptr, init, false, nullptr);
  return std::vector<double>(net.logits(), net.logits() + net.logit_rows() * output_size(c));
}

class EntryResets : public ::testing::TestWithParam<CellKind> {};

TEST_P(EntryResets, PackedRunEqualsSeparateRuns) {
  const Config c = lm(GetParam());
  const Params<double> p = random_params(c);
  const std::vector<int32_t> a = {1, 2, 3}, b = {4, 5, 1, 2};
  const int T = 7, B = 2, V = output_size(c);
  // Row 0: a then b, reset where b starts. Row 1: a then b with no reset, from a non-zero start.
  std::vector<int32_t> ids(size_t(T) * B);
  std::vector<uint8_t> resets(ids.size(), 0);
  for (int t = 0; t < T; ++t) ids[size_t(t) * B] = ids[size_t(t) * B + 1] = t < 3 ? a[t] : b[t - 3];
  resets[size_t(3) * B + 0] = 1;
  State<double> init;
  init.resize(c, B);
  for (size_t i = 0; i < init.h.size(); ++i) init.h[i] = 0.1 * double(i % 5) - 0.2;
  for (size_t i = 0; i < init.c.size(); ++i) init.c[i] = 0.05 * double(i % 7) - 0.1;
  Network<double> net(c);
  net.forward(p, ids.data(), T, B, nullptr, &init, false, nullptr, resets.data());

  State<double> init0;  // row 0's start state alone
  init0.resize(c, 1);
  for (int s = 0; s < init.slots; ++s) {
    std::copy_n(init.h_at(s), c.hidden_size, init0.h_at(s));
    if (init0.c_at(s)) std::copy_n(init.c_at(s), c.hidden_size, init0.c_at(s));
  }
  const std::vector<double> ra = run(c, p, a, &init0), rb = run(c, p, b);
  std::vector<int32_t> ab = a;
  ab.insert(ab.end(), b.begin(), b.end());
  double worst = 0, differs = 0;
  for (int t = 0; t < T; ++t)
    for (int j = 0; j < V; ++j) {
      const double packed = net.logits()[(size_t(t) * B) * V + j];
      const double alone = t < 3 ? ra[size_t(t) * V + j] : rb[size_t(t - 3) * V + j];
      worst = std::max(worst, std::abs(packed - alone));
      // Row 1 has no reset: after the boundary it must differ from b read from the zero state.
      if (t >= 3) differs = std::max(differs, std::abs(net.logits()[(size_t(t) * B + 1) * V + j] - alone));
    }
  EXPECT_LE(worst, 1e-12);
  EXPECT_GT(differs, 1e-3);  // the comparison can fail: carried state does change the logits
}

INSTANTIATE_TEST_SUITE_P(Cells, EntryResets, ::testing::Values(CellKind::kRnnTanh, CellKind::kLstm, CellKind::kGru),
                         [](const ::testing::TestParamInfo<CellKind>& info) { return std::string(cell_name(info.param)); });

TEST(EntryStarts, FlagsTheFirstSymbolAfterEachBlankLine) {
  const int32_t nl = 0;
  //                        x  \n \n  y  z  \n  w  \n \n \n  v  \n \n
  const std::vector<int32_t> ids = {5, 0, 0, 6, 7, 0, 8, 0, 0, 0, 9, 0, 0};
  const std::vector<uint8_t> want = {1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0};
  EXPECT_EQ(entry_starts(ids, nl), want);
  EXPECT_EQ(entry_starts({0, 0, 3}, nl), (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_TRUE(entry_starts({}, nl).empty());
}

TEST(PickEntryResets, KeepsAShareAndMovesSomeOntoTheBlankLine) {
  const int32_t nl = 0;
  std::vector<int32_t> ids;
  for (int e = 0; e < 4000; ++e) ids.insert(ids.end(), {5, 6, nl, nl});  // entries "xy", a blank line after each
  const std::vector<uint8_t> starts = entry_starts(ids, nl);
  Rng a(3), b(3);
  // Without blank moves, one draw per start, as before the option existed: a start stays when its draw is < keep.
  const std::vector<uint8_t> kept = pick_entry_resets(starts, 0.5, 0, a);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(kept[i], starts[i] && b.uniform() < 0.5) << i;
  Rng c(3);
  const std::vector<uint8_t> moved = pick_entry_resets(starts, 0.5, 0.5, c);
  int at_entry = 0, at_blank = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!moved[i]) continue;
    if (ids[i] == 5) ++at_entry;
    else if (ids[i] == nl && ids[i + 1] == nl && ids[i + 2] == 5) ++at_blank;
    else ADD_FAILURE() << "a reset at " << i << ", neither an entry nor its blank line";
  }
  // 4000 entries: about 1000 each way (a binomial of sd 27 at each count).
  EXPECT_NEAR(at_entry, 1000, 150);
  EXPECT_NEAR(at_blank, 1000, 150);
  Rng d(3);
  const std::vector<uint8_t> all = pick_entry_resets(starts, 1, 1, d);
  EXPECT_EQ(std::count(all.begin(), all.end(), 1), 4000);
  EXPECT_EQ(all[0], 1);  // the text's first symbol has no blank line before it: it stays
  EXPECT_EQ(all[2], 1);  // the second entry's reset moved onto the blank line before it (ids[2], ids[3])
  EXPECT_EQ(all[4], 0);
}

}  // namespace
}  // namespace recur
