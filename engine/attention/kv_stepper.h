// Streaming a causal Transformer one symbol at a time with a key/value cache: each step computes
// the new position's query, key and value in every layer and attends over the keys and values
// kept from the earlier steps, so a step costs O(context) instead of re-reading the prefix. The
// numbers are those of Transformer::forward over the context (tested).
//
// The context window holds max_len symbols. When it is full, the next symbol first makes the
// window restart from the last max_len / 2 symbols, re-read from position 0 (their cached keys
// encode their old positions): generation goes on past max_len at twice the cost per symbol on
// average, and every prediction still sees at least max_len / 2 symbols of context.
#pragma once
#include <cstdint>
#include <vector>

#include "attention/attention.h"
#include "attention/encoder.h"
#include "core/tensor.h"
#include "model/config.h"
#include "model/params.h"
#include "model/precision.h"

namespace recur {

template <typename T>
class KvStepper {
 public:
  KvStepper(const Config& c, int batch);
  /// Every stream's context empty.
  void reset();
  /// Feeds ids[i] to stream i for i < streams; logits (streams, out) receives the head's output.
  /// int8 (built from p; float only): the step's products through its matrices.
  void feed(const Params<T>& p, const int32_t* ids, int streams, T* logits, Int8Weights* int8 = nullptr);
  /// Every stream takes stream 0's context.
  void broadcast();
  /// Symbols in stream b's window.
  int context_length(int b) const { return int(context_[size_t(b)].size()); }

 private:
  // One step of the listed streams: rows i < M feed ids[i] to stream streams[i].
  void step(const Params<T>& p, const int32_t* streams, const int32_t* ids, int M, Int8Weights* int8);
  // Room for n positions per stream in every layer's cache (grown by doubling, up to max_len).
  void reserve(int n);

  Config cfg_;
  int batch_ = 0, room_ = 0;                    // positions each stream's cache has room for
  PositionTable<T> pe_;
  std::vector<Buffer<T>> keys_, values_;       // per layer: (batch, room, d)
  std::vector<std::vector<int32_t>> context_;  // per stream: the ids in its window
  std::vector<EncoderCache<T>> caches_;        // per layer: one step's rows
  std::vector<int32_t> order_;                 // 0, 1, ..., batch-1
  std::vector<int32_t> restart_, kept_, column_;  // a restart: its streams, their kept ids, one position's
  Buffer<T> x_, probs_;                        // (batch, d), (heads, max_len)
};

}  // namespace recur
