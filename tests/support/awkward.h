// Awkward lengths for kernel tests, from highway's dot_test: {1, 3, 7, N-1, N, N+1, 3N, 8N+2}
// where N is the SIMD width, so every main loop, tail and unroll boundary gets hit.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
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

/// A signalling NaN whose payload carries id (20 bits for float, 16 for double). Arithmetic on it
/// gives a quiet NaN with other bits, so "bits unchanged" means "never written", and a copy from
/// another buffer carries that buffer's id. (A quiet NaN would not do: NaN + x keeps its bits.)
template <typename T>
T signalling_nan(uint32_t id) {
  T v;
  if constexpr (sizeof(T) == 4) {
    const uint32_t bits = 0x7fa00000u | (id & 0xfffffu);  // quiet bit (22) clear
    std::memcpy(&v, &bits, sizeof v);
  } else {
    const uint64_t bits = 0x7ff4deadbeef0000ull | (id & 0xffffu);  // quiet bit (51) clear
    std::memcpy(&v, &bits, sizeof v);
  }
  return v;
}

template <typename T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace recur::testing
