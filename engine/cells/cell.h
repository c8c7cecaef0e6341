// Recurrent cells with PyTorch's parameter layout and equations (torch.nn.RNN / LSTM / GRU).
//
//   pre_x (T*B, G*H) = X (T*B, I) . W_ih^T + b_ih      one linear() for the whole sequence
//   pre_h (B, G*H)   = h_{t-1} (B, H) . W_hh^T + b_hh  per step: a GEMV (linear()) when B = 1, a
//                                                     gemm_nn on W_hh^T (made once per run) otherwise
//
// One time loop runs every layer: training through cell_forward_seq over a batch of whole
// sequences, predict() through cell_infer_seq over chunks of one text, generation through
// cell_infer_seq over one symbol at a time.
//
//          [ W_ih | W_hh | b_ih + b_hh ]   [ x_t     ]
//   a_t =  [  G*H rows, gate blocks   ] . [ h_{t-1} ]     gate blocks stacked along rows:
//                                          [ 1       ]     RNN: (a) LSTM: (i f g o) GRU: (r z n)
//
//   RNN  h = act(a)
//   LSTM i, f, o = sigmoid(a_i, a_f, a_o), g = tanh(a_g), c = f*c_prev + i*g, h = o*tanh(c)
//   GRU  r, z = sigmoid(x_r + h_r, x_z + h_z), n = tanh(x_n + r*h_n), h = (1-z)*n + z*h_prev
//        (GRU keeps pre_x and pre_h apart because r multiplies only the recurrent part of n.)
//
// Sequences are time-major (row t*B + b). A step t >= lengths[b] is padding: the state is held,
// so forward direction ends on each sequence's last symbol and the reverse direction starts there.
// resets (T*B, forward direction only) packs several sequences into one row: where resets[t*B + b]
// is non-zero, step t reads the zero state instead of step t-1's, and no gradient flows back
// across it, exactly as if a new sequence started there (an lm trained on whole entries).
#pragma once
#include <cstdint>

#include "cells/cell_kind.h"
#include "core/tensor.h"
#include "kernels/int8.h"

