// Tolerance helpers shared by the tests: |a - b| <= k * eps * max(|ref|, 1), never a bare
// absolute number. tests/unit/compare_test.cpp gives each helper a case that must fail.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>

namespace recur::testing {

/// Largest |got - ref| / max(|ref|, 1) over n elements; NaN in either side counts as infinite.
template <typename A, typename B>
double max_scaled_error(const A* got, const B* ref, size_t n, size_t* where = nullptr) {
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    const double g = double(got[i]), r = double(ref[i]);
    double e = std::abs(g - r) / std::max(std::abs(r), 1.0);
    if (std::isnan(e)) e = std::numeric_limits<double>::infinity();
    if (e > worst) {
      worst = e;
      if (where) *where = i;
    }
  }
  return worst;
}

/// Empty string when every element is within k * eps (of type T) * max(|ref|, 1); else a message
/// naming the worst element. Use as EXPECT_EQ(within(...), "").
template <typename T, typename A, typename B>
std::string within(const A* got, const B* ref, size_t n, double k) {
  size_t at = 0;
  const double tol = k * double(std::numeric_limits<T>::epsilon());
  const double err = max_scaled_error(got, ref, n, &at);
  if (err <= tol) return "";
  std::ostringstream os;
  os << "element " << at << ": got " << double(got[at]) << ", expected " << double(ref[at])
     << " (scaled error " << err << " > tolerance " << tol << " = " << k << " eps)";
  return os.str();
}

}  // namespace recur::testing
