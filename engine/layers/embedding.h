// Embedding lookup (torch.nn.Embedding): row ids[r] of the (V, E) table.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/gemm.h"

namespace recur {

/// out (n, E) = table[ids]. Ids must be in range (validated by the caller).
template <typename T>
void embedding_forward(const T* table, int E, const int32_t* ids, size_t n, T* out) noexcept {
  for (size_t r = 0; r < n; ++r) std::copy(table + size_t(ids[r]) * E, table + size_t(ids[r] + 1) * E, out + r * E);
}

/// dtable[ids[r]] += dout[r] (repeated ids accumulate).
template <typename T>
void embedding_backward(int E, const int32_t* ids, size_t n, const T* dout, T* dtable) noexcept {
  for (size_t r = 0; r < n; ++r) axpy(E, T(1), dout + r * E, dtable + size_t(ids[r]) * E);
}

}  // namespace recur
