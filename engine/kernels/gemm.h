// Matrix products on row-major buffers with explicit leading dimensions (so column slices of a
// wider matrix, e.g. one direction of a bidirectional layer's output, need no copy).
// Every kernel is noexcept and assumes valid sizes; pointers need no particular alignment.
#pragma once
#include <cstddef>

namespace recur {

/// y (M) = W (M, K) x (K), or y += W x when accumulate. Dot-product form: one vector width of rows
/// per pass share each load of x. The batch-1 generation path (one symbol in, one step) lives here.
template <typename T>
void gemv(int M, int K, const T* W, int ldw, const T* x, T* y, bool accumulate) noexcept;

/// y (M) = b (M) + W (M, K) x (K): gemv on a copy of b, without the copy. (Emscripten 3.1.6
/// sends every memcpy of 512 bytes or more through JavaScript: the bias copies were 1.3 % of a
/// wasm generation step.) y and b may not overlap unless y == b.
template <typename T>
void gemv_bias(int M, int K, const T* W, int ldw, const T* x, const T* b, T* y) noexcept;

/// C (M, N) = A (M, K) B (K, N), or C += A B when accumulate.
template <typename T>
void gemm_nn(int M, int N, int K, const T* A, int lda, const T* B, int ldb, T* C, int ldc,
             bool accumulate) noexcept;

/// C (M, N) = A (M, K) B^T + bias with B stored (N, K), or C += ... when accumulate; bias (N) is
/// added to every row and may be null. This is a linear layer on weights in their stored (out, in)
/// layout. Below 64 rows each element is a dot product of two contiguous rows (no copy); from 64
/// rows B is transposed once into a per-thread buffer and gemm_nn's register tiles run on it.
template <typename T>
void gemm_nt(int M, int N, int K, const T* A, int lda, const T* B, int ldb, const T* bias, T* C, int ldc,
             bool accumulate) noexcept;

/// C (M, N) += A^T B with A stored (K, M) and B (K, N): weight gradients, dW += dG^T X.
template <typename T>
void gemm_tn(int M, int N, int K, const T* A, int lda, const T* B, int ldb, T* C, int ldc) noexcept;

/// Whether pack_panels copies anything: natively with SIMD. (In wasm, copying B into panels per
/// product made training 3-8 % slower; there B is read where it is.)
#if defined(__EMSCRIPTEN__) || (defined(RECUR_SIMD) && !RECUR_SIMD)
constexpr bool kPackPanels = false;
#else
constexpr bool kPackPanels = true;
#endif

/// For a B (K, N) that many products read (W_hh^T in a batch's time loop): its whole pairs of SIMD
/// vectors of columns copied into (K, 2 x lanes) panels, one after another, so that a product
/// reads each as one stream instead of K rows ldb apart (each on its own page when ldb is 1,024).
/// panels_size() is the copy's size in values: 0 where kPackPanels is false (pack_panels then does
/// nothing, and gemm_nn_panels takes a null).
template <typename T>
size_t panels_size(int K, int N) noexcept;
template <typename T>
void pack_panels(int K, int N, const T* B, int ldb, T* panels) noexcept;
/// C (M, N) += A (M, K) B, reading B's panels where given (non-null): the same sums as gemm_nn.
template <typename T>
void gemm_nn_panels(int M, int N, int K, const T* A, int lda, const T* B, int ldb, const T* panels, T* C,
                    int ldc) noexcept;

/// Dst (N, M) = Src^T for Src (M, N): gemm_nt's copy of B for many rows, and W_hh^T for a
/// batch's time loop (made once, used at every step).
template <typename T>
void transpose(int M, int N, const T* src, int lds, T* dst, int ldd) noexcept;

/// y (n) += a * x (n).
template <typename T>
void axpy(int n, T a, const T* x, T* y) noexcept;

/// Sum of x (n) * y (n).
template <typename T>
T dot(int n, const T* x, const T* y) noexcept;

}  // namespace recur
