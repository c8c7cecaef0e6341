// Softmax, log-softmax (max subtracted first) and cross-entropy computed from log-softmax,
// never as log(prob). Rows with target < 0 are ignored (padding, unlabelled positions).
#pragma once
#include <cstdint>

namespace recur {

template <typename T>
void softmax_rows(const T* x, int rows, int cols, T* out) noexcept;
template <typename T>
void log_softmax_rows(const T* x, int rows, int cols, T* out) noexcept;

struct XentResult {
  double loss_sum = 0;  // sum of -log p(target) over counted rows, in nats
  int64_t count = 0;    // rows with target >= 0
};

/// Cross-entropy of logits (rows, cols) against targets (rows). If dlogits is given it receives
/// d(loss_sum / scale)/d(logits) = (softmax - onehot) / scale (zero rows for ignored targets).
template <typename T>
XentResult softmax_xent(const T* logits, int rows, int cols, const int32_t* targets, T* dlogits,
                        double scale) noexcept;

}  // namespace recur
