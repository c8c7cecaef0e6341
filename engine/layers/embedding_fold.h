// Layer 0's input projection folded into the embedding: row v = b_ih + W_ih E[v], (V, G*H).
// Reading one row per symbol replaces the lookup plus a (G*H, E) product per step (for
// char-lstm-256x2: 256 KB fewer weight bytes per generation step, 7 % of the step's 3.5 MB).
// Rows are computed on first use with the same gemv_bias as linear() on one row, so a folded step
// gives the unfolded step's numbers bit for bit.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/tensor.h"
#include "kernels/gemm.h"

namespace recur {

/// Folding is on while the full table would fit in this (rows are stored only for the symbols met,
/// so this bounds the worst case). 8 MB covers the shipped taggers (2,180 symbols x 512: 4.5 MB) and
/// the English lm (96 x 1,024: 0.4 MB). The Chinese lm (3,003 x 1,024: 12.3 MB, 16x its own
/// embedding) keeps the per-step product instead, 4 % of its step's weight bytes.
constexpr size_t kMaxFoldBytes = size_t(8) << 20;
/// Rows reserved up front, so that the step loop does not allocate for the first symbols it meets:
/// 128 covers ASCII text (at the taggers' G*H = 512: 256 KB). Only text with more distinct symbols
/// (Chinese) grows the store, once per new symbol's amortised share.
constexpr int kReservedFoldRows = 128;

template <typename T>
class FoldedEmbedding {
 public:
  /// Disabled when V x G*H elements would exceed kMaxFoldBytes. Rows are stored only for the
  /// symbols met so far: a page tagging English text with a 2,180-symbol model keeps ~60 rows
  /// (120 KB), not the whole 4.5 MB table.
  void configure(int V, int E, int GH) {
    E_ = E;
    GH_ = GH;
    enabled_ = size_t(V) * size_t(GH) * sizeof(T) <= kMaxFoldBytes;
    slot_.assign(enabled_ ? size_t(V) : 0, -1);
    rows_.clear();
    if (enabled_) rows_.reserve(size_t(std::min(V, kReservedFoldRows)) * size_t(GH));
  }
  bool enabled() const { return enabled_; }
  /// The parameters changed: every row is recomputed on its next use.
  void invalidate() {
    std::fill(slot_.begin(), slot_.end(), -1);
    rows_.clear();  // keeps the capacity
  }
  /// b_ih + W_ih emb[id] (G*H). emb (V, E), w_ih (G*H, E), b_ih (G*H): layer 0's current weights.
  /// The pointer is valid until the next call (a new symbol may move the rows).
  const T* row(int32_t id, const T* emb, const T* w_ih, const T* b_ih) {
    int32_t& slot = slot_[size_t(id)];
    if (slot < 0) {
      slot = int32_t(rows_.size() / size_t(GH_));
      rows_.resize(rows_.size() + size_t(GH_));
      gemv_bias(GH_, E_, w_ih, E_, emb + size_t(id) * E_, b_ih, rows_.data() + size_t(slot) * GH_);
    }
    return rows_.data() + size_t(slot) * GH_;
  }
  /// The rows of n ids at once into out (n pointers, valid until the next row() or rows() call):
  /// every missing row is made first, because adding one may move the others.
  void rows(const int32_t* ids, int n, const T* emb, const T* w_ih, const T* b_ih, const T** out) {
    for (int t = 0; t < n; ++t) row(ids[t], emb, w_ih, b_ih);
    for (int t = 0; t < n; ++t) out[t] = rows_.data() + size_t(slot_[size_t(ids[t])]) * GH_;
  }

 private:
  int E_ = 0, GH_ = 0;
  bool enabled_ = false;
  std::vector<int32_t> slot_;  // (V) row index in rows_, -1 until the symbol is met
  Buffer<T> rows_;             // (symbols met, G*H)
};

}  // namespace recur
