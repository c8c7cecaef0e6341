// Threads for training's big products: gemm_nn, gemm_tn and gemm_nt over many rows split their output
// among num_threads() threads (the caller's and workers), by columns or, when it is narrow, by rows,
// and a recurrent layer's time step splits its batch rows (cells/sequence.cpp). Generation's too:
// gemv splits its rows, and one stream's recurrent step its hidden units. Training's work beside
// the products splits too: Adam by ranges, the loss by rows, transposes by rows and the bias
// gradients by columns. Each output element is computed by one thread in the same order as with
// one, and a sum over many rows (the loss) is taken in parts fixed by its shape, so results are
// bitwise the same for any count. One process-wide setting, 1 by default; a build without threads
// (the wasm module without pthreads) only has 1. The pool runs one job at a time: a second thread
// that calls while it is busy runs its tasks itself.
#pragma once

#include <algorithm>

#include "core/error.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define RECUR_THREADS 0
#else
#define RECUR_THREADS 1
#endif

namespace recur {

/// Whether this build has threads: callers leave out their splitting code where it has not.
constexpr bool kHaveThreads = RECUR_THREADS;
/// Work under this many flops runs whole: splitting it would cost more than it saves.
constexpr double kSplitFlops = 1 << 20;
/// Element-wise or row-wise work (Adam, the loss, transposes) under this many elements runs whole.
constexpr double kSplitElements = 1 << 16;
/// A matrix-vector product (a generation step's) splits from this many flops: it streams its
/// weights once, so the parts are short and the split pays off earlier than a GEMM's.
constexpr double kGemvSplitFlops = 1 << 18;
/// At most this many threads.
constexpr int kMaxThreads = 64;

/// The threads products use now (1 until set_num_threads()).
int num_threads() noexcept;
/// The most this build and machine can use: the CPUs this process may run on (at most kMaxThreads;
/// more would only wait for each other: the workers spin between products); in the threaded wasm
/// module the threads it was loaded with; 1 without threads.
int max_threads() noexcept;

/// Sets the thread count, 1..max_threads(): starts or stops the workers. Outside that range, an
/// error and nothing changed; if a thread cannot start, an error and one thread. Not while a
/// product runs.
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

/// Splits [0, n) into a part per thread, each boundary a multiple of `align` (the last part takes
/// the rest), and runs f(begin, end) on the parts in parallel.
template <typename F>
void parallel_ranges(int n, int align, const F& f) noexcept {
  if (n <= 0) return;
  const int per = ((n + align - 1) / align + num_threads() - 1) / num_threads() * align;
  parallel_for((n + per - 1) / per, [&](int i) { f(i * per, std::min(n, (i + 1) * per)); });
}

/// parallel_ranges for work over `elements` elements (Adam, transposes, column sums): under
/// kSplitElements, f(0, n) whole, where handing it to the workers would cost more than it saves.
template <typename F>
void parallel_ranges_of(double elements, int n, int align, const F& f) noexcept {
  if (elements >= kSplitElements)
    parallel_ranges(n, align, f);
  else if (n > 0)
    f(0, n);
}

}  // namespace recur
