// gemm.h kernels against their scalar twins in reference.h, for float and double, at the awkward
// sizes {1, 3, 7, N-1, N, N+1, 3N, 8N+2} (N = SIMD lanes of T) in every dimension, plus shapes that
// cross gemm_bcast's K (256) and N (512) blocks; strided (ld = width + 3) and misaligned starts.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/rng.h"
#include "kernels/gemm.h"
#include "kernels/reference.h"
#include "kernels/simd.h"
#include "support/awkward.h"
#include "support/compare.h"

namespace recur {
namespace {

using testing::max_scaled_error;
using testing::within;

using testing::awkward_sizes;
using testing::lanes;

// Padding holds a signalling NaN whose payload names its buffer. Any arithmetic on it (a read
// into a sum, an fma that writes it back) yields a quiet NaN with different bits, and a copy from
// another buffer's padding carries the other payload, so "bits unchanged" means "never written";
// a result that read it is NaN. (A quiet NaN would not do: NaN + x keeps the payload, so a
// read-modify-write of C's padding, e.g. an extra column in accumulate mode, goes unseen.)
template <typename T>
T sentinel(uint32_t id) {
  return testing::signalling_nan<T>(id);
}

using testing::same_bits;

// Element (r, c) of a (rows, cols) matrix lives at p()[r * ld + c] with ld = cols + 3. p() sits
// `off` elements past a 64-byte boundary, with 16 guard elements before it and after the last row;
// guards and the ld - cols gap of every row hold the sentinel.
template <typename T>
struct Padded {
  static constexpr size_t kGuard = 16;
  int rows, cols, ld;
  uint32_t id;
  size_t start = 0;
  std::vector<T> buf;

