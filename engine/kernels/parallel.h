// Threads for the big matrix products: gemm_nn, gemm_tn and gemm_nt over many rows split the rows of
// their output among num_threads() threads (the caller's and workers). Each output element is
// computed by one thread in the same order as with one, so results are bitwise the same for any
// count. One process-wide setting, 1 by default; a build without threads (wasm without pthreads)
// only has 1.
#pragma once

#include <type_traits>

#include "core/error.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define RECUR_THREADS 0
#else
#define RECUR_THREADS 1
#endif

namespace recur {

/// Whether this build has threads: callers leave out their splitting code where it has not.
constexpr bool kHaveThreads = RECUR_THREADS;
/// At most this many threads.
constexpr int kMaxThreads = 64;

/// The threads products use now (1 until set_num_threads()).
int num_threads() noexcept;
/// The most this build can use: kMaxThreads with threads, else 1.
int max_threads() noexcept;

/// Sets the thread count, 1..max_threads(): starts or stops the workers. An error (and nothing
/// changed) outside that range or if a thread cannot start. Not while a product runs.
Status set_num_threads(int n);

/// Runs task(ctx, i) for every i in [0, n), spread over num_threads() threads, the caller's included;
/// returns when all have finished. Tasks must not throw and must write disjoint memory. Called from
/// inside a task, it runs its tasks there, one after another.
void parallel_run(int n, void (*task)(void* ctx, int i), void* ctx) noexcept;

/// parallel_run over a callable f(i).
template <typename F>
void parallel_for(int n, const F& f) noexcept {
  parallel_run(n, [](void* c, int i) { (*static_cast<const F*>(c))(i); }, const_cast<F*>(&f));
}

}  // namespace recur
