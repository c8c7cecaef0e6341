// Row-wise softmax / log-softmax / cross-entropy; the max is subtracted first so exp never overflows.
#include "layers/softmax.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "kernels/parallel.h"

namespace recur {

template <typename T>
void log_softmax_rows(const T* x, int rows, int cols, T* out) noexcept {
  for (int r = 0; r < rows; ++r) {
    const T* xr = x + size_t(r) * cols;
    T* o = out + size_t(r) * cols;
    const T mx = *std::max_element(xr, xr + cols);
    double s = 0;
    for (int j = 0; j < cols; ++j) s += std::exp(double(xr[j] - mx));
    const T lse = mx + T(std::log(s));
    for (int j = 0; j < cols; ++j) o[j] = xr[j] - lse;
  }
}

template <typename T>
void softmax_rows(const T* x, int rows, int cols, T* out) noexcept {
  for (int r = 0; r < rows; ++r) {
    const T* xr = x + size_t(r) * cols;
    T* o = out + size_t(r) * cols;
    const T mx = *std::max_element(xr, xr + cols);
    double s = 0;
    for (int j = 0; j < cols; ++j) s += (o[j] = T(std::exp(double(xr[j] - mx))));
    const T inv = T(1.0 / s);
    for (int j = 0; j < cols; ++j) o[j] *= inv;
  }
}

template <typename T>
XentResult softmax_xent(const T* logits, int rows, int cols, const int32_t* targets, T* dlogits,
                        double scale) noexcept {
  // From kSplitElements logits, the rows in parts fixed by the shape alone (up to kParts, of at
  // least 8,192 logits), split among the threads; each part's loss summed in row order and the parts'
  // sums in part order: the same total for any thread count. (Two exps per logit: 3 % of a 2 x 256
  // LSTM LM's training step on two threads when one of them ran them all.)
  constexpr int kParts = 64;
  const double logits_n = double(rows) * cols;
  const int parts =
      logits_n < kSplitElements ? 1 : int(std::min({double(kParts), double(rows), logits_n / 8192}));
  const int per = (rows + parts - 1) / parts;
  std::array<XentResult, kParts> part{};
  const auto run = [&](int i) {
    XentResult res;  // summed here, stored once: neighbouring parts share a cache line
    for (int r = i * per; r < std::min(rows, (i + 1) * per); ++r) {
      const T* xr = logits + size_t(r) * cols;
      T* d = dlogits ? dlogits + size_t(r) * cols : nullptr;
      if (targets[r] < 0) {
        if (d) std::fill(d, d + cols, T(0));
        continue;
      }
      const T mx = *std::max_element(xr, xr + cols);
      double s = 0;
      for (int j = 0; j < cols; ++j) s += std::exp(double(xr[j] - mx));
      const double lse = double(mx) + std::log(s);
      res.loss_sum += lse - double(xr[targets[r]]);
      ++res.count;
      if (d) {
        for (int j = 0; j < cols; ++j) d[j] = T(std::exp(double(xr[j]) - lse) / scale);
        d[targets[r]] -= T(1.0 / scale);
      }
    }
    part[size_t(i)] = res;
  };
  parallel_for(parts, run);
  XentResult res;
  for (int i = 0; i < parts; ++i) {
    res.loss_sum += part[size_t(i)].loss_sum;
    res.count += part[size_t(i)].count;
  }
  return res;
}

template void log_softmax_rows<float>(const float*, int, int, float*) noexcept;
template void log_softmax_rows<double>(const double*, int, int, double*) noexcept;
template void softmax_rows<float>(const float*, int, int, float*) noexcept;
template void softmax_rows<double>(const double*, int, int, double*) noexcept;
template XentResult softmax_xent<float>(const float*, int, int, const int32_t*, float*, double) noexcept;
template XentResult softmax_xent<double>(const double*, int, int, const int32_t*, double*, double) noexcept;

}  // namespace recur
