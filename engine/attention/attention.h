// Multi-head scaled dot-product self-attention (the core of torch.nn.MultiheadAttention, after
// its input projection and before its output projection) and the sinusoidal positional encoding.
//
//   qkv row r = [ q | k | v ], d = heads * dh values each (in_proj_weight's row blocks)
//   for head h:  p(r, j) = softmax_j( q_h(r) . k_h(j) / sqrt(dh) )  over the keys r may read
//                ctx_h(r) = sum_j p(r, j) v_h(j)
//   PE(pos, 2i) = sin(pos / 10000^(2i/d)),  PE(pos, 2i+1) = cos(pos / 10000^(2i/d))
//
// Rows are time-major as everywhere in the engine (row t*B + b), so one sequence's keys are every
// B-th row. Which keys a query reads is a span [lo, hi) of time steps (AttentionSpans): causal
// attention reads its own sequence up to itself, from the last entry start (resets) on; full
// attention reads the whole sequence up to its length. Padding queries read a valid span too, so
// everything stays finite; their outputs are never used.
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace recur {

/// table (n, d) = PE(pos, j) for pos < n.
template <typename T>
void sinusoid_table(int n, int d, T* table);

/// PE rows computed as far as they have been asked for, so that a wide window costs memory only
/// once it is used.
template <typename T>
class PositionTable {
 public:
  PositionTable(int d, int limit) : d_(d), limit_(limit) {}
  /// PE of positions 0..n-1, (n, d), n <= limit; valid until the next call.
  const T* rows(int n) {
    if (size_t(n) * d_ > table_.size()) {
      const int have = int(table_.size() / size_t(d_));
      const int m = n > 2 * have ? n : 2 * have < limit_ ? 2 * have : limit_;
      table_.resize(size_t(m) * d_);
      sinusoid_table(m, d_, table_.data());
    }
    return table_.data();
  }

 private:
  int d_, limit_;
  Buffer<T> table_;
};

/// The keys each query of a (T, B) batch reads, and its position (counted from its entry's start).
struct AttentionSpans {
  int steps = 0, batch = 0;
  std::vector<int32_t> lo, hi, pos;  // (T*B) each: keys are time steps lo..hi-1
};
/// causal: lo = the last reset at or before t (0 if none), hi = t + 1; else lo = 0, hi = lengths[b].
/// lengths (B) may be null (all T); resets (T*B) may be null (none; causal only).
AttentionSpans attention_spans(int steps, int batch, const int32_t* lengths, const uint8_t* resets, bool causal);

/// One query over n keys, every head: probs (heads, n; row stride ldp) and ctx (d). Keys and
/// values of step j are at k + j*ldk and v + j*ldv. Generation's attention (kv_stepper.h), and the
/// reference the batch's products are tested against.
template <typename T>
void attend(int heads, int dh, const T* q, const T* k, int ldk, const T* v, int ldv, int n, T* probs, int ldp,
            T* ctx) noexcept;

/// The gradient of attend() for dctx (d): adds into dq (d), dk and dv (rows j at stride lddk,
/// lddv). scratch holds n values. The reference of attention_backward.
template <typename T>
void attend_backward(int heads, int dh, const T* q, const T* k, int ldk, const T* v, int ldv, int n,
                     const T* probs, int ldp, const T* dctx, T* dq, T* dk, int lddk, T* dv, int lddv,
                     T* scratch) noexcept;

/// Every query of a batch: qkv (T*B, 3d) -> ctx (T*B, d), probs (B, heads, T, T) with 0 outside
/// each query's span (the weights a page draws as a heat map).
template <typename T>
void attention_forward(const AttentionSpans& s, int heads, int dh, const T* qkv, T* probs, T* ctx);

/// Backward of attention_forward: dqkv (T*B, 3d) += the gradient for dctx (T*B, d). scratch:
/// T*T values.
template <typename T>
void attention_backward(const AttentionSpans& s, int heads, int dh, const T* qkv, const T* probs, const T* dctx,
                        T* dqkv, Buffer<T>& scratch);

}  // namespace recur
