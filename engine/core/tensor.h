// Buffers: aligned, row-major, owned by std::vector. Shapes are given in comments, e.g. // (T*B, G*H).
#pragma once
#include <cstddef>
#include <new>
#include <vector>

namespace recur {

/// Allocator of 64-byte aligned storage (C++17 aligned new), so that this header needs no SIMD
/// library: kernels accept any alignment, but aligned rows load faster.
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};
  AlignedAllocator() noexcept = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) noexcept {}
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
  void deallocate(T* p, size_t) noexcept { ::operator delete(p, kAlign); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const noexcept { return true; }
  template <typename U>
  bool operator!=(const AlignedAllocator<U>&) const noexcept { return false; }
};

template <typename T>
using Buffer = std::vector<T, AlignedAllocator<T>>;

}  // namespace recur
