// Awkward lengths for kernel tests, from highway's dot_test: {1, 3, 7, N-1, N, N+1, 3N, 8N+2}
// where N is the SIMD width, so every main loop, tail and unroll boundary gets hit.
#pragma once
#include <algorithm>
#include <vector>

#include "kernels/simd.h"

namespace recur::testing {

template <typename T>
constexpr int lanes() {
#if RECUR_SIMD
  return int(Vec<T>::size);
#else
  return 4;  // scalar build: the lengths are still awkward for any loop unrolling
#endif
}

template <typename T>
std::vector<int> awkward_sizes() {
  const int n = lanes<T>();
  std::vector<int> s = {1, 3, 7, n - 1, n, n + 1, 3 * n, 8 * n + 2};
  s.erase(std::remove_if(s.begin(), s.end(), [](int v) { return v < 1; }), s.end());
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

}  // namespace recur::testing
