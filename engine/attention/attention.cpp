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

template <typename T>
void attention_forward(const AttentionSpans& s, int heads, int dh, const T* qkv, T* probs, T* ctx) {
  const int d = heads * dh, B = s.batch, TT = s.steps;
  const int ld = 3 * d * B;  // one sequence's consecutive steps
  std::fill(probs, probs + size_t(B) * heads * TT * TT, T(0));
  for (int t = 0; t < TT; ++t)
    for (int b = 0; b < B; ++b) {
      const size_t r = size_t(t) * B + b;
      const int lo = s.lo[r], n = s.hi[r] - lo;
      const T* first = qkv + (size_t(lo) * B + b) * 3 * d;  // key row of step lo
      attend(heads, dh, qkv + r * 3 * d, first + d, ld, first + 2 * d, ld, n,
             probs + (size_t(b) * heads * TT + t) * TT + lo, TT * TT, ctx + r * d);
    }
}

template <typename T>
void attention_backward(const AttentionSpans& s, int heads, int dh, const T* qkv, const T* probs, const T* dctx,
                        T* dqkv, Buffer<T>& scratch) {
  const int d = heads * dh, B = s.batch, TT = s.steps;
  const int ld = 3 * d * B;
  scratch.resize(size_t(TT));
  for (int t = 0; t < TT; ++t)
    for (int b = 0; b < B; ++b) {
      const size_t r = size_t(t) * B + b;
      const int lo = s.lo[r], n = s.hi[r] - lo;
      const size_t first = (size_t(lo) * B + b) * 3 * d;
      attend_backward(heads, dh, qkv + r * 3 * d, qkv + first + d, ld, qkv + first + 2 * d, ld, n,
                      probs + (size_t(b) * heads * TT + t) * TT + lo, TT * TT, dctx + r * d, dqkv + r * 3 * d,
                      dqkv + first + d, ld, dqkv + first + 2 * d, ld, scratch.data());
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
