// xsimd implementations of activations.h (scalar twins in reference.h).
#include "kernels/activations.h"

#include "kernels/reference.h"
#include "kernels/simd.h"

namespace recur {

#if RECUR_SIMD

template <typename T>
void sigmoid_inplace(T* x, int n) noexcept {
  using V = Vec<T>;
  constexpr int L = V::size;
  const V one(T(1));
  int i = 0;
  // 1 / (1 + e^-x): for x < -88 (float) e^-x overflows to inf and the quotient is an exact 0.
  for (; i + L <= n; i += L) (one / (one + xsimd::exp(-V::load_unaligned(x + i)))).store_unaligned(x + i);
  ref::sigmoid_inplace(x + i, n - i);
}

template <typename T>
void tanh_inplace(T* x, int n) noexcept {
  using V = Vec<T>;
  constexpr int L = V::size;
  int i = 0;
  for (; i + L <= n; i += L) xsimd::tanh(V::load_unaligned(x + i)).store_unaligned(x + i);
  ref::tanh_inplace(x + i, n - i);
}

template <typename T>
void relu_inplace(T* x, int n) noexcept {
  using V = Vec<T>;
  constexpr int L = V::size;
  const V zero(T(0));
  int i = 0;
  // max(0, x), not max(x, 0): x86 max returns its second operand on NaN or a tie, which then
  // matches std::max(x, 0) for NaN and -0 in the scalar tail.
  for (; i + L <= n; i += L) xsimd::max(zero, V::load_unaligned(x + i)).store_unaligned(x + i);
  ref::relu_inplace(x + i, n - i);
}

#else

template <typename T>
void sigmoid_inplace(T* x, int n) noexcept { ref::sigmoid_inplace(x, n); }
template <typename T>
void tanh_inplace(T* x, int n) noexcept { ref::tanh_inplace(x, n); }
template <typename T>
void relu_inplace(T* x, int n) noexcept { ref::relu_inplace(x, n); }

#endif

template void sigmoid_inplace<float>(float*, int) noexcept;
template void sigmoid_inplace<double>(double*, int) noexcept;
template void tanh_inplace<float>(float*, int) noexcept;
template void tanh_inplace<double>(double*, int) noexcept;
template void relu_inplace<float>(float*, int) noexcept;
template void relu_inplace<double>(double*, int) noexcept;

}  // namespace recur
