// Buffers: aligned, row-major, owned by std::vector. Shapes are given in comments, e.g. // (T*B, G*H).
#pragma once
#include <cstddef>
#include <vector>

#include <xsimd/xsimd.hpp>

namespace recur {

/// 64-byte aligned storage: kernels accept any alignment, but aligned rows load faster.
template <typename T>
using Buffer = std::vector<T, xsimd::aligned_allocator<T, 64>>;

}  // namespace recur
