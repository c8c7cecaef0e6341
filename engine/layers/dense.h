// Linear layer with torch.nn.Linear's layout: Y (M, out) = X (M, in) . W^T + b, W (out, in).
// linear() is the forward product with a weight matrix as stored: the cells' input projections,
// the recurrent product at batch 1, and the head. (A batch's recurrent product uses W_hh^T made
// once per sequence, cells/sequence.cpp; backward uses gemm_nn and gemm_tn.)
#pragma once
#include <type_traits>

#include "core/tensor.h"
#include "kernels/int8.h"

namespace recur {

/// Y (M, out, row stride ldy) = X (M, in, row stride ldx) . W^T + b (b not null). One row is a
/// GEMV that streams W once (generation); more rows are gemm_nt (kernels/gemm.h).
template <typename T>
void linear(int M, int in, int out, const T* X, int ldx, const T* W, const T* b, T* Y, int ldy) noexcept;

/// linear() through q, W's int8 copy (model/precision.h), when there is one (T = float): X's rows
/// are rounded into scratch. Else linear() on W.
template <typename T>
void linear(const I8Matrix* q, I8Scratch* scratch, int M, int in, int out, const T* X, int ldx, const T* W,
            const T* b, T* Y, int ldy) {
  if constexpr (std::is_same_v<T, float>)
    if (q) {
      i8_linear(*q, M, X, ldx, b, Y, ldy, *scratch);
      return;
    }
  linear(M, in, out, X, ldx, W, b, Y, ldy);
}

/// dW += dY^T X, db += column sums of dY, dX += dY W (dX may be null).
template <typename T>
void dense_backward(int M, int in, int out, const T* X, int ldx, const T* W, const T* dY, T* dW, T* db, T* dX,
                    int lddx);

}  // namespace recur
