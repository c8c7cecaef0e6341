// Sequence driver shared by all cells: input projection as one GEMM, the recurrent product per
// step, padding masks, and the weight gradients as GEMMs after the backward time loop.
#include <algorithm>
#include <cstring>

#include "cells/cell.h"
#include "kernels/gemm.h"

namespace recur {
namespace {

template <typename T>
void grow(Buffer<T>& b, size_t n) {
  if (b.size() < n) b.resize(n);
}

inline bool valid(const int32_t* lengths, int t, int b) { return !lengths || t < lengths[b]; }

// The cell state step t reads: c_prev, or a copy in scratch (B, H) with the reset rows zeroed.
template <typename T>
const T* reset_c(const uint8_t* resets, size_t row, int B, int H, const T* c_prev, Buffer<T>& scratch) {
  if (!resets) return c_prev;
  std::copy(c_prev, c_prev + size_t(B) * H, scratch.begin());
  for (int b = 0; b < B; ++b)
    if (resets[row + b]) std::fill_n(scratch.begin() + size_t(b) * H, H, T(0));
  return scratch.data();
}

template <typename T>
void pointwise_forward(const CellWeights<T>& w, int B, const T* pre_x, const T* pre_h, const T* h_prev,
                       const T* c_prev, T* gates, T* hn, T* c, T* h) noexcept {
  switch (w.kind) {
    case CellKind::kRnnTanh: rnn_pointwise_forward(false, B, w.H, pre_x, pre_h, gates, h); break;
    case CellKind::kRnnRelu: rnn_pointwise_forward(true, B, w.H, pre_x, pre_h, gates, h); break;
    case CellKind::kLstm: lstm_pointwise_forward(B, w.H, pre_x, pre_h, c_prev, gates, c, h); break;
    case CellKind::kGru: gru_pointwise_forward(B, w.H, pre_x, pre_h, h_prev, gates, hn, h); break;
  }
}

}  // namespace

template <typename T>
void cell_forward_seq(const CellWeights<T>& w, const T* x, int ldx, int steps, int batch,
                      const int32_t* lengths, const uint8_t* resets, bool reverse, const T* h0, const T* c0,
                      SeqCache<T>& cache) {
  const int G = gate_count(w.kind), H = w.H, I = w.I, GH = G * H, B = batch;
  const size_t rows = size_t(steps) * B;
  const bool lstm = w.kind == CellKind::kLstm, gru = w.kind == CellKind::kGru;
  cache.steps = steps;
  cache.batch = B;
  grow(cache.gates, rows * GH);
  grow(cache.h, rows * H);
  grow(cache.h_prev, rows * H);
  if (lstm) grow(cache.c, rows * H);
  if (gru) grow(cache.hn, rows * H);
  grow(cache.h0, size_t(B) * H);
  grow(cache.c0, size_t(B) * H);
  grow(cache.w_ihT, size_t(I) * GH);
  grow(cache.w_hhT, size_t(H) * GH);
  grow(cache.pre_x, rows * GH);
  grow(cache.pre_h, size_t(B) * GH);
  if (resets && lstm) grow(cache.c_prev, size_t(B) * H);

  if (h0) std::copy(h0, h0 + B * H, cache.h0.begin()); else std::fill_n(cache.h0.begin(), B * H, T(0));
  if (lstm && c0) std::copy(c0, c0 + B * H, cache.c0.begin()); else std::fill_n(cache.c0.begin(), B * H, T(0));

  // Transposed once per sequence so that both products below are gemm_nn.
  transpose(GH, I, w.w_ih, I, cache.w_ihT.data(), GH);
  transpose(GH, H, w.w_hh, H, cache.w_hhT.data(), GH);

  T* pre_x = cache.pre_x.data();  // (T*B, G*H)
  for (size_t r = 0; r < rows; ++r) std::copy(w.b_ih, w.b_ih + GH, pre_x + r * GH);
  gemm_nn(int(rows), GH, I, x, ldx, cache.w_ihT.data(), GH, pre_x, GH, true);

  T* pre_h = cache.pre_h.data();  // (B, G*H)
  for (int s = 0; s < steps; ++s) {
    const int t = reverse ? steps - 1 - s : s;
    const int tp = reverse ? t + 1 : t - 1;
    const size_t row = size_t(t) * B;
    const T* hp = s == 0 ? cache.h0.data() : cache.h.data() + size_t(tp) * B * H;
    const T* cp = !lstm ? nullptr : s == 0 ? cache.c0.data() : cache.c.data() + size_t(tp) * B * H;
    std::copy(hp, hp + B * H, cache.h_prev.data() + row * H);
    if (resets) {  // this step reads the zero state in the reset rows
      for (int b = 0; b < B; ++b)
        if (resets[row + b]) std::fill_n(cache.h_prev.data() + (row + b) * H, H, T(0));
      hp = cache.h_prev.data() + row * H;
      if (lstm) cp = reset_c(resets, row, B, H, cp, cache.c_prev);
    }
    for (int b = 0; b < B; ++b) std::copy(w.b_hh, w.b_hh + GH, pre_h + b * GH);
    gemm_nn(B, GH, H, hp, H, cache.w_hhT.data(), GH, pre_h, GH, true);
    T* h = cache.h.data() + row * H;
    T* c = lstm ? cache.c.data() + row * H : nullptr;
    pointwise_forward(w, B, pre_x + row * GH, pre_h, hp, cp, cache.gates.data() + row * GH,
                      gru ? cache.hn.data() + row * H : nullptr, c, h);
    for (int b = 0; b < B; ++b)
      if (!valid(lengths, t, b)) {  // padding: hold the state
        std::copy(hp + b * H, hp + (b + 1) * H, h + b * H);
        if (lstm) std::copy(cp + b * H, cp + (b + 1) * H, c + b * H);
      }
  }
}

template <typename T>
void cell_backward_seq(const CellWeights<T>& w, const T* x, int ldx, const int32_t* lengths,
                       const uint8_t* resets, bool reverse, const T* dy, int ldy, const T* dh_last, const T* dc_last,
                       SeqCache<T>& cache, const CellGrads<T>& g, T* dx, int lddx, T* dh0, T* dc0) {
  const int G = gate_count(w.kind), H = w.H, I = w.I, GH = G * H;
  const int steps = cache.steps, B = cache.batch;
  const size_t rows = size_t(steps) * B;
  const bool lstm = w.kind == CellKind::kLstm, gru = w.kind == CellKind::kGru;
  const bool relu = w.kind == CellKind::kRnnRelu;
  grow(cache.dpre_x, rows * GH);
  if (gru) grow(cache.dpre_h, rows * GH);
  grow(cache.dh, size_t(B) * H);
  grow(cache.dc, size_t(B) * H);
  grow(cache.dh_direct, size_t(B) * H);
  T* dpx = cache.dpre_x.data();
  T* dph = gru ? cache.dpre_h.data() : dpx;  // identical for RNN and LSTM
  T* dh = cache.dh.data();
  T* dc = cache.dc.data();
  T* dhd = cache.dh_direct.data();
  if (dh_last) std::copy(dh_last, dh_last + B * H, dh); else std::fill_n(dh, B * H, T(0));
  if (lstm && dc_last) std::copy(dc_last, dc_last + B * H, dc); else std::fill_n(dc, B * H, T(0));

  for (int s = steps - 1; s >= 0; --s) {
    const int t = reverse ? steps - 1 - s : s;
    const int tp = reverse ? t + 1 : t - 1;
    const size_t row = size_t(t) * B;
    if (dy)
      for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) dh[b * H + j] += dy[(row + b) * ldy + j];
    const T* gates = cache.gates.data() + row * GH;
    const T* hp = cache.h_prev.data() + row * H;
    T* dpx_t = dpx + row * GH;
    T* dph_t = dph + row * GH;
    switch (w.kind) {
      case CellKind::kRnnTanh:
      case CellKind::kRnnRelu:
        rnn_pointwise_backward(relu, B, H, gates, dh, dpx_t);
        std::fill_n(dhd, B * H, T(0));
        break;
      case CellKind::kLstm: {
        const T* cp = reset_c(resets, row, B, H, s == 0 ? cache.c0.data() : cache.c.data() + size_t(tp) * B * H,
                              cache.c_prev);
        std::copy(dc, dc + B * H, dhd);  // dc_t, kept for held rows: their dc passes through unchanged
        lstm_pointwise_backward(B, H, gates, cp, cache.c.data() + row * H, dh, dc, dpx_t);
        for (int b = 0; b < B; ++b)
          if (!valid(lengths, t, b)) std::copy(dhd + b * H, dhd + (b + 1) * H, dc + b * H);
        std::fill_n(dhd, B * H, T(0));
        break;
      }
      case CellKind::kGru:
        gru_pointwise_backward(B, H, gates, cache.hn.data() + row * H, hp, dh, dpx_t, dph_t, dhd);
        break;
    }
    for (int b = 0; b < B; ++b)
      if (!valid(lengths, t, b)) {  // a held state passes its gradient straight through
        std::fill_n(dpx_t + b * GH, GH, T(0));
        if (gru) std::fill_n(dph_t + b * GH, GH, T(0));
        std::copy(dh + b * H, dh + (b + 1) * H, dhd + b * H);
      }
    // dh_{t-1} = dh_direct + dpre_h . W_hh
    std::copy(dhd, dhd + B * H, dh);
    gemm_nn(B, H, GH, dph_t, GH, w.w_hh, H, dh, H, true);
    if (resets)  // the step read zeros: nothing flows back into the state before it
      for (int b = 0; b < B; ++b)
        if (resets[row + b]) {
          std::fill_n(dh + size_t(b) * H, H, T(0));
          if (lstm) std::fill_n(dc + size_t(b) * H, H, T(0));
        }
  }
  if (dh0)
    for (int i = 0; i < B * H; ++i) dh0[i] += dh[i];
  if (dc0 && lstm)
    for (int i = 0; i < B * H; ++i) dc0[i] += dc[i];

