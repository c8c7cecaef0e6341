// xsimd implementations of gemm.h; reference.h holds their scalar twins.
#include "kernels/gemm.h"

#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/parallel.h"
#include "kernels/reference.h"
#include "kernels/simd.h"

namespace recur {

#if RECUR_SIMD

const char* simd_arch_name() { return xsimd::default_arch::name(); }

template <typename T>
T dot(int n, const T* x, const T* y) noexcept {
  using V = Vec<T>;
  constexpr int W = V::size;
  // Two accumulators: wasm SIMD128 has no FMA, so mul+add chains need independent streams.
  V a0(T(0)), a1(T(0));
  int i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    a0 = xsimd::fma(V::load_unaligned(x + i), V::load_unaligned(y + i), a0);
    a1 = xsimd::fma(V::load_unaligned(x + i + W), V::load_unaligned(y + i + W), a1);
  }
  for (; i + W <= n; i += W) a0 = xsimd::fma(V::load_unaligned(x + i), V::load_unaligned(y + i), a0);
  T s = xsimd::hadd(a0 + a1);
  for (; i < n; ++i) s += x[i] * y[i];
  return s;
}

template <typename T>
void axpy(int n, T a, const T* x, T* y) noexcept {
  using V = Vec<T>;
  constexpr int W = V::size;
  const V va(a);
  int i = 0;
  for (; i + W <= n; i += W) xsimd::fma(va, V::load_unaligned(x + i), V::load_unaligned(y + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] += a * x[i];
}

namespace {

// y = init + W x (init may be y itself, or null for 0).
template <typename T>
void gemv_into(int M, int K, const T* W, int ldw, const T* x, const T* init, T* y) noexcept {
  using V = Vec<T>;
  constexpr int L = V::size;
  int m = 0;
  // L rows per pass (4 on SSE and wasm, 8 on AVX2): each load of x feeds L independent
  // accumulators, and haddp turns the L accumulators into one vector of the L row sums. In wasm
  // this beat 4 rows with a scalar hadd per row by 5-25 % (512x128, 1024x64, 1024x256; Node 20
  // --no-liftoff); 8 accumulators per 4 rows or 8 rows per pass were slower there.
  for (; m + L <= M; m += L) {
    const T* w = W + size_t(m) * ldw;
    V a[L];
    for (int r = 0; r < L; ++r) a[r] = V(T(0));
    int k = 0;
    for (; k + L <= K; k += L) {
      const V xv = V::load_unaligned(x + k);
      for (int r = 0; r < L; ++r) a[r] = xsimd::fma(V::load_unaligned(w + size_t(r) * ldw + k), xv, a[r]);
    }
    V s = xsimd::haddp(a);
    if (k < K) {  // columns past the last full vector
      alignas(64) T t[L];
      s.store_aligned(t);
      for (; k < K; ++k)
        for (int r = 0; r < L; ++r) t[r] += w[size_t(r) * ldw + k] * x[k];
      s = V::load_aligned(t);
    }
    if (init) s = V::load_unaligned(init + m) + s;
    s.store_unaligned(y + m);
  }
  for (; m < M; ++m) {
    const T s = dot(K, W + size_t(m) * ldw, x);
    y[m] = init ? init[m] + s : s;
  }
}

// gemv_into split among num_threads() by rows, in whole passes of a vector width (each row's sum
// as in one pass): the products of a generation step. Under kGemvSplitFlops it runs whole.
template <typename T>
void gemv_split(int M, int K, const T* W, int ldw, const T* x, const T* init, T* y) noexcept {
  if constexpr (kHaveThreads) {
    if (num_threads() > 1 && 2.0 * M * K >= kGemvSplitFlops) {
      parallel_ranges(M, Vec<T>::size, [&](int m0, int m1) {
        gemv_into(m1 - m0, K, W + size_t(m0) * ldw, ldw, x, init ? init + m0 : init, y + m0);
      });
      return;
    }
  }
  gemv_into(M, K, W, ldw, x, init, y);
}

}  // namespace

template <typename T>
void gemv(int M, int K, const T* W, int ldw, const T* x, T* y, bool accumulate) noexcept {
  gemv_split(M, K, W, ldw, x, accumulate ? y : static_cast<const T*>(nullptr), y);
}

template <typename T>
void gemv_bias(int M, int K, const T* W, int ldw, const T* x, const T* b, T* y) noexcept {
  gemv_split(M, K, W, ldw, x, b, y);
}

namespace {

// C (M, N) += A B, with A's element (m, k) at A[m * am + k * ak]: (am, ak) = (lda, 1) is gemm_nn,
// (1, lda) is gemm_tn. Register tile: MR rows x NV vectors of C live in registers across the
// whole k loop; each step loads NV vectors of B and broadcasts MR scalars of A.
template <typename T, int MR, int NV>
inline void tile(int K, const T* A, int am, int ak, const T* B, int ldb, T* C, int ldc) noexcept {
  using V = Vec<T>;
  constexpr int L = V::size;
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = V::load_unaligned(C + r * ldc + v * L);
  for (int k = 0; k < K; ++k) {
    V b[NV];
    for (int v = 0; v < NV; ++v) b[v] = V::load_unaligned(B + k * ldb + v * L);
    for (int r = 0; r < MR; ++r) {
      const V a(A[r * am + k * ak]);
      for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(a, b[v], acc[r][v]);
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v].store_unaligned(C + r * ldc + v * L);
}

// panels: B's whole pairs of vectors of columns as (K, 2L) blocks pstride apart (pack_panels), or
// null; the columns past them are read from B.
template <typename T, int MR>
inline void row_block(int N, int K, const T* A, int am, int ak, const T* B, int ldb, const T* panels, size_t pstride,
                      T* C, int ldc) noexcept {
  constexpr int L = Vec<T>::size;
  int n = 0;
  if (panels)
    for (; n + 2 * L <= N; n += 2 * L)
      tile<T, MR, 2>(K, A, am, ak, panels + size_t(n / (2 * L)) * pstride, 2 * L, C + n, ldc);
  for (; n + 2 * L <= N; n += 2 * L) tile<T, MR, 2>(K, A, am, ak, B + n, ldb, C + n, ldc);
  for (; n + L <= N; n += L) tile<T, MR, 1>(K, A, am, ak, B + n, ldb, C + n, ldc);
  for (; n < N; ++n)  // columns past the last full vector
    for (int r = 0; r < MR; ++r) {
      T s = C[r * ldc + n];
      for (int k = 0; k < K; ++k) s += A[r * am + k * ak] * B[k * ldb + n];
      C[r * ldc + n] = s;
    }
}

// panels (may be null): B's panels from pack_panels, pstride apart.
template <typename T>
void gemm_bcast_one(int M, int N, int K, const T* A, int am, int ak, const T* B, int ldb, const T* panels,
                    size_t pstride, T* C, int ldc) noexcept {
  constexpr int L = Vec<T>::size;
  // Blocks of B (kKc x kNc) stay in L2 while every strip of A passes over them. Strips of 6 rows
  // (12 accumulators + 2 B vectors + 1 broadcast = 15 of 16 vector registers) took 30 % less CPU
  // than 4 rows training a 2 x 256 LSTM (AVX2, Zen 4; user time 2.7 s vs 3.9 s).
  constexpr int kKc = 256, kNc = 512;
  for (int n0 = 0; n0 < N; n0 += kNc) {
    const int nb = N - n0 < kNc ? N - n0 : kNc;
    for (int k0 = 0; k0 < K; k0 += kKc) {
      const int kb = K - k0 < kKc ? K - k0 : kKc;
      const T* Ak = A + k0 * ak;
      const T* Bk = B + k0 * ldb + n0;
      // Strips of 6, but two of 4 where 6s would leave 2 rows (32 = 4 x 6 + 2 x 4: a batch of 32),
      // since a 1-row strip does only 2 FMAs per 2 loads of B.
      const int sixes = M % 6 == 2 && M >= 8 ? M / 6 - 1 : M / 6;
      const T* pk = panels ? panels + size_t(n0 / (2 * L)) * pstride + size_t(k0) * 2 * L : nullptr;
      size_t pks = pstride;
      T* strip = nullptr;
      // Natively, operands read across pages are copied first into the order the tiles read them
      // (the same numbers, so the same sums): the block's B where its rows are 2 KB or more apart
      // and enough strips share the copy (1.5x on 2,048 x 1,024 x 256, Zen 4); each strip of A
      // where A is read down columns (gemm_tn: a strip's values for one k are lda apart), when
      // enough columns share it. Not in wasm (kPackPanels), where packing measured 3-8 % slower
      // training. The copies' buffers are kept per thread (512 KB and 6 KB for float).
      if constexpr (kPackPanels) {
        static thread_local std::vector<T> b_copy, a_copy;
        if (!pk && M >= 128 && size_t(ldb) * sizeof(T) >= 2048) {
          if (b_copy.size() < size_t(kKc) * kNc) b_copy.resize(size_t(kKc) * kNc);
          pack_panels(kb, nb, Bk, ldb, b_copy.data());
          pk = b_copy.data();
          pks = size_t(kb) * 2 * L;
        }
        if (ak != 1 && nb >= 64) {
          if (a_copy.size() < size_t(kKc) * 6) a_copy.resize(size_t(kKc) * 6);
          strip = a_copy.data();
        }
      }
      // Rows [m, m + MR): from A as it is, or from its copy (kb, MR) in strip.
      auto rows = [&](auto mr, int m) {
        constexpr int MR = decltype(mr)::value;
        const T* a = Ak + m * am;
        int sa = am, ka = ak;
        if (strip) {
          for (int k = 0; k < kb; ++k)
            for (int r = 0; r < MR; ++r) strip[k * MR + r] = a[r * am + k * ak];
          a = strip;
          sa = 1;
          ka = MR;
        }
        row_block<T, MR>(nb, kb, a, sa, ka, Bk, ldb, pk, pks, C + m * ldc + n0, ldc);
      };
      int m = 0;
      for (; m < 6 * sixes; m += 6) rows(std::integral_constant<int, 6>(), m);
      for (; m + 4 <= M; m += 4) rows(std::integral_constant<int, 4>(), m);
      for (; m < M; ++m) rows(std::integral_constant<int, 1>(), m);
    }
  }
}

// gemm_bcast_one split among num_threads(): by columns in whole pairs of vectors when there are
// enough (the tiles then fall on the same columns as in one pass), else by rows. Either way each
// element of C is summed in the same order as by one thread. Products under kSplitFlops run whole.
template <typename T>
void gemm_bcast(int M, int N, int K, const T* A, int am, int ak, const T* B, int ldb, T* C, int ldc,
                const T* panels = nullptr) noexcept {
  constexpr int kStep = 2 * Vec<T>::size;
  const size_t pstride = size_t(K) * kStep;
  if constexpr (kHaveThreads) {
    if (num_threads() > 1 && 2.0 * M * N * K >= kSplitFlops) {
      if (N >= num_threads() * kStep)
        parallel_ranges(N, kStep, [&](int n0, int n1) {
          gemm_bcast_one(M, n1 - n0, K, A, am, ak, B + n0, ldb, panels ? panels + size_t(n0 / kStep) * pstride : panels,
                         pstride, C + n0, ldc);
        });
      else
        parallel_ranges(M, 1, [&](int m0, int m1) {
          gemm_bcast_one(m1 - m0, N, K, A + m0 * am, am, ak, B, ldb, panels, pstride, C + m0 * ldc, ldc);
        });
      return;
    }
  }
  gemm_bcast_one(M, N, K, A, am, ak, B, ldb, panels, pstride, C, ldc);
}

}  // namespace

template <typename T>
void gemm_nn(int M, int N, int K, const T* A, int lda, const T* B, int ldb, T* C, int ldc,
             bool accumulate) noexcept {
  if (!accumulate)
    for (int m = 0; m < M; ++m) std::memset(C + m * ldc, 0, sizeof(T) * N);
  gemm_bcast(M, N, K, A, lda, 1, B, ldb, C, ldc);
}

template <typename T>
void gemm_tn(int M, int N, int K, const T* A, int lda, const T* B, int ldb, T* C, int ldc) noexcept {
  gemm_bcast(M, N, K, A, 1, lda, B, ldb, C, ldc);
}

template <typename T>
size_t panels_size(int K, int N) noexcept {
  constexpr int kStep = 2 * Vec<T>::size;
  return kPackPanels ? size_t(K) * (N / kStep * kStep) : 0;
}

template <typename T>
void pack_panels(int K, int N, const T* B, int ldb, T* panels) noexcept {
  using V = Vec<T>;
  constexpr int L = V::size;
  if (!kPackPanels) return;
  for (int n = 0; n + 2 * L <= N; n += 2 * L)
    for (int k = 0; k < K; ++k, panels += 2 * L) {
      V::load_unaligned(B + size_t(k) * ldb + n).store_unaligned(panels);
      V::load_unaligned(B + size_t(k) * ldb + n + L).store_unaligned(panels + L);
    }
}

template <typename T>
void gemm_nn_panels(int M, int N, int K, const T* A, int lda, const T* B, int ldb, const T* panels, T* C,
                    int ldc) noexcept {
  gemm_bcast(M, N, K, A, lda, 1, B, ldb, C, ldc, kPackPanels ? panels : nullptr);
}

namespace {

// gemm_nt transposes B when A has at least kPackRows rows.
constexpr int kPackRows = 64;

// MR rows of A times NR rows of B: MR*NR dot products of length K, one vector accumulator each,
// reduced together by haddp in groups of the lane count. Written to out (MR*NR, row-major).
template <typename T, int MR, int NR>
inline void nt_tile(int K, const T* A, int lda, const T* B, int ldb, T* out) noexcept {
  using V = Vec<T>;
  constexpr int L = V::size, N_ACC = MR * NR;
  V acc[N_ACC];
  for (int i = 0; i < N_ACC; ++i) acc[i] = V(T(0));
  int k = 0;
  for (; k + L <= K; k += L) {
    V b[NR];
    for (int n = 0; n < NR; ++n) b[n] = V::load_unaligned(B + size_t(n) * ldb + k);
    for (int r = 0; r < MR; ++r) {
      const V a = V::load_unaligned(A + size_t(r) * lda + k);
      for (int n = 0; n < NR; ++n) acc[r * NR + n] = xsimd::fma(a, b[n], acc[r * NR + n]);
    }
  }
  if constexpr (N_ACC % L == 0) {
    for (int g = 0; g < N_ACC; g += L) xsimd::haddp(acc + g).store_unaligned(out + g);
  } else {
    for (int i = 0; i < N_ACC; ++i) out[i] = xsimd::hadd(acc[i]);
  }
  for (; k < K; ++k)  // columns past the last full vector
    for (int r = 0; r < MR; ++r)
      for (int n = 0; n < NR; ++n) out[r * NR + n] += A[size_t(r) * lda + k] * B[size_t(n) * ldb + k];
}

// C row (4) = out (4) + bias (4, may be null), or += when accumulate.
template <typename T>
inline void nt_store4(T* c, const T* bias, const T* out, bool accumulate) noexcept {
  T v[4];
  for (int j = 0; j < 4; ++j) v[j] = out[j];
  if (bias)
    for (int j = 0; j < 4; ++j) v[j] += bias[j];
  if (accumulate)
    for (int j = 0; j < 4; ++j) c[j] += v[j];
  else
    for (int j = 0; j < 4; ++j) c[j] = v[j];
}

}  // namespace

template <typename T>
void gemm_nt(int M, int N, int K, const T* A, int lda, const T* B, int ldb, const T* bias, T* C, int ldc,
             bool accumulate) noexcept {
  if (M >= kPackRows) {
    for (int m = 0; m < M; ++m) {  // C = bias, 0 or C; one loop per case so each one vectorises
      T* c = C + size_t(m) * ldc;
      if (!accumulate && bias)
        for (int n = 0; n < N; ++n) c[n] = bias[n];
      else if (!accumulate)
        for (int n = 0; n < N; ++n) c[n] = T(0);
      else if (bias)
        for (int n = 0; n < N; ++n) c[n] += bias[n];
    }
    // One transposed copy of B, shared by all M rows; then gemm_nn's register tiles. (Packing
    // 256 x 256 panels per block instead measured 3-8 % slower training in wasm, though faster
    // natively.) The copy's buffer is kept per thread: as large as the largest weight matrix met.
    static thread_local std::vector<T> bt;
    if (bt.size() < size_t(N) * K) bt.resize(size_t(N) * K);
    transpose(N, K, B, ldb, bt.data(), N);
    gemm_bcast(M, N, K, A, lda, 1, bt.data(), N, C, ldc);
    return;
  }
  // Few rows (a short text's projections, a small batch's head, the streams of batched
  // generation): dot products of contiguous rows, no copy. With FMA, groups of 8 rows of A meet
  // one row of B at a time (8 accumulators, one load of B per 8 FMAs): 1.3-1.6x the rate of the
  // 2 x 4 tiles below for 8 to 32 rows of 256 or 512 (AVX2, Zen 4: 79-84 against 53-61 GFLOP/s, B
  // from L3 as in a generation step). Without FMA (wasm SIMD128) the same groups made batched
  // generation 28 % slower, so there every row takes the tiles.
#ifdef __FMA__
  // Each row of B once, outside: it stays in L1 while every group passes over it, and A must stay
  // close by too. Rows of more than 2 KB (512 floats), or more than 64 KB of A (63 rows of 512),
  // made the groups up to 20 % slower than the tiles, so there the tiles take every row.
  const bool near = size_t(K) * sizeof(T) <= 2048 && size_t(M) * K * sizeof(T) <= 64 * 1024;
  const int groups = near ? M / 8 : 0;
  for (int n = 0; n < N && groups; ++n) {
    const T b = bias ? bias[n] : T(0);
    for (int g = 0; g < groups; ++g) {
      alignas(64) T out[8];
      nt_tile<T, 8, 1>(K, A + size_t(8 * g) * lda, lda, B + size_t(n) * ldb, ldb, out);
      for (int r = 0; r < 8; ++r) {
        T* c = C + size_t(8 * g + r) * ldc + n;
        *c = accumulate ? *c + (out[r] + b) : out[r] + b;
      }
    }
  }
  M -= 8 * groups;
  A += size_t(8 * groups) * lda;
  C += size_t(8 * groups) * ldc;
#endif
  // The rows left over (all of them without FMA): 2 x 4 tiles, 8 accumulators (one haddp on AVX2)
  // and 6 loads per 8 FMAs.
  int n = 0;
  for (; n + 4 <= N; n += 4) {
    const T* Bn = B + size_t(n) * ldb;
    const T* bn = bias ? bias + n : nullptr;
    alignas(64) T out[8];
    int m = 0;
    for (; m + 2 <= M; m += 2) {
      nt_tile<T, 2, 4>(K, A + size_t(m) * lda, lda, Bn, ldb, out);
      nt_store4(C + size_t(m) * ldc + n, bn, out, accumulate);
      nt_store4(C + size_t(m + 1) * ldc + n, bn, out + 4, accumulate);
    }
    for (; m < M; ++m) {
      nt_tile<T, 1, 4>(K, A + size_t(m) * lda, lda, Bn, ldb, out);
      nt_store4(C + size_t(m) * ldc + n, bn, out, accumulate);
    }
  }
  for (; n < N; ++n)  // rows of B past the last group of 4
    for (int m = 0; m < M; ++m) {
      const T s = dot(K, A + size_t(m) * lda, B + size_t(n) * ldb) + (bias ? bias[n] : T(0));
      T* c = C + size_t(m) * ldc + n;
      *c = accumulate ? *c + s : s;
    }
}

#else  // RECUR_SIMD

const char* simd_arch_name() { return "scalar"; }

template <typename T>
T dot(int n, const T* x, const T* y) noexcept { return ref::dot(n, x, y); }
template <typename T>
void axpy(int n, T a, const T* x, T* y) noexcept { ref::axpy(n, a, x, y); }
template <typename T>
void gemv(int M, int K, const T* W, int ldw, const T* x, T* y, bool accumulate) noexcept {
  ref::gemv(M, K, W, ldw, x, y, accumulate);
}
template <typename T>
void gemv_bias(int M, int K, const T* W, int ldw, const T* x, const T* b, T* y) noexcept {
  ref::gemv_bias(M, K, W, ldw, x, b, y);
}
template <typename T>
void gemm_nn(int M, int N, int K, const T* A, int lda, const T* B, int ldb, T* C, int ldc,
             bool accumulate) noexcept {
  ref::gemm_nn(M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}
template <typename T>
void gemm_tn(int M, int N, int K, const T* A, int lda, const T* B, int ldb, T* C, int ldc) noexcept {
  ref::gemm_tn(M, N, K, A, lda, B, ldb, C, ldc);
}
template <typename T>
size_t panels_size(int, int) noexcept { return 0; }
template <typename T>
void pack_panels(int, int, const T*, int, T*) noexcept {}
template <typename T>
void gemm_nn_panels(int M, int N, int K, const T* A, int lda, const T* B, int ldb, const T*, T* C, int ldc) noexcept {
  ref::gemm_nn(M, N, K, A, lda, B, ldb, C, ldc, true);
}
template <typename T>
void gemm_nt(int M, int N, int K, const T* A, int lda, const T* B, int ldb, const T* bias, T* C, int ldc,
             bool accumulate) noexcept {
  ref::gemm_nt(M, N, K, A, lda, B, ldb, bias, C, ldc, accumulate);
}

#endif  // RECUR_SIMD

template <typename T>
void transpose(int M, int N, const T* src, int lds, T* dst, int ldd) noexcept {
  // 8x8 blocks keep both sides' cache lines live; the compiler vectorises the inner copy. Large
  // ones split their rows among the threads (a training step transposes every W_ih and W_hh).
  constexpr int kB = 8;
  const auto rows = [&](int r0, int r1) {
    for (int m0 = r0; m0 < r1; m0 += kB)
      for (int n0 = 0; n0 < N; n0 += kB) {
        const int me = m0 + kB < r1 ? m0 + kB : r1, ne = n0 + kB < N ? n0 + kB : N;
        for (int m = m0; m < me; ++m)
          for (int n = n0; n < ne; ++n) dst[n * ldd + m] = src[m * lds + n];
      }
  };
  parallel_ranges_of(double(M) * N, M, kB, rows);
}

#define RECUR_INSTANTIATE(T)                                                                       \
  template T dot<T>(int, const T*, const T*) noexcept;                                             \
  template void axpy<T>(int, T, const T*, T*) noexcept;                                            \
  template void gemv<T>(int, int, const T*, int, const T*, T*, bool) noexcept;                     \
  template void gemv_bias<T>(int, int, const T*, int, const T*, const T*, T*) noexcept;           \
  template void gemm_nn<T>(int, int, int, const T*, int, const T*, int, T*, int, bool) noexcept;  \
  template void gemm_tn<T>(int, int, int, const T*, int, const T*, int, T*, int) noexcept;        \
  template void gemm_nt<T>(int, int, int, const T*, int, const T*, int, const T*, T*, int, bool) noexcept; \
  template void transpose<T>(int, int, const T*, int, T*, int) noexcept;                          \
  template size_t panels_size<T>(int, int) noexcept;                                               \
  template void pack_panels<T>(int, int, const T*, int, T*) noexcept;                              \
  template void gemm_nn_panels<T>(int, int, int, const T*, int, const T*, int, const T*, T*, int) noexcept;
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur
