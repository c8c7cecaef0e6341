// The comparison helper itself must be able to fail.
#include <gtest/gtest.h>

#include <cmath>

#include "support/compare.h"

using recur::testing::within;

TEST(Compare, AcceptsWithinTolerance) {
  const float ref[3] = {1.0f, -200.0f, 0.0f};
  const float got[3] = {1.0f + 2e-7f, -200.0f * (1 + 2e-7f), 1e-7f};
  EXPECT_EQ(within<float>(got, ref, 3, 4), "");
}

TEST(Compare, RejectsOutsideTolerance) {
  const float ref[2] = {1.0f, 2.0f};
  const float got[2] = {1.0f, 2.001f};
  EXPECT_NE(within<float>(got, ref, 2, 4), "");
}

TEST(Compare, RejectsNaN) {
  const double ref[1] = {1.0};
  const double got[1] = {std::nan("")};
  EXPECT_NE(within<double>(got, ref, 1, 1e6), "");
}
