// Sequence driver shared by all cells: input projection as one GEMM, the recurrent product per
// step, padding masks, and the weight gradients as GEMMs after the backward time loop.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "cells/cell.h"
#include "kernels/gemm.h"
#include "kernels/parallel.h"
#include "layers/dense.h"

namespace recur {
namespace {

template <typename T>
void grow(Buffer<T>& b, size_t n) {
  if (b.size() < n) b.resize(n);
}

inline bool valid(const int32_t* lengths, int t, int b) { return !lengths || t < lengths[b]; }

// The cell state a step's rows read when some of them reset: a copy of c_prev (rows, H) in scratch
// with the rows whose flag in resets is set zeroed.
template <typename T>
const T* reset_c(const uint8_t* resets, int rows, int H, const T* c_prev, T* scratch) {
  std::copy(c_prev, c_prev + size_t(rows) * H, scratch);
  for (int b = 0; b < rows; ++b)
    if (resets[b]) std::fill_n(scratch + size_t(b) * H, H, T(0));
  return scratch;
}

// Runs step(b0, b1) over the rows [0, B) of a batch: split among the threads when the step's
// recurrent product (B x GH x H) is worth it, else whole. Everything a step does is per row, and a
// split of the product's rows leaves each element's sum as it was, so the result is the same. Not
// for double (gradient checks): its tanh sends the last partial vector of a block to std::tanh,
// whose bits differ from the vector tanh's, and a split moves where that tail falls.
template <typename T, typename F>
void over_rows(int B, int GH, int H, bool may_split, const F& step) {
  if constexpr (kHaveThreads && std::is_same_v<T, float>) {
    if (may_split && B >= 8 && num_threads() > 1 && 2.0 * B * GH * H >= kSplitFlops) {
      parallel_ranges(B, 1, step);
      return;
    }
  }
  step(0, B);
}

template <typename T>
void pointwise_forward(const CellWeights<T>& w, int B, const T* pre_x, const T* pre_h, const T* h_prev,
                       const T* c_prev, T* gates, T* hn, T* c, T* h) noexcept {
  switch (w.kind) {
    case CellKind::kRnnTanh: rnn_pointwise_forward(false, B, w.H, pre_x, pre_h, gates, h); break;
    case CellKind::kRnnRelu: rnn_pointwise_forward(true, B, w.H, pre_x, pre_h, gates, h); break;
    case CellKind::kLstm: lstm_pointwise_forward(B, w.H, pre_x, pre_h, c_prev, gates, c, h); break;
    case CellKind::kGru: gru_pointwise_forward(B, w.H, pre_x, pre_h, h_prev, gates, hn, h); break;
    case CellKind::kTransformer: break;  // not a cell: attention/transformer.h
  }
}

// Input projections of a run: rows base + r*ld (a step's B rows contiguous), or, at B = 1, a table
// of row pointers (folded embedding rows, read where they are).
template <typename T>
struct PreX {
  const T* base;
  size_t ld;
  const T* const* rows;
  const T* at(size_t r) const { return rows ? rows[r] : base + r * ld; }
};

// The time loop every forward run shares. pre_x: the input projections (T*B rows). Step 0 reads
// h_start and c_start (B, H). keep: store each step's h_prev for backward. Outputs in cache.h,
// cache.c, cache.gates (and cache.hn for GRU).
template <typename T>
void run_steps(const CellWeights<T>& w, const PreX<T>& pre_x, int steps, int B, const int32_t* lengths,
               const uint8_t* resets, bool reverse, const T* h_start, const T* c_start, bool keep,
               SeqCache<T>& cache) {
  const int G = gate_count(w.kind), H = w.H, GH = G * H;
  const size_t rows = size_t(steps) * B;
  const bool lstm = w.kind == CellKind::kLstm, gru = w.kind == CellKind::kGru;
  cache.steps = steps;
  cache.batch = B;
  grow(cache.gates, rows * GH);
  grow(cache.h, rows * H);
  if (keep || resets) grow(cache.h_prev, rows * H);
  if (lstm) grow(cache.c, rows * H);
  if (gru) grow(cache.hn, rows * H);
  grow(cache.pre_h, size_t(B) * GH);
  if (resets && lstm) grow(cache.c_prev, size_t(B) * H);
  // A batch's recurrent product reuses one transposed copy of W_hh across all steps: at B = 32,
  // gemm_nt's dot-product form took 1.7x the time of gemm_nn on W_hh^T (H = 256, G*H = 256 and
  // 768; AVX2). One row (generation, predict), or one step of a few streams (batched generation),
  // is linear() on W_hh as stored.
  const bool transposed = B > 1 && steps > 1;
  if (transposed) {
    grow(cache.w_hhT, size_t(H) * GH);
    transpose(GH, H, w.w_hh, H, cache.w_hhT.data(), GH);
    // Natively its rows are 4 KB apart at G*H = 1,024: the step products read it as panels
    // (1.5x the rate for 32 x 1,024 x 256 on Zen 4; the copy is made once per sequence).
    grow(cache.w_hhT_panels, panels_size<T>(H, GH));
    pack_panels(H, GH, cache.w_hhT.data(), GH, cache.w_hhT_panels.data());
  }
  const T* panels = cache.w_hhT_panels.empty() ? nullptr : cache.w_hhT_panels.data();

  for (int s = 0; s < steps; ++s) {
    const int t = reverse ? steps - 1 - s : s;
    const int tp = reverse ? t + 1 : t - 1;
    const size_t row = size_t(t) * B;
    const T* h_from = s == 0 ? h_start : cache.h.data() + size_t(tp) * B * H;
    const T* c_from = !lstm ? nullptr : s == 0 ? c_start : cache.c.data() + size_t(tp) * B * H;
    // Rows [b0, b1) of step t; r0 is the first one's row in the run's (T*B) arrays.
    over_rows<T>(B, GH, H, transposed, [&](int b0, int b1) {
      const int nb = b1 - b0;
      const size_t r0 = row + size_t(b0);
      const T* hp = h_from + size_t(b0) * H;
      const T* cp = lstm ? c_from + size_t(b0) * H : nullptr;
      if (keep || resets) std::copy(hp, hp + size_t(nb) * H, cache.h_prev.data() + r0 * H);
      if (resets) {  // this step reads the zero state in the reset rows
        for (int b = 0; b < nb; ++b)
          if (resets[r0 + b]) std::fill_n(cache.h_prev.data() + (r0 + b) * H, H, T(0));
        hp = cache.h_prev.data() + r0 * H;
        if (lstm) cp = reset_c(resets + r0, nb, H, cp, cache.c_prev.data() + size_t(b0) * H);
      }
      T* pre_h = cache.pre_h.data() + size_t(b0) * GH;  // (nb, G*H)
      if (transposed) {
        for (int b = 0; b < nb; ++b) std::copy(w.b_hh, w.b_hh + GH, pre_h + size_t(b) * GH);
        gemm_nn_panels(nb, GH, H, hp, H, cache.w_hhT.data(), GH, panels, pre_h, GH);
      } else {
        linear(w.q_hh, &cache.i8, nb, H, GH, hp, H, w.w_hh, w.b_hh, pre_h, GH);  // q_hh: float only
      }
      T* h = cache.h.data() + r0 * H;
      T* c = lstm ? cache.c.data() + r0 * H : nullptr;
      pointwise_forward(w, nb, pre_x.at(r0), pre_h, hp, cp, cache.gates.data() + r0 * GH,
                        gru ? cache.hn.data() + r0 * H : nullptr, c, h);
      if (lengths)
        for (int b = 0; b < nb; ++b)
          if (!valid(lengths, t, b0 + b)) {  // padding: hold the state
            std::copy(hp + b * H, hp + (b + 1) * H, h + b * H);
            if (lstm) std::copy(cp + b * H, cp + (b + 1) * H, c + b * H);
          }
    });
  }
}

// Inference at batch 1: the state h, c is read at the start and holds the last step's at the end.
template <typename T>
void infer(const CellWeights<T>& w, const PreX<T>& pre_x, int steps, T* h, T* c, SeqCache<T>& cache) {
  if (steps < 1) return;
  run_steps(w, pre_x, steps, 1, static_cast<const int32_t*>(nullptr), static_cast<const uint8_t*>(nullptr), false,
            h, c, false, cache);
  const size_t last = size_t(steps - 1) * w.H;
  std::copy(cache.h.data() + last, cache.h.data() + last + w.H, h);
  if (w.kind == CellKind::kLstm) std::copy(cache.c.data() + last, cache.c.data() + last + w.H, c);
}

}  // namespace

template <typename T>
void cell_forward_seq(const CellWeights<T>& w, const T* x, int ldx, int steps, int batch, const int32_t* lengths,
                      const uint8_t* resets, bool reverse, const T* h0, const T* c0, SeqCache<T>& cache) {
  const int GH = gate_count(w.kind) * w.H, H = w.H, B = batch;
  const size_t rows = size_t(steps) * B;
  // Backward reads the start state's c (LSTM); h_prev holds the start h.
  grow(cache.h0, size_t(B) * H);
  grow(cache.c0, size_t(B) * H);
  if (h0)
    std::copy(h0, h0 + B * H, cache.h0.begin());
  else
    std::fill_n(cache.h0.begin(), B * H, T(0));
  if (w.kind == CellKind::kLstm && c0)
    std::copy(c0, c0 + B * H, cache.c0.begin());
  else
    std::fill_n(cache.c0.begin(), B * H, T(0));
  grow(cache.pre_x, rows * GH);
  linear(int(rows), w.I, GH, x, ldx, w.w_ih, w.b_ih, cache.pre_x.data(), GH);
  run_steps(w, PreX<T>{cache.pre_x.data(), size_t(GH), nullptr}, steps, B, lengths, resets, reverse,
            cache.h0.data(), cache.c0.data(), true, cache);
}

template <typename T>
void cell_infer_seq(const CellWeights<T>& w, const T* x, int ldx, int steps, T* h, T* c, SeqCache<T>& cache) {
  const int GH = gate_count(w.kind) * w.H;
  grow(cache.pre_x, size_t(steps) * GH);
  linear(steps, w.I, GH, x, ldx, w.w_ih, w.b_ih, cache.pre_x.data(), GH);
  infer(w, PreX<T>{cache.pre_x.data(), size_t(GH), nullptr}, steps, h, c, cache);
}

template <typename T>
void cell_infer_projected(const CellWeights<T>& w, const T* const* pre_x_rows, int steps, T* h, T* c,
                          SeqCache<T>& cache) {
  infer(w, PreX<T>{nullptr, 0, pre_x_rows}, steps, h, c, cache);
}

// One stream's step (generation, feed) split among the threads by hidden units: a part computes
// its units' rows of every gate, of both products, and their pointwise update, so that a layer's
// step is one job. Parts start at multiples of 8 units and H is one, so every gemv row and every
// activation falls in a whole vector as in one pass: the same bits as unsplit. Float only, float32
// weights only (int8 ones split inside i8_gemv, by rows). False, having done nothing, when it does
// not apply.
template <typename T>
bool split_step(const CellWeights<T>& w, const T* pre_x_row, const T* x, const T* h_prev, const T* c_prev,
                SeqCache<T>& cache) {
  constexpr int kAlign = 8;
  const int G = gate_count(w.kind), H = w.H, I = pre_x_row ? 0 : w.I, GH = G * H;
  if constexpr (!kHaveThreads || !std::is_same_v<T, float>) {
    return false;
  } else {
    if (num_threads() < 2 || H % kAlign || H < 2 * kAlign || w.q_ih || w.q_hh ||
        2.0 * GH * (H + I) < kGemvSplitFlops)
      return false;
  }
  const bool lstm = w.kind == CellKind::kLstm, gru = w.kind == CellKind::kGru;
  cache.steps = cache.batch = 1;
  grow(cache.pre_x, size_t(GH));
  grow(cache.pre_h, size_t(GH));
  grow(cache.h, size_t(H));
  if (lstm) grow(cache.c, size_t(H));
  if (gru) grow(cache.hn, size_t(H));
  // The activated gates stay in pre_x, in the parts' layout: nothing reads a step's gates after it
  // (inspection runs whole sequences).
  parallel_ranges(H, kAlign, [&](int j0, int j1) {
    const int n = j1 - j0;
    T* px = cache.pre_x.data() + size_t(G) * j0;  // this part's rows, gate by gate: (G, n)
    T* ph = cache.pre_h.data() + size_t(G) * j0;
    for (int g = 0; g < G; ++g) {
      const size_t r = size_t(g) * H + j0;  // the gate's first row of this part
      if (pre_x_row)
        std::copy(pre_x_row + r, pre_x_row + r + n, px + size_t(g) * n);
      else
        gemv_bias(n, I, w.w_ih + r * I, I, x, w.b_ih + r, px + size_t(g) * n);
      gemv_bias(n, H, w.w_hh + r * H, H, h_prev, w.b_hh + r, ph + size_t(g) * n);
    }
    CellWeights<T> part = w;  // the pointwise step of n units
    part.H = n;
    T* gates = px;  // each element is read before it is written
    pointwise_forward(part, 1, px, ph, h_prev + j0, lstm ? c_prev + j0 : nullptr, gates,
                      gru ? cache.hn.data() + j0 : nullptr, lstm ? cache.c.data() + j0 : nullptr,
                      cache.h.data() + j0);
  });
  return true;
}

template <typename T>
void cell_step(const CellWeights<T>& w, const T* const* pre_x_rows, const T* x, int ldx, int batch, T* h, T* c,
               SeqCache<T>& cache) {
  const int GH = gate_count(w.kind) * w.H, B = batch;
  bool split = false;  // split_step did the step: its outputs are in cache.h and cache.c, as run_steps's
  if constexpr (kHaveThreads) split = B == 1 && split_step(w, pre_x_rows ? pre_x_rows[0] : nullptr, x, h, c, cache);
  if (!split) {
    const T* pre_x = nullptr;  // (B, G*H)
    if (pre_x_rows && B == 1) {
      pre_x = pre_x_rows[0];
    } else {
      grow(cache.pre_x, size_t(B) * GH);
      if (pre_x_rows) {  // the pointwise step reads the B rows as one block
        for (int b = 0; b < B; ++b) std::copy(pre_x_rows[b], pre_x_rows[b] + GH, cache.pre_x.data() + size_t(b) * GH);
      } else {
        linear(w.q_ih, &cache.i8, B, w.I, GH, x, ldx, w.w_ih, w.b_ih, cache.pre_x.data(), GH);
      }
      pre_x = cache.pre_x.data();
    }
    run_steps(w, PreX<T>{pre_x, size_t(GH), nullptr}, 1, B, static_cast<const int32_t*>(nullptr),
              static_cast<const uint8_t*>(nullptr), false, h, c, false, cache);
  }
  std::copy(cache.h.data(), cache.h.data() + size_t(B) * w.H, h);
  if (w.kind == CellKind::kLstm) std::copy(cache.c.data(), cache.c.data() + size_t(B) * w.H, c);
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
    const T* c_from = !lstm ? nullptr : s == 0 ? cache.c0.data() : cache.c.data() + size_t(tp) * B * H;
    // Rows [b0, b1) of step t, as in the forward loop: dh, dc and dhd are this step's (B, H) rows.
    over_rows<T>(B, GH, H, true, [&](int b0, int b1) {
      const int nb = b1 - b0;
      const size_t r0 = row + size_t(b0);
      T* dh_ = dh + size_t(b0) * H;
      T* dc_ = dc + size_t(b0) * H;
      T* dhd_ = dhd + size_t(b0) * H;
      if (dy)
        for (int b = 0; b < nb; ++b)
          for (int j = 0; j < H; ++j) dh_[b * H + j] += dy[(r0 + b) * ldy + j];
      const T* gates = cache.gates.data() + r0 * GH;
      const T* hp = cache.h_prev.data() + r0 * H;
      T* dpx_t = dpx + r0 * GH;
      T* dph_t = dph + r0 * GH;
      switch (w.kind) {
        case CellKind::kRnnTanh:
        case CellKind::kRnnRelu:
          rnn_pointwise_backward(relu, nb, H, gates, dh_, dpx_t);
          std::fill_n(dhd_, nb * H, T(0));
          break;
        case CellKind::kLstm: {
          const T* cp = c_from + size_t(b0) * H;
          if (resets) cp = reset_c(resets + r0, nb, H, cp, cache.c_prev.data() + size_t(b0) * H);
          std::copy(dc_, dc_ + nb * H, dhd_);  // dc_t, kept for held rows: their dc passes through unchanged
          lstm_pointwise_backward(nb, H, gates, cp, cache.c.data() + r0 * H, dh_, dc_, dpx_t);
          for (int b = 0; b < nb; ++b)
            if (!valid(lengths, t, b0 + b)) std::copy(dhd_ + b * H, dhd_ + (b + 1) * H, dc_ + b * H);
          std::fill_n(dhd_, nb * H, T(0));
          break;
        }
        case CellKind::kGru:
          gru_pointwise_backward(nb, H, gates, cache.hn.data() + r0 * H, hp, dh_, dpx_t, dph_t, dhd_);
          break;
        case CellKind::kTransformer: break;
      }
      for (int b = 0; b < nb; ++b)
        if (!valid(lengths, t, b0 + b)) {  // a held state passes its gradient straight through
          std::fill_n(dpx_t + b * GH, GH, T(0));
          if (gru) std::fill_n(dph_t + b * GH, GH, T(0));
          std::copy(dh_ + b * H, dh_ + (b + 1) * H, dhd_ + b * H);
        }
      // dh_{t-1} = dh_direct + dpre_h . W_hh
      std::copy(dhd_, dhd_ + nb * H, dh_);
      gemm_nn(nb, H, GH, dph_t, GH, w.w_hh, H, dh_, H, true);
      if (resets)  // the step read zeros: nothing flows back into the state before it
        for (int b = 0; b < nb; ++b)
          if (resets[r0 + b]) {
            std::fill_n(dh_ + size_t(b) * H, H, T(0));
            if (lstm) std::fill_n(dc_ + size_t(b) * H, H, T(0));
          }
    });
  }
  if (dh0)
    for (int i = 0; i < B * H; ++i) dh0[i] += dh[i];
  if (dc0 && lstm)
    for (int i = 0; i < B * H; ++i) dc0[i] += dc[i];

