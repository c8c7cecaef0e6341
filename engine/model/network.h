// Runs a model over a batch of sequences, and back: embedding -> stacked (bi)directional cells
// -> head. Sequences are time-major: ids[t * B + b]; lengths[b] in 1..T masks padding (a masked
// step holds the state, so the final state is the state after each sequence's last symbol).
//   lm, tagger: logits (T*B, out), one row per position.
//   classifier: logits (B, out) from the final states [h_fwd(len-1); h_bwd(0)] of the last layer.
// A Transformer (cell "transformer") runs attention/transformer.h instead of the cells; it has no
// state to carry, so init, final_state() and the stepping state do not apply to it.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "attention/kv_stepper.h"
#include "attention/transformer.h"
#include "cells/cell.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "layers/embedding_fold.h"
#include "model/config.h"
#include "model/params.h"
#include "model/precision.h"

namespace recur {

/// Hidden (and, for LSTM, cell) state of every layer and direction: (L*D, B, H) each.
template <typename T>
struct State {
  int slots = 0, batch = 0, hidden = 0;  // slots = L*D
  Buffer<T> h, c;                        // c is empty unless LSTM
  void resize(const Config& cfg, int B);
  void zero();
  T* h_at(int slot) { return h.data() + size_t(slot) * batch * hidden; }
  const T* h_at(int slot) const { return h.data() + size_t(slot) * batch * hidden; }
  T* c_at(int slot) { return c.empty() ? nullptr : c.data() + size_t(slot) * batch * hidden; }
  const T* c_at(int slot) const { return c.empty() ? nullptr : c.data() + size_t(slot) * batch * hidden; }
};

template <typename T>
class Network {
 public:
  explicit Network(const Config& c)
      : cfg_(c) {
    if (is_transformer(c)) tf_.emplace(c);
  }

  /// Forward pass; keeps what backward() needs. init: start state (null = zeros); training turns
  /// dropout on (rng draws its masks). resets (T*B, unidirectional models only; null = none): a
  /// non-zero entry starts a new sequence there, from the zero state (cells/cell.h). Sizes must be
  /// valid: callers validate at the boundary.
  void forward(const Params<T>& p, const int32_t* ids, int steps, int batch, const int32_t* lengths,
               const State<T>* init, bool training, Rng* rng, const uint8_t* resets = nullptr);

  /// lm/tagger: (T*B, out); classifier: (B, out).
  const T* logits() const { return tf_ ? tf_->logits() : logits_.data(); }
  int logit_rows() const { return cfg_.task == Task::kClassifier ? B_ : T_ * B_; }

  /// Adds the gradients for dlogits (shape of logits()) into grads. dinit, if given, receives the
  /// gradient with respect to the start state (same shape as final_state()).
  void backward(const Params<T>& p, const T* dlogits, Params<T>& grads, State<T>* dinit = nullptr);

  /// State after the last step (forward direction) / first step (reverse): carries truncated BPTT.
  const State<T>& final_state() const { return final_; }
  /// Output of the last layer, (T*B, D*H).
  const T* top_output() const { return tf_ ? tf_->top_output() : layer_out_.back().data(); }
  /// The Transformer's model (null for recurrent cells): its attention weights.
  const Transformer<T>* transformer() const { return tf_ ? &*tf_ : nullptr; }
  /// What forward() kept for one layer and direction (activated gates, c, h per row).
  const SeqCache<T>& cache(int layer, int dir) const { return caches_[size_t(layer) * directions(cfg_) + dir]; }
  /// After backward(): the gradient with respect to layer 0's input rows (the embedding
  /// vectors), (T*B, E).
  const T* input_grad() const { return tf_ ? tf_->input_grad() : dcur_.data(); }

