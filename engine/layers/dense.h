// Linear layer with torch.nn.Linear's layout: Y (M, out) = X (M, in) . W^T + b, W (out, in).
// linear() is the engine's one product with a weight matrix: the cells' input and recurrent
// projections and the head all go through it, on the weights as stored.
#pragma once
#include "core/tensor.h"

namespace recur {

/// Y (M, out, row stride out) = X (M, in, row stride ldx) . W^T + b. One row is a GEMV that
/// streams W once (generation); more rows are gemm_nt, which reads W's rows as they are stored.
template <typename T>
void linear(int M, int in, int out, const T* X, int ldx, const T* W, const T* b, T* Y, int ldy) noexcept;

/// dW += dY^T X, db += column sums of dY, dX += dY W (dX may be null).
template <typename T>
void dense_backward(int M, int in, int out, const T* X, int ldx, const T* W, const T* dY, T* dW, T* db, T* dX,
                    int lddx);

}  // namespace recur
