// Inference precision. float32 (the default) computes with the weights as stored. int8 (kernels/int8.h) rounds each weight
// matrix that a step multiplies by one vector to int8 with a scale per row: every product of a
// generation step (layer 0's folded embedding rows stay float32; a Transformer's attention over its
// key/value cache stays float32), and the recurrent product of each step of a unidirectional
// recurrent model's predict(), whose chunk-wide products stay float32. A bidirectional model's
// predict() and a Transformer's predict() run at float32 whatever is asked.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "kernels/int8.h"
#include "model/config.h"
#include "model/params.h"

namespace recur {

enum class Precision { kFloat32, kInt8 };

const char* precision_name(Precision p);
/// "float32" or "int8"; anything else is a bad_option error naming the choices.
Result<Precision> parse_precision(std::string_view name);
/// The precisions this build offers, default first.
std::vector<std::string> precision_names();

/// int8 copies of a unidirectional model's per-step matrices, made on first use from the current
/// parameters and dropped when they change (as FoldedEmbedding's rows are).
class Int8Weights {
 public:
  /// Rounds every layer's W_hh, W_ih of layers ih_from.. (a stepper: 1 when it folds layer 0's
  /// embedding, else 0; predict(): num_layers, none) and the head if head. A Transformer: every
  /// layer's in_proj, out_proj, linear1 and linear2 instead of W_ih and W_hh.
  void configure(const Config& c, int ih_from, bool head);
  bool ready() const { return ready_; }
  void invalidate() { ready_ = false; }
  void build(const Params<float>& p);
  /// Null where that matrix stays float32.
  const I8Matrix* w_ih(int layer) const { return w_ih_[size_t(layer)].rows ? &w_ih_[size_t(layer)] : nullptr; }
  const I8Matrix* w_hh(int layer) const { return &w_hh_[size_t(layer)]; }
  const I8Matrix* head() const { return head_.rows ? &head_ : nullptr; }
  /// A Transformer layer's matrix: 0 in_proj, 1 out_proj, 2 linear1, 3 linear2.
  const I8Matrix* encoder(int layer, int which) const { return &enc_[size_t(layer) * 4 + size_t(which)]; }
  I8Scratch& scratch() { return scratch_; }

 private:
  Config cfg_;
  int ih_from_ = 0;
  bool with_head_ = false, ready_ = false;
  std::vector<I8Matrix> w_ih_, w_hh_;  // per layer
  std::vector<I8Matrix> enc_;          // a Transformer's: 4 per layer
  I8Matrix head_;
  I8Scratch scratch_;                  // the input rows of the product at hand, rounded
};

}  // namespace recur
