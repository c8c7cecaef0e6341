// The binary16 codec (kernels/half.h) against its definition: every half round-trips, every float
// rounds to a nearest half, ties to even.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <limits>
#include <vector>

#include "core/rng.h"
#include "kernels/half.h"
#include "kernels/reference.h"
#include "layers/softmax.h"
#include "model/model.h"
#include "model/network.h"
#include "model/serialize.h"
#include "text/vocab.h"
#include "support/awkward.h"
#include "support/compare.h"

namespace recur {
namespace {

float widen(uint16_t h) {
  float f;
  from_half(1, &h, &f);
  return f;
}
uint16_t narrow(float f) {
  uint16_t h;
  to_half(1, &f, &h);
  return h;
}

TEST(Half, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = widen(uint16_t(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(widen(narrow(f)))) << std::hex << h;
      continue;
    }
    ASSERT_EQ(narrow(f), uint16_t(h)) << std::hex << h << " = " << f;
  }
}

TEST(Half, KnownValues) {
  EXPECT_EQ(narrow(1.0f), 0x3C00);
  EXPECT_EQ(narrow(-2.0f), 0xC000);
  EXPECT_EQ(narrow(65504.0f), 0x7BFF);
  EXPECT_EQ(narrow(65519.0f), 0x7BFF);
  EXPECT_EQ(narrow(65520.0f), 0x7C00);  // halfway to 2^16 rounds to even: inf
  EXPECT_EQ(narrow(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(narrow(std::ldexp(1.0f, -25)), 0x0000);           // tie between 0 and 2^-24: even
  EXPECT_EQ(narrow(std::ldexp(3.0f, -26)), 0x0001);           // above the tie
  EXPECT_EQ(narrow(1.0f + std::ldexp(1.0f, -11)), 0x3C00);    // tie: even mantissa
  EXPECT_EQ(narrow(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);  // tie: up to even
  EXPECT_EQ(narrow(-0.0f), 0x8000);
  EXPECT_EQ(narrow(std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_TRUE(std::isnan(widen(narrow(std::numeric_limits<float>::quiet_NaN()))));
}

// Any float: no half is nearer than the chosen one, and on a tie the chosen one is even.
TEST(Half, RoundsToNearest) {
  Rng rng(5);
  for (int i = 0; i < 200000; ++i) {
    const float f = float((rng.uniform() * 2 - 1) * std::pow(2.0, rng.uniform() * 44 - 28));
    const uint16_t h = narrow(f);
    const double d = std::abs(double(widen(h)) - f);
    for (int step : {-1, 1}) {
      const uint16_t n = uint16_t(h + step);
      if ((n & 0x7C00) == 0x7C00 || ((n ^ h) & 0x8000)) continue;  // past inf or across the sign
      const double dn = std::abs(double(widen(n)) - f);
      ASSERT_LE(d, dn) << f << " -> " << widen(h) << ", but " << widen(n) << " is nearer";
      if (d == dn) {
        ASSERT_EQ(h & 1, 0) << f << ": tie not to even";
      }
    }
  }
}

}  // namespace
}  // namespace recur
