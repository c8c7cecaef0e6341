// Linear layer forward and backward on the GEMM kernels.
#include "layers/dense.h"

#include <algorithm>

#include "kernels/gemm.h"

namespace recur {

template <typename T>
void dense_forward(int M, int in, int out, const T* X, int ldx, const T* W, const T* b, T* Y, Buffer<T>& wT) {
  if (M == 1) {  // the generation path: no transpose, stream W once
    gemv_bias(out, in, W, in, X, b, Y);
    return;
  }
  if (wT.size() < size_t(in) * out) wT.resize(size_t(in) * out);
  transpose(out, in, W, in, wT.data(), out);
  for (int m = 0; m < M; ++m) std::copy(b, b + out, Y + size_t(m) * out);
  gemm_nn(M, out, in, X, ldx, wT.data(), out, Y, out, true);
}

template <typename T>
void dense_backward(int M, int in, int out, const T* X, int ldx, const T* W, const T* dY, T* dW, T* db, T* dX,
                    int lddx) {
  gemm_tn(out, in, M, dY, out, X, ldx, dW, in);
  for (int m = 0; m < M; ++m)
    for (int j = 0; j < out; ++j) db[j] += dY[size_t(m) * out + j];
  if (dX) gemm_nn(M, in, out, dY, out, W, in, dX, lddx, true);
}

template void dense_forward<float>(int, int, int, const float*, int, const float*, const float*, float*,
                                   Buffer<float>&);
template void dense_forward<double>(int, int, int, const double*, int, const double*, const double*, double*,
                                    Buffer<double>&);
template void dense_backward<float>(int, int, int, const float*, int, const float*, const float*, float*, float*,
                                    float*, int);
template void dense_backward<double>(int, int, int, const double*, int, const double*, const double*, double*,
                                     double*, double*, int);

}  // namespace recur
