// Linear layer with torch.nn.Linear's layout: Y (M, out) = X (M, in) . W^T + b, W (out, in).
#pragma once
#include "core/tensor.h"

namespace recur {

/// wT is scratch that receives W^T (in, out), so the product is one gemm_nn.
template <typename T>
void dense_forward(int M, int in, int out, const T* X, int ldx, const T* W, const T* b, T* Y, Buffer<T>& wT);

/// dW += dY^T X, db += column sums of dY, dX += dY W (dX may be null).
template <typename T>
void dense_backward(int M, int in, int out, const T* X, int ldx, const T* W, const T* dY, T* dW, T* db, T* dX,
                    int lddx);

}  // namespace recur
