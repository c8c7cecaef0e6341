// The only file that names the SIMD layer. With RECUR_SIMD=0 every kernel falls back to reference.h.
// xsimd 8.1 picks the best arch the compiler targets: AVX2/FMA with -march=native, SSE2 on plain
// x86-64, and SSE4.1 emulated on wasm SIMD128 under Emscripten (-msimd128 -msse4.1).
#pragma once

#ifndef RECUR_SIMD
#define RECUR_SIMD 1
#endif

#if RECUR_SIMD
#include <xsimd/xsimd.hpp>
#endif

namespace recur {

#if RECUR_SIMD
template <typename T>
using Vec = xsimd::batch<T>;
#endif

/// Name of the SIMD instruction set the kernels were compiled for ("scalar" with RECUR_SIMD=OFF).
const char* simd_arch_name();

}  // namespace recur
