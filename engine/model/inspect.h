// What a model computes inside, for the views that show it: the state and gate values at every
// position of a text, and how much each character drove one output (gradients through time).
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "model/model.h"

namespace recur {

/// Longest text trace() and saliency() read, in characters: these views show sentences, and a
/// trace keeps (G + 2) x H numbers per character, layer and direction.
constexpr int kMaxInspectChars = 10'000;

/// Per layer and direction (slot = layer * D + dir; dir 1 reads right to left), one row per
/// character in text order, each of hidden_size values:
///   h: the hidden state after reading the character (the layer's output);
///   c: LSTM only, the cell state;
///   gates: LSTM i, f, g, o; GRU r, z, n (PyTorch's order and convention), activated; empty for
///          RNN, whose only value is h.
template <typename T>
struct Trace {
  int steps = 0, hidden = 0, gates = 0;  // gates per unit: LSTM 4, GRU 3, RNN 0
  std::vector<std::vector<T>> h, c, gate;
  // Transformer: h holds each layer's output (c and gate are empty), and attention each layer's
  // weights (heads, steps, steps): row (head, t) is what position t read.
  int heads = 0;
  std::vector<std::vector<T>> attention;
};

/// Runs text from the zero state (dropout off) and keeps every layer's values.
template <typename T>
Result<Trace<T>> trace(const Model<T>& m, std::string_view text);

/// How one output depends on each character: g_t = d log p(target at position) / d x_t, x_t
/// being character t's embedding vector. grad_norm[t] = |g_t|; grad_times_input[t] = g_t . x_t
/// (gradient x input: positive where the character pushed towards target). A unidirectional
/// model gives zeros after position. As a function of the distance position - t, grad_norm shows
/// gradients vanishing (or exploding) through time.
template <typename T>
struct Saliency {
  int position = 0, target = 0;  // the output row read (classifier: 0) and the class scored
  T log_prob = 0;                // log p(target) there
  std::vector<T> grad_norm, grad_times_input;
};

/// position: the output row (lm, tagger: a character index; classifier: must be 0); target: a
/// symbol (lm) or label id, or -1 for the most probable one.
template <typename T>
Result<Saliency<T>> saliency(const Model<T>& m, std::string_view text, int position, int target);

}  // namespace recur
