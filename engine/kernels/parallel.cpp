#include "kernels/parallel.h"

#include <algorithm>
#include <atomic>
#include <string>

#if RECUR_THREADS
#ifdef __linux__
#include <sched.h>
#endif
#ifdef __EMSCRIPTEN__
#include <emscripten/em_asm.h>
#endif
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace recur {

#if RECUR_THREADS
namespace {

// True on a worker, and on the caller while it takes tasks: a product inside a task runs whole
// there, since the pool runs one job at a time.
thread_local bool t_in_task = false;

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// One job at a time: the caller publishes it by bumping the generation, takes tasks itself, and
// returns once every worker has checked in for that generation, so no worker can still be reading
// a job when the next one is written. Workers spin for a while before sleeping: a training step
// runs products back to back, a few microseconds apart.
class Pool {
 public:
  ~Pool() { resize(0); }

  int workers() const noexcept { return int(threads_.size()); }

  Status resize(int workers) {
    if (workers < this->workers()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_.store(true, std::memory_order_relaxed);
      }
      wake_.notify_all();
      for (auto& t : threads_) t.join();
      threads_.clear();
      stop_.store(false, std::memory_order_relaxed);
    }
    while (this->workers() < workers) {
      try {
        threads_.emplace_back([this, seen = generation_.load()] { work(seen); });
      } catch (const std::exception& e) {
        const int started = this->workers();
        resize(0);
        return out_of_range("could not start thread " + std::to_string(started + 2) + ": " + e.what());
      }
    }
    return Status::ok();
  }

  // False, having run nothing, when another thread's job is running.
  bool run(int n, void (*task)(void*, int), void* ctx) noexcept {
    if (busy_.test_and_set(std::memory_order_acquire)) return false;
    task_ = task;
    ctx_ = ctx;
    n_ = n;
    next_.store(0, std::memory_order_relaxed);
    checked_in_.store(0, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    t_in_task = true;
    drain();
    t_in_task = false;
    // A worker the system has descheduled can take a while: past the spinning budget, give it the core.
    const int all = workers();
    for (int s = 0; checked_in_.load(std::memory_order_acquire) < all;) {
      if (s < kSpins) {
        ++s;
        cpu_relax();
      } else {
        std::this_thread::yield();
      }
    }
    busy_.clear(std::memory_order_release);
    return true;
  }

 private:
  static constexpr int kSpins = 1 << 15;

  void drain() noexcept {
    for (int i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < n_;) task_(ctx_, i);
  }

  void work(uint64_t seen) noexcept {
    t_in_task = true;
    for (;;) {
      uint64_t g = generation_.load(std::memory_order_acquire);
      for (int s = 0; g == seen && s < kSpins; ++s) {
        cpu_relax();
        g = generation_.load(std::memory_order_acquire);
      }
      if (g == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] {
          return stop_.load(std::memory_order_relaxed) || generation_.load(std::memory_order_acquire) != seen;
        });
        g = generation_.load(std::memory_order_acquire);
      }
      if (stop_.load(std::memory_order_relaxed)) return;
      seen = g;
      drain();
      checked_in_.fetch_add(1, std::memory_order_release);
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  // The current job, written by run() before the generation is bumped.
  void (*task_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
  int n_ = 0;
  std::atomic<int> next_{0};
  std::atomic<int> checked_in_{0};
  std::atomic_flag busy_ = ATOMIC_FLAG_INIT;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

int num_threads() noexcept { return pool().workers() + 1; }
int max_threads() noexcept {
  static const int n = [] {
#ifdef __EMSCRIPTEN__
    // A thread needs a Web Worker started before the engine runs (a page cannot wait for one to
    // load): the pool the module was given (bindings/threads.pre.js).
    return std::min(kMaxThreads, 1 + MAIN_THREAD_EM_ASM_INT({ return recurWorkers; }));
#else
    unsigned cpus = std::thread::hardware_concurrency();
#ifdef __linux__
    cpu_set_t set;  // the CPUs this process may run on (taskset, a container's cpuset)
    if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = unsigned(CPU_COUNT(&set));
#endif
    return int(std::min<unsigned>(kMaxThreads, std::max(1u, cpus)));
#endif
  }();
  return n;
}

Status set_num_threads(int n) {
  if (n < 1 || n > max_threads())
    return invalid_argument("threads must be 1 to " + std::to_string(max_threads()) +
                            " (the CPUs this process may use), not " + std::to_string(n));
  return pool().resize(n - 1);
}

void parallel_run(int n, void (*task)(void* ctx, int i), void* ctx) noexcept {
  if (n > 1 && !t_in_task && pool().workers() > 0 && pool().run(n, task, ctx)) return;
  for (int i = 0; i < n; ++i) task(ctx, i);
}

#else  // a build without threads

int num_threads() noexcept { return 1; }
int max_threads() noexcept { return 1; }

Status set_num_threads(int n) {
  if (n != 1) return invalid_argument("this build has no threads: threads must be 1, not " + std::to_string(n));
  return Status::ok();
}

void parallel_run(int n, void (*task)(void* ctx, int i), void* ctx) noexcept {
  for (int i = 0; i < n; ++i) task(ctx, i);
}

#endif

}  // namespace recur