  Padded(int rows_, int cols_, int off) : rows(rows_), cols(cols_), ld(cols_ + 3), id(next_id()) {
    buf.assign(64 / sizeof(T) + kGuard + size_t(off) + size_t(rows) * ld + kGuard, sentinel<T>(id));
    size_t a = kGuard;
    while (reinterpret_cast<uintptr_t>(buf.data() + a) % 64 != 0) ++a;
    start = a + size_t(off);
  }
  static uint32_t next_id() {
    static uint32_t n = 0;
    return ++n;
  }
  T* p() { return buf.data() + start; }
  T& at(int r, int c) { return buf[start + size_t(r) * ld + c]; }
  bool active(size_t i) const {
    if (i < start || i - start >= size_t(rows) * ld) return false;
    return int((i - start) % ld) < cols;
  }
  void fill(Rng& rng) {
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) at(r, c) = T(rng.uniform(-1.0, 1.0));
  }
  std::vector<T> values() const {  // the active elements, row by row
    std::vector<T> v;
    for (size_t i = 0; i < buf.size(); ++i)
      if (active(i)) v.push_back(buf[i]);
    return v;
  }
};

template <typename T>
std::string padding_intact(const Padded<T>& m) {
  for (size_t i = 0; i < m.buf.size(); ++i)
    if (!m.active(i) && !same_bits(m.buf[i], sentinel<T>(m.id))) {
      std::ostringstream os;
      os << "padding element at offset " << (long(i) - long(m.start)) << " from the start was overwritten with "
         << double(m.buf[i]) << " (matrix " << m.rows << "x" << m.cols << ", ld " << m.ld << ")";
      return os.str();
    }
  return "";
}

// Tolerance for a length-K reduction: k = 4K in within(), i.e. 4·K·eps·max(|ref|, 1).
// Kernel and reference add the same K products in different orders (FMA, 2 or 4 accumulators, a
// horizontal add, gemm_bcast's K blocks of 256). Each side's rounding error is at most K·(eps/2)
// times its largest partial sum; with inputs uniform in [-1, 1] the partial sums are random walks
// of step <= 1 and stay within a small multiple of max(|result|, 1), so the two sides differ by well
// under 4K eps. The worst-case bound gamma_K·sum|a·b| is ~K/4 times looser and would let a dropped
// term through at K = 8N+2. Measured (the "[ gemm ]" lines): AVX2+FMA worst 1.0·K·eps at K = 1
// (c + a·b as one fma against a rounded multiply then add), <= 0.2·K·eps for K >= 64; SSE2 has no
// FMA and gemm_bcast adds in the reference's order, so gemm_nn/tn are bit-exact there and gemv/dot
// stay under 0.5·K·eps. 4K is thus a 4x margin at K = 1, 20x at K >= 64, and still 7x below a
// 1e-3 error at K = 300 in float (WithinReportsOnePerturbedElement).
double reduction_k(int K) { return 4.0 * K; }

// Offsets in elements of the three operands from a 64-byte boundary: aligned; all misaligned the
// same way; misaligned by different odd amounts (odd, so never SIMD-aligned for any width >= 2).
struct Offsets {
  int a, b, c;
};
const Offsets kOffsets[] = {{0, 0, 0}, {1, 1, 1}, {1, 3, 5}};

// Worst err / (K eps) seen by one typed test, printed at its end.
template <typename T>
struct Worst {
  const char* what;
  double ratio = 0, large = 0;  // over all K; over K >= 64 only
  int at_K = 0;
  void add(const std::vector<T>& got, const std::vector<T>& ref, int K) {
    const double r = max_scaled_error(got.data(), ref.data(), got.size()) /
                     (std::max(K, 1) * double(std::numeric_limits<T>::epsilon()));
    if (r > ratio) ratio = r, at_K = K;
    if (K >= 64) large = std::max(large, r);
  }
  ~Worst() {
    if (ratio == 0) {
      std::printf("[ gemm ] %s %s %s: bit-exact against the reference\n", simd_arch_name(),
                  sizeof(T) == 4 ? "float" : "double", what);
      return;
    }
    std::printf("[ gemm ] %s %s %s: worst error %.3f K eps (at K=%d), %.3f K eps for K >= 64\n",
                simd_arch_name(), sizeof(T) == 4 ? "float" : "double", what, ratio, at_K, large);
  }
};

std::string shape(int M, int N, int K, const Offsets& o, bool acc) {
  std::ostringstream os;
  os << "M=" << M << " N=" << N << " K=" << K << " offsets {" << o.a << "," << o.b << "," << o.c << "}"
     << (acc ? " accumulate" : " overwrite");
  return os.str();
}

template <typename T>
class Gemm : public ::testing::Test {};

struct TypeNames {
  template <typename T>
  static std::string GetName(int) {
    return sizeof(T) == 4 ? "float" : "double";
  }
};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Gemm, Types, TypeNames);

TYPED_TEST(Gemm, Gemv) {
  using T = TypeParam;
  Rng rng(1);
  std::vector<std::pair<int, int>> shapes;  // (M, K)
  for (int M : awkward_sizes<T>())
    for (int K : awkward_sizes<T>()) shapes.push_back({M, K});
  shapes.insert(shapes.end(), {{33, 600}, {130, 1030}, {5, 4099}});
  Worst<T> worst{"gemv"};
  for (auto [M, K] : shapes)
    for (const Offsets& o : kOffsets)
      for (bool acc : {false, true}) {
        SCOPED_TRACE(shape(M, 1, K, o, acc));
        Padded<T> W(M, K, o.a), x(1, K, o.b), y(1, M, o.c);
        W.fill(rng);
        x.fill(rng);
        if (acc) y.fill(rng);  // else y holds sentinels: overwrite must not read it
        Padded<T> y_ref = y;
        ref::gemv(M, K, W.p(), W.ld, x.p(), y_ref.p(), acc);
        gemv(M, K, W.p(), W.ld, x.p(), y.p(), acc);
        ASSERT_EQ(within<T>(y.values().data(), y_ref.values().data(), size_t(M), reduction_k(K)), "");
        ASSERT_EQ(padding_intact(y), "");
        ASSERT_EQ(padding_intact(W), "");
        ASSERT_EQ(padding_intact(x), "");
        worst.add(y.values(), y_ref.values(), K);
        if (acc) {  // gemv_bias: the reference's numbers, and gemv's on a copy of b bit for bit
          Padded<T> b(1, M, o.b), yb(1, M, o.c), yb_ref(1, M, o.c);
          b.fill(rng);
          Padded<T> y_copy = b;
          ref::gemv_bias(M, K, W.p(), W.ld, x.p(), b.p(), yb_ref.p());
          gemv_bias(M, K, W.p(), W.ld, x.p(), b.p(), yb.p());
          gemv(M, K, W.p(), W.ld, x.p(), y_copy.p(), true);
          ASSERT_EQ(within<T>(yb.values().data(), yb_ref.values().data(), size_t(M), reduction_k(K)), "");
          ASSERT_EQ(within<T>(yb.values().data(), y_copy.values().data(), size_t(M), 0), "");
          ASSERT_EQ(padding_intact(yb), "");
          ASSERT_EQ(padding_intact(b), "");
        }
      }
}