namespace recur {

template <typename T>
struct CellWeights {
  CellKind kind = CellKind::kLstm;
  int I = 0, H = 0;
  const T* w_ih = nullptr;  // (G*H, I)
  const T* w_hh = nullptr;  // (G*H, H)
  const T* b_ih = nullptr;  // (G*H)
  const T* b_hh = nullptr;  // (G*H)
  // Inference at int8 precision (model/precision.h; float only): where set, cell_step's input
  // product (q_ih) and the recurrent product of inference runs (q_hh) use these instead.
  const I8Matrix* q_ih = nullptr;
  const I8Matrix* q_hh = nullptr;
};

template <typename T>
struct CellGrads {
  T* dw_ih = nullptr;  // += (G*H, I)
  T* dw_hh = nullptr;  // += (G*H, H)
  T* db_ih = nullptr;  // += (G*H)
  T* db_hh = nullptr;  // += (G*H)
};

/// What backward needs from forward, plus preallocated scratch. Reused across calls.
template <typename T>
struct SeqCache {
  int steps = 0, batch = 0;
  Buffer<T> gates;  // (T*B, G*H) activated gates (RNN: h; LSTM: i f g o; GRU: r z n)
  Buffer<T> hn;     // GRU: (T*B, H) W_hn h_prev + b_hn
  Buffer<T> c;      // LSTM: (T*B, H) cell state after each step
  Buffer<T> h;      // (T*B, H) hidden state after each step: the layer's output
  Buffer<T> h0, c0; // (B, H) start state
  // scratch
  Buffer<T> w_hhT;              // (H, G*H) when B > 1
  Buffer<T> w_hhT_panels;       // w_hhT as pack_panels copies it (kernels/gemm.h), when it does
  Buffer<T> pre_x, pre_h;       // (T*B, G*H), (B, G*H)
  Buffer<T> dpre_x, dpre_h;     // (T*B, G*H) each (the same values except GRU's n block)
  Buffer<T> h_prev;             // (T*B, H) state before each step (zero after a reset)
  Buffer<T> c_prev;             // LSTM with resets: (B, H) the cell state a step reads
  Buffer<T> dh, dc, dh_direct;  // (B, H)
  I8Scratch i8;                 // int8 precision: the vectors being multiplied, rounded
};

/// Runs one direction of one layer over a whole sequence, keeping what backward needs. x row r is
/// at x + r*ldx. h0, c0 (B, H) may be null (zeros); c0 is used by LSTM only. resets may be null
/// (none). Outputs land in cache.h (T*B, H) and, for LSTM, cache.c.
template <typename T>
void cell_forward_seq(const CellWeights<T>& w, const T* x, int ldx, int steps, int batch,
                      const int32_t* lengths, const uint8_t* resets, bool reverse, const T* h0, const T* c0,
                      SeqCache<T>& cache);

/// Inference on one sequence, the state carried: steps rows of x (stride ldx) from state h, c
/// (H each; c LSTM only, else null), which end as the state after the last step. Outputs land in
/// cache.h (steps, H). The same time loop as cell_forward_seq, minus what only backward reads.
template <typename T>
void cell_infer_seq(const CellWeights<T>& w, const T* x, int ldx, int steps, T* h, T* c, SeqCache<T>& cache);

/// cell_infer_seq with the input projections given, one row pointer per step: W_ih x_t + b_ih
/// (G*H), e.g. rows of a folded embedding (layers/embedding_fold.h).
template <typename T>
void cell_infer_projected(const CellWeights<T>& w, const T* const* pre_x_rows, int steps, T* h, T* c,
                          SeqCache<T>& cache);

/// One step of B independent streams (generation, batched or not): each stream's input projection
/// is either given as a row pointer (pre_x_rows, B of them) or computed from x (B rows, stride ldx).
/// h, c (B, H; c LSTM only, else null) are the streams' states, updated in place. Every product
/// reads each block of weights from memory once for all B streams.
template <typename T>
void cell_step(const CellWeights<T>& w, const T* const* pre_x_rows, const T* x, int ldx, int batch, T* h, T* c,
               SeqCache<T>& cache);

/// Backward through the sequence of the last cell_forward_seq on this cache (same x, lengths,
/// resets, direction). dy (T*B, H, row stride ldy) is the gradient w.r.t. the outputs; dh_last/dc_last
/// (B, H) w.r.t. the final state. Any of them may be null. Gradients are added into g, dx
/// (row stride lddx), dh0 and dc0; the latter three may be null.
template <typename T>
void cell_backward_seq(const CellWeights<T>& w, const T* x, int ldx, const int32_t* lengths,
                       const uint8_t* resets, bool reverse, const T* dy, int ldy, const T* dh_last, const T* dc_last,
                       SeqCache<T>& cache, const CellGrads<T>& g, T* dx, int lddx, T* dh0, T* dc0);

// Pointwise maths of one step for B rows (rnn.cpp, lstm.cpp, gru.cpp).
// Forward: pre_x, pre_h (B, G*H) -> gates (B, G*H) activated, h (B, H), c (B, H) [LSTM], hn (B, H) [GRU].
// Backward: dh (B, H) (consumed), dc (B, H) in: w.r.t. c_t, out: w.r.t. c_{t-1}; writes dpre_x and
// dpre_h (B, G*H) and dh_direct (B, H): the part of dh_{t-1} that does not pass through W_hh.
template <typename T>
void rnn_pointwise_forward(bool relu, int B, int H, const T* pre_x, const T* pre_h, T* gates, T* h) noexcept;
template <typename T>
void rnn_pointwise_backward(bool relu, int B, int H, const T* gates, const T* dh, T* dpre) noexcept;
template <typename T>
void lstm_pointwise_forward(int B, int H, const T* pre_x, const T* pre_h, const T* c_prev, T* gates, T* c,
                            T* h) noexcept;
template <typename T>
void lstm_pointwise_backward(int B, int H, const T* gates, const T* c_prev, const T* c, const T* dh, T* dc,
                             T* dpre) noexcept;
template <typename T>
void gru_pointwise_forward(int B, int H, const T* pre_x, const T* pre_h, const T* h_prev, T* gates, T* hn,
                           T* h) noexcept;
template <typename T>
void gru_pointwise_backward(int B, int H, const T* gates, const T* hn, const T* h_prev, const T* dh,
                            T* dpre_x, T* dpre_h, T* dh_direct) noexcept;

}  // namespace recur