  // Weight gradients for the whole sequence at once.
  gemm_tn(GH, I, int(rows), dpx, GH, x, ldx, g.dw_ih, I);
  gemm_tn(GH, H, int(rows), dph, GH, cache.h_prev.data(), H, g.dw_hh, H);
  for (size_t r = 0; r < rows; ++r)
    for (int j = 0; j < GH; ++j) {
      g.db_ih[j] += dpx[r * GH + j];
      g.db_hh[j] += dph[r * GH + j];
    }
  if (dx) gemm_nn(int(rows), I, GH, dpx, GH, w.w_ih, I, dx, lddx, true);
}

template <typename T>
void cell_forward_step(const CellWeights<T>& w, const T* x, T* h, T* c, T* scratch) noexcept {
  const int GH = gate_count(w.kind) * w.H;
  T* pre_x = scratch;
  T* pre_h = scratch + GH;
  gemv_bias(GH, w.I, w.w_ih, w.I, x, w.b_ih, pre_x);
  gemv_bias(GH, w.H, w.w_hh, w.H, h, w.b_hh, pre_h);
  // In place: gates land in pre_x, each element read before it is written.
  pointwise_forward(w, 1, pre_x, pre_h, h, c, pre_x, static_cast<T*>(nullptr), c, h);
}