std::vector<std::array<int, 3>> gemm_shapes(const std::vector<int>& sizes) {  // (M, N, K)
  std::vector<std::array<int, 3>> s;
  for (int M : sizes)
    for (int N : sizes)
      for (int K : sizes) s.push_back({M, N, K});
  // Across gemm_bcast's blocks (K by 256, N by 512) with partial last blocks, 4-row strips with
  // leftover rows, and vector tails in N.
  s.insert(s.end(), {{{33, 600, 300}}, {{5, 1030, 513}}, {{4, 513, 257}}, {{9, 520, 260}}});
  // Natively, from 128 rows a block of B whose rows are 2 KB or more apart is copied first.
  s.insert(s.end(), {{{130, 600, 300}}});
  return s;
}

TYPED_TEST(Gemm, GemmNN) {
  using T = TypeParam;
  Rng rng(2);
  Worst<T> worst{"gemm_nn"};
  for (auto [M, N, K] : gemm_shapes(awkward_sizes<T>()))
    for (const Offsets& o : kOffsets)
      for (bool acc : {false, true}) {
        SCOPED_TRACE(shape(M, N, K, o, acc));
        Padded<T> A(M, K, o.a), B(K, N, o.b), C(M, N, o.c);
        A.fill(rng);
        B.fill(rng);
        if (acc) C.fill(rng);  // else C holds sentinels: overwrite must not read it
        Padded<T> C_ref = C;
        ref::gemm_nn(M, N, K, A.p(), A.ld, B.p(), B.ld, C_ref.p(), C_ref.ld, acc);
        gemm_nn(M, N, K, A.p(), A.ld, B.p(), B.ld, C.p(), C.ld, acc);
        ASSERT_EQ(within<T>(C.values().data(), C_ref.values().data(), size_t(M) * N, reduction_k(K)), "");
        ASSERT_EQ(padding_intact(C), "");
        ASSERT_EQ(padding_intact(A), "");
        ASSERT_EQ(padding_intact(B), "");
        worst.add(C.values(), C_ref.values(), K);
      }
}

// B read from its panels (pack_panels): right against the reference, and the same bits as
// gemm_nn, which reads B where it is. Shapes across the blocks, with columns past the last panel.
TYPED_TEST(Gemm, GemmNNFromPanels) {
  using T = TypeParam;
  Rng rng(4);
  auto shapes = gemm_shapes(awkward_sizes<T>());
  shapes.insert(shapes.end(), {{{32, 1024, 256}}, {{130, 600, 300}}});
  for (auto [M, N, K] : shapes)
    for (const Offsets& o : kOffsets) {
      SCOPED_TRACE(shape(M, N, K, o, true));
      Padded<T> A(M, K, o.a), B(K, N, o.b), C(M, N, o.c);
      A.fill(rng);
      B.fill(rng);
      C.fill(rng);
      Padded<T> C_ref = C, C_nn = C;
      std::vector<T> panels(panels_size<T>(K, N) + 1, T(7));  // one sentinel past the end
      pack_panels(K, N, B.p(), B.ld, panels.data());
      ASSERT_EQ(panels.back(), T(7));
      ref::gemm_nn(M, N, K, A.p(), A.ld, B.p(), B.ld, C_ref.p(), C_ref.ld, true);
      gemm_nn(M, N, K, A.p(), A.ld, B.p(), B.ld, C_nn.p(), C_nn.ld, true);
      gemm_nn_panels(M, N, K, A.p(), A.ld, B.p(), B.ld, panels_size<T>(K, N) ? panels.data() : nullptr, C.p(), C.ld);
      ASSERT_EQ(within<T>(C.values().data(), C_ref.values().data(), size_t(M) * N, reduction_k(K)), "");
      ASSERT_EQ(C.values(), C_nn.values());
      ASSERT_EQ(padding_intact(C), "");
    }
}

