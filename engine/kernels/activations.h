// In-place element-wise activations on contiguous spans, vectorised. Accuracy: within a few ulp of
// std::tanh / 1/(1+std::exp(-x)) (tested in tests/unit/activations_test.cpp over [-30, 30]).
#pragma once

namespace recur {

template <typename T>
void sigmoid_inplace(T* x, int n) noexcept;
template <typename T>
void tanh_inplace(T* x, int n) noexcept;
template <typename T>
void relu_inplace(T* x, int n) noexcept;

}  // namespace recur
