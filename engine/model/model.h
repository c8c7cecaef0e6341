// A model: config, parameters, and the symbol tables that give ids meaning (the vocabulary of
// input symbols; for tagger/classifier the label names). This is what a model file holds.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "model/config.h"
#include "model/params.h"
#include "text/vocab.h"

namespace recur {

template <typename T>
struct Model {
  Config config;
  Params<T> params;
  Vocab vocab;                      // id -> symbol, validated once where the model is made
  std::vector<std::string> labels;  // tagger / classifier: label id -> name
};

/// PyTorch's default initialisation: embedding N(0, 1); recurrent weights and biases
/// U(-1/sqrt(H), 1/sqrt(H)); head weight and bias U(-1/sqrt(D*H), 1/sqrt(D*H)). A Transformer's
/// layers are initialised as nn.TransformerEncoderLayer's, its embedding N(0, 1/d) (model.cpp).
template <typename T>
void init_params(const Config& c, Params<T>& p, Rng& rng);

/// Validates config against vocab/labels and returns a freshly initialised model.
Result<Model<float>> create_model(const Config& c, std::vector<std::string> vocab,
                                  std::vector<std::string> labels, uint64_t seed);

/// Checks vocab and labels against the config (sizes; labels unique and non-empty) and builds the
/// vocabulary, which enforces every rule the encoder relies on (text/vocab.h).
Result<Vocab> validate_symbols(const Config& c, std::vector<std::string> vocab,
                               const std::vector<std::string>& labels);

/// The same model in another scalar type (float <-> double for gradient checks).
template <typename To, typename From>
Model<To> cast_model(const Model<From>& m) {
  Model<To> r;
  r.config = m.config;
  r.vocab = m.vocab;
  r.labels = m.labels;
  r.params.tensors = m.params.tensors;
  r.params.data.assign(m.params.data.begin(), m.params.data.end());
  return r;
}

}  // namespace recur