// Natively B's blocks (from 128 rows, rows 2 KB apart) and gemm_tn's strips of A (from 64
// columns) are copied before the tiles read them: the same bits as the same product done in parts
// too small to copy (rows 0-63 and 64-129; columns in parts of 48).
TYPED_TEST(Gemm, CopiedOperandsGiveTheSameBits) {
  using T = TypeParam;
  Rng rng(6);
  const int M = 130, N = 600, K = 300;
  Padded<T> A(M, K, 1), B(K, N, 3), C(M, N, 5);
  A.fill(rng);
  B.fill(rng);
  C.fill(rng);
  Padded<T> whole = C, parts = C;
  gemm_nn(M, N, K, A.p(), A.ld, B.p(), B.ld, whole.p(), whole.ld, true);
  gemm_nn(64, N, K, A.p(), A.ld, B.p(), B.ld, parts.p(), parts.ld, true);
  gemm_nn(M - 64, N, K, A.p() + 64 * A.ld, A.ld, B.p(), B.ld, parts.p() + 64 * parts.ld, parts.ld, true);
  EXPECT_EQ(whole.values(), parts.values()) << "gemm_nn";
  Padded<T> At(K, M, 1), tw = C, tp = C;  // gemm_tn: A stored (K, M)
  At.fill(rng);
  gemm_tn(M, N, K, At.p(), At.ld, B.p(), B.ld, tw.p(), tw.ld);
  for (int n = 0; n < N; n += 48)
    gemm_tn(M, std::min(48, N - n), K, At.p(), At.ld, B.p() + n, B.ld, tp.p() + n, tp.ld);
  EXPECT_EQ(tw.values(), tp.values()) << "gemm_tn";
}

TYPED_TEST(Gemm, GemmTN) {
  using T = TypeParam;
  Rng rng(3);
  Worst<T> worst{"gemm_tn"};
  for (auto [M, N, K] : gemm_shapes(awkward_sizes<T>()))
    for (const Offsets& o : kOffsets) {
      SCOPED_TRACE(shape(M, N, K, o, true));
      Padded<T> A(K, M, o.a), B(K, N, o.b), C(M, N, o.c);  // A stored (K, M): C += A^T B
      A.fill(rng);
      B.fill(rng);
      C.fill(rng);
      Padded<T> C_ref = C;
      ref::gemm_tn(M, N, K, A.p(), A.ld, B.p(), B.ld, C_ref.p(), C_ref.ld);
      gemm_tn(M, N, K, A.p(), A.ld, B.p(), B.ld, C.p(), C.ld);
      ASSERT_EQ(within<T>(C.values().data(), C_ref.values().data(), size_t(M) * N, reduction_k(K)), "");
      ASSERT_EQ(padding_intact(C), "");
      ASSERT_EQ(padding_intact(A), "");
      ASSERT_EQ(padding_intact(B), "");
      worst.add(C.values(), C_ref.values(), K);
    }
}