  // Weight gradients for the whole sequence at once.
  gemm_tn(GH, I, int(rows), dpx, GH, x, ldx, g.dw_ih, I);
  gemm_tn(GH, H, int(rows), dph, GH, cache.h_prev.data(), H, g.dw_hh, H);
  // Each bias column summed over the rows in order; the columns split among the threads.
  const auto bias_columns = [&](int j0, int j1) {
    for (size_t r = 0; r < rows; ++r)
      for (int j = j0; j < j1; ++j) {
        g.db_ih[j] += dpx[r * GH + j];
        g.db_hh[j] += dph[r * GH + j];
      }
  };
  parallel_ranges_of(double(rows) * GH, GH, 16, bias_columns);
  if (dx) gemm_nn(int(rows), I, GH, dpx, GH, w.w_ih, I, dx, lddx, true);
}

template void cell_forward_seq<float>(const CellWeights<float>&, const float*, int, int, int, const int32_t*,
                                      const uint8_t*, bool, const float*, const float*, SeqCache<float>&);
template void cell_forward_seq<double>(const CellWeights<double>&, const double*, int, int, int, const int32_t*,
                                       const uint8_t*, bool, const double*, const double*, SeqCache<double>&);
template void cell_infer_seq<float>(const CellWeights<float>&, const float*, int, int, float*, float*,
                                    SeqCache<float>&);
template void cell_infer_seq<double>(const CellWeights<double>&, const double*, int, int, double*, double*,
                                     SeqCache<double>&);
template void cell_infer_projected<float>(const CellWeights<float>&, const float* const*, int, float*, float*,
                                          SeqCache<float>&);
template void cell_infer_projected<double>(const CellWeights<double>&, const double* const*, int, double*, double*,
                                           SeqCache<double>&);
template void cell_step<float>(const CellWeights<float>&, const float* const*, const float*, int, int, float*, float*,
                               SeqCache<float>&);
template void cell_step<double>(const CellWeights<double>&, const double* const*, const double*, int, int, double*,
                                double*, SeqCache<double>&);
template void cell_backward_seq<float>(const CellWeights<float>&, const float*, int, const int32_t*, const uint8_t*,
                                       bool, const float*, int, const float*, const float*, SeqCache<float>&,
                                       const CellGrads<float>&, float*, int, float*, float*);
template void cell_backward_seq<double>(const CellWeights<double>&, const double*, int, const int32_t*,
                                        const uint8_t*, bool, const double*, int, const double*, const double*,
                                        SeqCache<double>&, const CellGrads<double>&, double*, int, double*, double*);

}  // namespace recur
