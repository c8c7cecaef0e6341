// Scalar twins of every kernel in gemm.h and activations.h: the obvious loops, in the obvious
// order. They are the algorithmic reference the tests compare the SIMD kernels against, and
// the whole engine runs on them when built with RECUR_SIMD=OFF.
#pragma once
#include <algorithm>
#include <cmath>

namespace recur::ref {

template <typename T>
void gemv(int M, int K, const T* W, int ldw, const T* x, T* y, bool accumulate) noexcept {
  for (int m = 0; m < M; ++m) {
    T s = accumulate ? y[m] : T(0);
    for (int k = 0; k < K; ++k) s += W[m * ldw + k] * x[k];
    y[m] = s;
  }
}

template <typename T>
void gemv_bias(int M, int K, const T* W, int ldw, const T* x, const T* b, T* y) noexcept {
  for (int m = 0; m < M; ++m) {
    T s = b[m];
    for (int k = 0; k < K; ++k) s += W[m * ldw + k] * x[k];
    y[m] = s;
  }
}

template <typename T>
void gemm_nn(int M, int N, int K, const T* A, int lda, const T* B, int ldb, T* C, int ldc,
             bool accumulate) noexcept {
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      T s = accumulate ? C[m * ldc + n] : T(0);
      for (int k = 0; k < K; ++k) s += A[m * lda + k] * B[k * ldb + n];
      C[m * ldc + n] = s;
    }
}

template <typename T>
void gemm_nt(int M, int N, int K, const T* A, int lda, const T* B, int ldb, const T* bias, T* C, int ldc,
             bool accumulate) noexcept {
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      T s = (accumulate ? C[m * ldc + n] : T(0)) + (bias ? bias[n] : T(0));
      for (int k = 0; k < K; ++k) s += A[m * lda + k] * B[n * ldb + k];
      C[m * ldc + n] = s;
    }
}

template <typename T>
void gemm_tn(int M, int N, int K, const T* A, int lda, const T* B, int ldb, T* C, int ldc) noexcept {
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      T s = C[m * ldc + n];
      for (int k = 0; k < K; ++k) s += A[k * lda + m] * B[k * ldb + n];
      C[m * ldc + n] = s;
    }
}

template <typename T>
void transpose(int M, int N, const T* src, int lds, T* dst, int ldd) noexcept {
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) dst[n * ldd + m] = src[m * lds + n];
}

template <typename T>
void axpy(int n, T a, const T* x, T* y) noexcept {
  for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

template <typename T>
T dot(int n, const T* x, const T* y) noexcept {
  T s = 0;
  for (int i = 0; i < n; ++i) s += x[i] * y[i];
  return s;
}

template <typename T>
void sigmoid_inplace(T* x, int n) noexcept {
  for (int i = 0; i < n; ++i) x[i] = T(1) / (T(1) + std::exp(-x[i]));
}
template <typename T>
void tanh_inplace(T* x, int n) noexcept {
  for (int i = 0; i < n; ++i) x[i] = std::tanh(x[i]);
}
template <typename T>
void relu_inplace(T* x, int n) noexcept {
  for (int i = 0; i < n; ++i) x[i] = std::max(x[i], T(0));
}

}  // namespace recur::ref