TYPED_TEST(Gemm, GemmNT) {
  using T = TypeParam;
  Rng rng(5);
  Worst<T> worst{"gemm_nt"};
  auto shapes = gemm_shapes(awkward_sizes<T>());
  // From 64 rows up, B is transposed and gemm_nn's blocks run on it: across its 256 (K) and
  // 512 (N) blocks, with partial last blocks.
  shapes.insert(shapes.end(), {{{64, 4, 3}}, {{70, 600, 300}}, {{130, 257, 513}}, {{65, 1, 17}}, {{130, 600, 70}}});
  // Below 64 rows with FMA: groups of 8 rows while A is small (33 x 300), the tiles for long rows (12 x 600).
  shapes.insert(shapes.end(), {{{12, 40, 600}}});
  for (auto [M, N, K] : shapes)
    for (const Offsets& o : kOffsets)
      for (int mode = 0; mode < 3; ++mode) {  // overwrite; accumulate; overwrite with a bias
        const bool acc = mode == 1, with_bias = mode == 2;
        SCOPED_TRACE(shape(M, N, K, o, acc) + (with_bias ? " bias" : ""));
        Padded<T> A(M, K, o.a), B(N, K, o.b), C(M, N, o.c), bias(1, N, o.b);  // B stored (N, K)
        A.fill(rng);
        B.fill(rng);
        bias.fill(rng);
        if (acc) C.fill(rng);  // else C holds sentinels: overwrite must not read it
        Padded<T> C_ref = C;
        const T* b = with_bias ? bias.p() : nullptr;
        ref::gemm_nt(M, N, K, A.p(), A.ld, B.p(), B.ld, b, C_ref.p(), C_ref.ld, acc);
        gemm_nt(M, N, K, A.p(), A.ld, B.p(), B.ld, b, C.p(), C.ld, acc);
        ASSERT_EQ(within<T>(C.values().data(), C_ref.values().data(), size_t(M) * N, reduction_k(K + 1)), "");
        ASSERT_EQ(padding_intact(C), "");
        ASSERT_EQ(padding_intact(A), "");
        ASSERT_EQ(padding_intact(B), "");
        worst.add(C.values(), C_ref.values(), K);
      }
}

TYPED_TEST(Gemm, Transpose) {
  using T = TypeParam;
  Rng rng(4);
  std::vector<std::pair<int, int>> shapes;  // (M, N)
  for (int M : awkward_sizes<T>())
    for (int N : awkward_sizes<T>()) shapes.push_back({M, N});
  shapes.insert(shapes.end(), {{33, 600}, {600, 33}, {17, 9}});
  for (auto [M, N] : shapes)
    for (const Offsets& o : kOffsets) {
      SCOPED_TRACE(shape(M, N, 0, o, false));
      Padded<T> src(M, N, o.a), dst(N, M, o.b);
      src.fill(rng);
      Padded<T> dst_ref = dst;
      ref::transpose(M, N, src.p(), src.ld, dst_ref.p(), dst_ref.ld);
      transpose(M, N, src.p(), src.ld, dst.p(), dst.ld);
      // A copy: exact, k = 0.
      ASSERT_EQ(within<T>(dst.values().data(), dst_ref.values().data(), size_t(M) * N, 0), "");
      ASSERT_EQ(padding_intact(dst), "");
      ASSERT_EQ(padding_intact(src), "");
    }
}

TYPED_TEST(Gemm, Dot) {
  using T = TypeParam;
  Rng rng(5);
  std::vector<int> lengths = awkward_sizes<T>();
  lengths.insert(lengths.end(), {1000, 4099});
  Worst<T> worst{"dot"};
  for (int n : lengths)
    for (const Offsets& o : kOffsets) {
      SCOPED_TRACE(shape(1, 1, n, o, false));
      Padded<T> x(1, n, o.a), y(1, n, o.b);
      x.fill(rng);
      y.fill(rng);
      const T got = dot(n, x.p(), y.p());
      const T expected = ref::dot(n, x.p(), y.p());
      ASSERT_EQ(within<T>(&got, &expected, 1, reduction_k(n)), "");
      ASSERT_EQ(padding_intact(x), "");
      ASSERT_EQ(padding_intact(y), "");
      worst.add({got}, {expected}, n);
    }
}