template <typename T>
void cell_forward_step_projected(const CellWeights<T>& w, const T* pre_x, T* h, T* c, T* scratch) noexcept {
  const int GH = gate_count(w.kind) * w.H;
  T* pre_h = scratch;
  T* gates = scratch + GH;
  gemv_bias(GH, w.H, w.w_hh, w.H, h, w.b_hh, pre_h);
  pointwise_forward(w, 1, pre_x, pre_h, h, c, gates, static_cast<T*>(nullptr), c, h);
}

template <typename T>
void cell_pointwise_step(const CellWeights<T>& w, const T* pre_x, const T* pre_h, T* h, T* c, T* gates) noexcept {
  pointwise_forward(w, 1, pre_x, pre_h, h, c, gates, static_cast<T*>(nullptr), c, h);
}

template void cell_forward_seq<float>(const CellWeights<float>&, const float*, int, int, int, const int32_t*,
                                      const uint8_t*, bool, const float*, const float*, SeqCache<float>&);
template void cell_forward_seq<double>(const CellWeights<double>&, const double*, int, int, int, const int32_t*,
                                       const uint8_t*, bool, const double*, const double*, SeqCache<double>&);
template void cell_backward_seq<float>(const CellWeights<float>&, const float*, int, const int32_t*, const uint8_t*,
                                       bool, const float*, int, const float*, const float*, SeqCache<float>&,
                                       const CellGrads<float>&, float*, int, float*, float*);
template void cell_backward_seq<double>(const CellWeights<double>&, const double*, int, const int32_t*,
                                        const uint8_t*, bool, const double*, int, const double*, const double*,
                                        SeqCache<double>&, const CellGrads<double>&, double*, int, double*, double*);
template void cell_forward_step<float>(const CellWeights<float>&, const float*, float*, float*, float*) noexcept;
template void cell_forward_step<double>(const CellWeights<double>&, const double*, double*, double*,
                                        double*) noexcept;
template void cell_forward_step_projected<float>(const CellWeights<float>&, const float*, float*, float*,
                                                float*) noexcept;
template void cell_pointwise_step<float>(const CellWeights<float>&, const float*, const float*, float*, float*,
                                        float*) noexcept;
template void cell_pointwise_step<double>(const CellWeights<double>&, const double*, const double*, double*,
                                         double*, double*) noexcept;
template void cell_forward_step_projected<double>(const CellWeights<double>&, const double*, double*, double*,
                                                 double*) noexcept;

}  // namespace recur
