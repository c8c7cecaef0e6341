// Scaled dot-product attention and positional encoding (attention.h).
#include "attention/attention.h"

#include <algorithm>
#include <cmath>

#include "kernels/gemm.h"

namespace recur {

template <typename T>
void sinusoid_table(int n, int d, T* table) {
  for (int i = 0; i < d; i += 2) {
    const double freq = std::pow(10000.0, -double(i) / d);
    for (int pos = 0; pos < n; ++pos) {
      table[size_t(pos) * d + i] = T(std::sin(pos * freq));
      if (i + 1 < d) table[size_t(pos) * d + i + 1] = T(std::cos(pos * freq));
    }
  }
}

AttentionSpans attention_spans(int steps, int batch, const int32_t* lengths, const uint8_t* resets, bool causal) {
  AttentionSpans s;
  s.steps = steps;
  s.batch = batch;
  const size_t rows = size_t(steps) * batch;
  s.lo.resize(rows);
  s.hi.resize(rows);
  s.pos.resize(rows);
  for (int b = 0; b < batch; ++b) {
    const int len = lengths ? lengths[b] : steps;
    int start = 0;
    for (int t = 0; t < steps; ++t) {
      const size_t r = size_t(t) * batch + b;
      if (causal && resets && resets[r]) start = t;
      s.lo[r] = causal ? start : 0;
      s.hi[r] = causal ? t + 1 : len;
      s.pos[r] = t - start;
    }
  }
  return s;
}

template <typename T>
void attend(int heads, int dh, const T* q, const T* k, int ldk, const T* v, int ldv, int n, T* probs, int ldp,
            T* ctx) noexcept {
  const T scale = T(1 / std::sqrt(double(dh)));
  for (int h = 0; h < heads; ++h) {
    const int o = h * dh;
    T* p = probs + size_t(h) * ldp;
    T top = T(-INFINITY);
    for (int j = 0; j < n; ++j) {
      p[j] = dot(dh, q + o, k + size_t(j) * ldk + o) * scale;
      top = std::max(top, p[j]);
    }
    T sum = 0;
    for (int j = 0; j < n; ++j) sum += p[j] = std::exp(p[j] - top);
    const T inv = T(1) / sum;
    std::fill(ctx + o, ctx + o + dh, T(0));
    for (int j = 0; j < n; ++j) {
      p[j] *= inv;
      axpy(dh, p[j], v + size_t(j) * ldv + o, ctx + o);
    }
  }
}

template <typename T>
void attend_backward(int heads, int dh, const T* q, const T* k, int ldk, const T* v, int ldv, int n,
                     const T* probs, int ldp, const T* dctx, T* dq, T* dk, int lddk, T* dv, int lddv,
                     T* scratch) noexcept {
  const T scale = T(1 / std::sqrt(double(dh)));
  for (int h = 0; h < heads; ++h) {
    const int o = h * dh;
    const T* p = probs + size_t(h) * ldp;
    // dp_j = dctx . v_j;  dscore_j = p_j (dp_j - sum_i p_i dp_i)  (the softmax's Jacobian)
    T mean = 0;
    for (int j = 0; j < n; ++j) {
      scratch[j] = dot(dh, dctx + o, v + size_t(j) * ldv + o);
      mean += p[j] * scratch[j];
      axpy(dh, p[j], dctx + o, dv + size_t(j) * lddv + o);
    }
    for (int j = 0; j < n; ++j) {
      const T ds = p[j] * (scratch[j] - mean) * scale;
      axpy(dh, ds, k + size_t(j) * ldk + o, dq + o);
      axpy(dh, ds, q + o, dk + size_t(j) * lddk + o);
    }
  }
}

// A batch as products: per sequence b and head h, with Q, K, V the (T, dh) column blocks of qkv
// (rows every B-th of the batch),
//   S = Q K^T / sqrt(dh), P = softmax of each row over its span (0 outside), ctx = P V
// and backward  dP = dctx V^T, dV += P^T dctx, dS = P (dP - rowsum(P dP)) / sqrt(dh),
// dQ += dS K, dK += dS^T Q: GEMMs of the kernels, which run about five times the speed of
// attend()'s dot products at dh = 32; causal spans waste the zeros above the diagonal.
template <typename T>
void attention_forward(const AttentionSpans& s, int heads, int dh, const T* qkv, T* probs, T* ctx) {
  const int d = heads * dh, B = s.batch, TT = s.steps;
  const int ld = 3 * d * B;  // one sequence's consecutive steps
  const T scale = T(1 / std::sqrt(double(dh)));
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < heads; ++h) {
      const T* q = qkv + size_t(b) * 3 * d + h * dh;
      T* P = probs + (size_t(b) * heads + h) * TT * TT;
      gemm_nt(TT, TT, dh, q, ld, q + d, ld, static_cast<const T*>(nullptr), P, TT, false);
      for (int t = 0; t < TT; ++t) {
        const size_t r = size_t(t) * B + b;
        T* row = P + size_t(t) * TT;
        const int lo = s.lo[r], hi = s.hi[r];
        T top = T(-INFINITY);
        for (int j = lo; j < hi; ++j) top = std::max(top, row[j] * scale);
        T sum = 0;
        for (int j = lo; j < hi; ++j) sum += row[j] = std::exp(row[j] * scale - top);
        const T inv = T(1) / sum;
        std::fill(row, row + lo, T(0));
        for (int j = lo; j < hi; ++j) row[j] *= inv;
        std::fill(row + hi, row + TT, T(0));
      }
      gemm_nn(TT, dh, TT, P, TT, q + 2 * d, ld, ctx + size_t(b) * d + h * dh, d * B, false);
    }
}

