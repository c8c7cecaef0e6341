// Layer 0's input projection folded into the embedding: row v = b_ih + W_ih E[v], (V, G*H).
// Reading one row per symbol replaces the lookup plus a (G*H, E) product per step (for
// char-lstm-256x2: 256 KB fewer weight bytes per generation step, 7 % of the step's 3.5 MB).
// Rows are computed on first use with the same gemv as cell_forward_step, so a folded step gives
// the unfolded step's numbers bit for bit.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/tensor.h"
#include "kernels/gemm.h"

namespace recur {

/// Largest folded table kept. 8 MB covers the shipped taggers (2,180 symbols x 512: 4.5 MB) and
/// the English lm (96 x 1,024: 0.4 MB). The Chinese lm (3,003 x 1,024: 12.3 MB, 16x its own
/// embedding) keeps the per-step product instead, 4 % of its step's weight bytes.
constexpr size_t kMaxFoldBytes = size_t(8) << 20;

template <typename T>
class FoldedEmbedding {
 public:
  /// An empty (disabled) table when V x G*H elements would exceed kMaxFoldBytes.
  void configure(int V, int E, int GH) {
    E_ = E;
    GH_ = GH;
    const bool fits = size_t(V) * size_t(GH) * sizeof(T) <= kMaxFoldBytes;
    rows_.assign(fits ? size_t(V) * GH : 0, T(0));
    ready_.assign(fits ? size_t(V) : 0, 0);
  }
  bool enabled() const { return !rows_.empty(); }
  /// The parameters changed: every row is recomputed on its next use.
  void invalidate() { std::fill(ready_.begin(), ready_.end(), uint8_t(0)); }
  /// b_ih + W_ih emb[id] (G*H). emb (V, E), w_ih (G*H, E), b_ih (G*H): layer 0's current weights.
  const T* row(int32_t id, const T* emb, const T* w_ih, const T* b_ih) noexcept {
    T* r = rows_.data() + size_t(id) * GH_;
    if (!ready_[size_t(id)]) {
      gemv_bias(GH_, E_, w_ih, E_, emb + size_t(id) * E_, b_ih, r);
      ready_[size_t(id)] = 1;
    }
    return r;
  }

 private:
  int E_ = 0, GH_ = 0;
  Buffer<T> rows_;              // (V, G*H)
  std::vector<uint8_t> ready_;  // (V) row computed from the current weights
};

}  // namespace recur