 private:
  Config cfg_;
  int T_ = 0, B_ = 0;
  std::vector<int32_t> ids_, lengths_;
  std::vector<uint8_t> resets_;       // (T*B) or empty
  std::vector<Buffer<T>> layer_in_;   // per layer: (T*B, in) input (embedding or dropped-out previous output)
  std::vector<Buffer<T>> layer_out_;  // per layer: (T*B, D*H) outputs of both directions
  std::vector<Buffer<T>> drop_mask_;  // per layer k>0: (T*B, D*H) scale 0 or 1/(1-p); empty if no dropout
  std::vector<SeqCache<T>> caches_;   // per layer and direction
  Buffer<T> feat_;                    // classifier: (B, D*H)
  Buffer<T> dcur_, dnext_;            // backward: gradient w.r.t. a layer's output / input
  Buffer<T> dfeat_, dh_last_;         // backward, classifier: (B, D*H), (B, H)
  Buffer<T> logits_;
  State<T> init_, final_;
  std::optional<Transformer<T>> tf_;
};

/// Weights of one cell (layer, direction) of p, for the cell functions.
template <typename T>
CellWeights<T> cell_weights(const Config& c, const Params<T>& p, int layer, int dir);

/// Stateful stepping for generation and streaming: feed one symbol per stream, read the logits.
/// Each feed runs cell_step once per layer (the time loop training and predict() use), then the
/// head. `batch` streams step side by side (batched generation): each block of weights is read
/// from memory once per step for all of them. Allocates nothing per step after the first. Unidirectional models only.
/// Layer 0 reads its input projection from a folded embedding (layers/embedding_fold.h) when the
/// table fits; fold = false keeps the lookup plus product (the reference the folded path is tested
/// against). At Precision::kInt8 (T = float) every product except layer 0's folded rows uses int8
/// copies of the weights (model/precision.h), made on the first feed after reset() or
/// params_changed(). A Transformer steps through a key/value cache (attention/kv_stepper.h),
/// which grows (by doubling) as its window fills; at kInt8 its projections, feed-forward and head
/// use int8 copies, while its embedding and attention over the cache stay float32. Its state() is
/// unused zeros.
template <typename T>
class Stepper {
 public:
  Stepper() = default;
  explicit Stepper(const Config& c, bool fold = true, Precision precision = Precision::kFloat32, int batch = 1);
  /// Zero state; logits() becomes the head at h = 0 (its bias): the distribution before any symbol.
  /// Also forgets the folded rows, so p may have changed since the last call.
  void reset(const Params<T>& p);
  /// p changed (a training step) but the state should carry on: forget the folded rows.
  void params_changed() {
    fold_.invalidate();
    int8_.invalidate();
  }
  Precision precision() const { return precision_; }
  int batch() const { return state_.batch; }
  /// Feeds symbol id (0 <= id < V) to a one-stream stepper and returns the head's logits (out).
  const T* feed(const Params<T>& p, int32_t id) { return feed(p, &id, 1); }
  /// Feeds ids[b] to stream b for the first `streams` streams (0 < streams <= batch; 0 means all;
  /// the others keep their state) and returns the logits (batch, out).
  const T* feed(const Params<T>& p, const int32_t* ids, int streams = 0);
  /// Every stream takes stream 0's state and logits (a prompt fed once, then sampled N ways).
  void broadcast();
  /// Logits after the last feed(), or after reset(): (batch, out).
  const T* logits() const { return logits_.data(); }
  const State<T>& state() const { return state_; }
  State<T>& state() { return state_; }

 private:
  Config cfg_;
  State<T> state_;                   // (L, batch, H)
  std::vector<SeqCache<T>> caches_;  // per layer: one step's gates and outputs
  Buffer<T> logits_;                 // (batch, out)
  Buffer<T> x_;                      // layer 0's input rows (batch, E) when not folded
  std::vector<const T*> rows_;       // layer 0's folded rows, one per stream
  FoldedEmbedding<T> fold_;
  Precision precision_ = Precision::kFloat32;
  Int8Weights int8_;
  std::optional<KvStepper<T>> kv_;  // Transformer
};

}  // namespace recur