TYPED_TEST(Gemm, Axpy) {
  using T = TypeParam;
  Rng rng(6);
  std::vector<int> lengths = awkward_sizes<T>();
  lengths.insert(lengths.end(), {1000, 4099});
  for (int n : lengths)
    for (const Offsets& o : kOffsets) {
      SCOPED_TRACE(shape(1, 1, n, o, true));
      Padded<T> x(1, n, o.a), y(1, n, o.b);
      x.fill(rng);
      y.fill(rng);
      const T a = T(rng.uniform(-1.0, 1.0));
      Padded<T> y_ref = y;
      ref::axpy(n, a, x.p(), y_ref.p());
      axpy(n, a, x.p(), y.p());
      // No reduction: one fma against a rounded multiply and add differs by at most
      // eps·(|a x| + |y|)/2 + eps/2·|y + a x| <= 2 eps·max(|ref|, 1) for |a|, |x|, |y| <= 1.
      ASSERT_EQ(within<T>(y.values().data(), y_ref.values().data(), size_t(n), 2), "");
      ASSERT_EQ(padding_intact(y), "");
      ASSERT_EQ(padding_intact(x), "");
    }
}

// The checks above must be able to fail: a 1e-3 error in one element of a 33x600x300 product is
// reported (tolerance 4·300·eps = 1.4e-4 in float), and so is one write into the row padding.
TYPED_TEST(Gemm, WithinReportsOnePerturbedElement) {
  using T = TypeParam;
  const int M = 33, N = 600, K = 300;
  Rng rng(7);
  Padded<T> A(M, K, 1), B(K, N, 1), C(M, N, 1);
  A.fill(rng);
  B.fill(rng);
  Padded<T> C_ref = C;
  ref::gemm_nn(M, N, K, A.p(), A.ld, B.p(), B.ld, C_ref.p(), C_ref.ld, false);
  gemm_nn(M, N, K, A.p(), A.ld, B.p(), B.ld, C.p(), C.ld, false);
  ASSERT_EQ(within<T>(C.values().data(), C_ref.values().data(), size_t(M) * N, reduction_k(K)), "");

  C.at(17, 555) += T(1e-3);
  const std::string msg = within<T>(C.values().data(), C_ref.values().data(), size_t(M) * N, reduction_k(K));
  EXPECT_NE(msg, "");
  EXPECT_NE(msg.find("element " + std::to_string(17 * N + 555)), std::string::npos) << msg;

  EXPECT_EQ(padding_intact(C), "");
  C.at(3, N) = T(0);  // first padding element of row 3
  EXPECT_NE(padding_intact(C), "");
}

// The kernels run on the widest instruction set the compiler was told about: the arch xsimd
// picked must agree with the compiler's own macros and its lane count with that arch.
TEST(GemmIsa, ArchMatchesTheCompilerTarget) {
  const char* name = simd_arch_name();
  ASSERT_NE(name, nullptr);
#if RECUR_SIMD
  // xsimd takes the best arch enabled at compile time, in this order.
#if defined(__AVX512F__)
  const std::string want = "avx512";  // avx512f, avx512cd, ...: compared by prefix
#elif defined(__AVX2__) && defined(__FMA__)
  const std::string want = "fma3+avx2";
#elif defined(__AVX2__)
  const std::string want = "avx2";
#elif defined(__AVX__) && defined(__FMA__)
  const std::string want = "fma3+avx";
#elif defined(__AVX__)
  const std::string want = "avx";
#elif defined(__SSE4_2__)
  const std::string want = "sse4.2";
#elif defined(__SSE4_1__)
  const std::string want = "sse4.1";  // also the wasm build: SIMD128 through Emscripten's SSE headers
#elif defined(__SSSE3__)
  const std::string want = "ssse3";
#elif defined(__SSE3__)
  const std::string want = "sse3";
#else
  const std::string want = "sse2";
#endif
  EXPECT_EQ(std::string(name).substr(0, want.size()), want) << "xsimd picked " << name;
  const int bytes = want.rfind("avx512", 0) == 0 ? 64 : want.find("avx") != std::string::npos ? 32 : 16;
  EXPECT_EQ(lanes<float>(), bytes / 4);
  EXPECT_EQ(lanes<double>(), bytes / 8);
#else
  EXPECT_STREQ(name, "scalar");
#endif
  RecordProperty("simd_arch", name);
  std::printf("[ kernels ] simd arch %s: %d float lanes, %d double lanes\n", name, lanes<float>(),
              lanes<double>());
}

}  // namespace
}  // namespace recur
