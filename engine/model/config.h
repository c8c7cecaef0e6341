// Model configuration: the "config" JSON string of a model file's __metadata__ (models/FORMAT.md).
#pragma once
#include <cstdint>
#include <string>

#include "cells/cell_kind.h"
#include "core/error.h"

namespace recur {

enum class Task { kLm, kTagger, kClassifier };
/// The Transformer's feed-forward non-linearity: ReLU, or GELU with erf (PyTorch's "gelu").
enum class Activation { kRelu, kGelu };

struct Config {
  Task task = Task::kLm;
  CellKind cell = CellKind::kLstm;
  int vocab_size = 0;     // V
  int embedding_dim = 0;  // E
  int hidden_size = 0;    // H
  int num_layers = 1;
  bool bidirectional = false;
  float dropout = 0.0f;   // between layers, training only (as nn.LSTM's dropout)
  int num_labels = 0;     // tagger / classifier
  // cell kTransformer only (0 / false otherwise): d_model = embedding_dim = hidden_size, and
  // bidirectional means no attention mask (else causal). dropout applies inside each layer.
  int num_heads = 0;      // divides d_model
  int ff_size = 0;        // dim_feedforward
  int max_len = 0;        // context window: positions 0..max_len-1
  bool norm_first = false;  // pre-norm; false = post-norm (nn.TransformerEncoderLayer's default)
  Activation activation = Activation::kRelu;
};

inline bool is_transformer(const Config& c) { return c.cell == CellKind::kTransformer; }

/// D: 2 for a bidirectional recurrent model (two cells per layer); a Transformer has one stack,
/// so the head reads D*H = d_model.
inline int directions(const Config& c) { return c.bidirectional && !is_transformer(c) ? 2 : 1; }
/// Width of the head's output: V for lm, num_labels otherwise.
inline int output_size(const Config& c) { return c.task == Task::kLm ? c.vocab_size : c.num_labels; }

const char* task_name(Task t);
Result<Task> parse_task(const std::string& s);
const char* activation_name(Activation a);
Result<Activation> parse_activation(const std::string& s);

/// Largest accepted sizes: a config past these is refused before anything is allocated.
constexpr int kMaxVocab = 1 << 21;
constexpr int kMaxDim = 1 << 14;
constexpr int kMaxLayers = 16;
constexpr int kMaxContext = 1 << 13;  // a Transformer's max_len
// 2^26 parameters = 256 MB of float32; training adds gradients and two Adam moments (1 GB in
// all), which still fits wasm32's 2 GB heap. A failed allocation there aborts the module, so
// every size is refused up front instead.
constexpr int64_t kMaxParams = int64_t(1) << 26;
/// Largest activation cache a forward/backward pass may need (see activation_bytes()).
constexpr int64_t kMaxActivationBytes = int64_t(512) << 20;

/// Checks ranges and combinations (e.g. a bidirectional lm would see the symbol it predicts).
Status validate(const Config& c);
/// A Transformer reads at most max_len symbols at once: an error naming `what` when steps is
/// more (always ok for recurrent cells).
Status check_window(const Config& c, int64_t steps, const std::string& what);
/// Total number of parameters; validate() first.
int64_t parameter_count(const Config& c);

/// Bytes of activations and caches a forward + backward pass over T steps x B sequences keeps
/// (an upper estimate: per layer and direction, gates, states and their gradients).
int64_t activation_bytes(const Config& c, int64_t steps, int64_t batch);

std::string config_to_json(const Config& c);
Result<Config> config_from_json(const std::string& json);

}  // namespace recur