template <typename T>
void attention_backward(const AttentionSpans& s, int heads, int dh, const T* qkv, const T* probs, const T* dctx,
                        T* dqkv, Buffer<T>& scratch) {
  const int d = heads * dh, B = s.batch, TT = s.steps;
  const int ld = 3 * d * B;
  const T scale = T(1 / std::sqrt(double(dh)));
  scratch.resize(size_t(TT) * TT);
  T* dS = scratch.data();
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < heads; ++h) {
      const size_t o = size_t(b) * 3 * d + h * dh;
      const T* q = qkv + o;
      T* dq = dqkv + o;
      const T* P = probs + (size_t(b) * heads + h) * TT * TT;
      const T* dc = dctx + size_t(b) * d + h * dh;
      gemm_nt(TT, TT, dh, dc, d * B, q + 2 * d, ld, static_cast<const T*>(nullptr), dS, TT, false);  // dP
      gemm_tn(TT, dh, TT, P, TT, dc, d * B, dq + 2 * d, ld);                                        // dV
      for (int t = 0; t < TT; ++t) {
        const size_t r = size_t(t) * B + b;
        const T* p = P + size_t(t) * TT;
        T* row = dS + size_t(t) * TT;
        const int lo = s.lo[r], hi = s.hi[r];
        T mean = 0;
        for (int j = lo; j < hi; ++j) mean += p[j] * row[j];
        std::fill(row, row + lo, T(0));
        for (int j = lo; j < hi; ++j) row[j] = p[j] * (row[j] - mean) * scale;
        std::fill(row + hi, row + TT, T(0));
      }
      gemm_nn(TT, dh, TT, dS, TT, q + d, ld, dq, ld, true);  // dQ
      gemm_tn(TT, dh, TT, dS, TT, q, ld, dq + d, ld);        // dK
    }
}

#define RECUR_ATTENTION(T)                                                                                      \
  template void sinusoid_table<T>(int, int, T*);                                                                \
  template void attend<T>(int, int, const T*, const T*, int, const T*, int, int, T*, int, T*) noexcept;        \
  template void attend_backward<T>(int, int, const T*, const T*, int, const T*, int, int, const T*, int,       \
                                   const T*, T*, T*, int, T*, int, T*) noexcept;                               \
  template void attention_forward<T>(const AttentionSpans&, int, int, const T*, T*, T*);                       \
  template void attention_backward<T>(const AttentionSpans&, int, int, const T*, const T*, const T*, T*,       \
                                      Buffer<T>&);
RECUR_ATTENTION(float)
RECUR_ATTENTION(double)
#undef RECUR_ATTENTION

}  // namespace recur
