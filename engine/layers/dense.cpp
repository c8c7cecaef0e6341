// Linear layer forward and backward on the GEMM kernels.
#include "layers/dense.h"

#include "kernels/gemm.h"

namespace recur {

template <typename T>
void linear(int M, int in, int out, const T* X, int ldx, const T* W, const T* b, T* Y, int ldy) noexcept {
  if (M == 1)
    gemv_bias(out, in, W, in, X, b, Y);
  else
    gemm_nt(M, out, in, X, ldx, W, in, b, Y, ldy, false);
}

template <typename T>
void dense_backward(int M, int in, int out, const T* X, int ldx, const T* W, const T* dY, T* dW, T* db, T* dX,
                    int lddx) {
  gemm_tn(out, in, M, dY, out, X, ldx, dW, in);
  for (int m = 0; m < M; ++m)
    for (int j = 0; j < out; ++j) db[j] += dY[size_t(m) * out + j];
  if (dX) gemm_nn(M, in, out, dY, out, W, in, dX, lddx, true);
}

template void linear<float>(int, int, int, const float*, int, const float*, const float*, float*, int) noexcept;
template void linear<double>(int, int, int, const double*, int, const double*, const double*, double*,
                             int) noexcept;
template void dense_backward<float>(int, int, int, const float*, int, const float*, const float*, float*, float*,
                                    float*, int);
template void dense_backward<double>(int, int, int, const double*, int, const double*, const double*, double*,
                                     double*, double*, int);

}  // namespace recur
