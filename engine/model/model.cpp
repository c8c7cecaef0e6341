// Initialisation and symbol-table checks for models.
#include "model/model.h"

#include <cmath>
#include <string>
#include <unordered_set>

#include "text/vocab.h"

namespace recur {

namespace {

// nn.TransformerEncoderLayer's initialisation: in_proj Xavier-uniform and the attention biases 0
// (nn.MultiheadAttention), LayerNorm 1 and 0, the linear layers U(-1/sqrt(in), 1/sqrt(in)). The
// embedding is N(0, 1/d), so that after the sqrt(d) scale it is as large as the positional code.
template <typename T>
void init_transformer(const Config& c, Params<T>& p, Rng& rng) {
  const double d = c.hidden_size;
  for (const auto& t : p.tensors) {
    T* w = p.ptr(t);
    const std::string& n = t.name;
    auto ends = [&](const char* suffix) {
      const size_t k = std::char_traits<char>::length(suffix);
      return n.size() >= k && n.compare(n.size() - k, k, suffix) == 0;
    };
    double k = 0;  // U(-k, k); 0 = a constant
    T constant = 0;
    if (n == "embedding.weight") {
      for (size_t i = 0; i < t.size; ++i) w[i] = T(rng.normal() / std::sqrt(d));
      continue;
    }
    if (ends("in_proj_weight"))
      k = std::sqrt(6.0 / (d + 3 * d));
    else if (ends("in_proj_bias") || ends("out_proj.bias") || ends("norm1.bias") || ends("norm2.bias"))
      k = 0;
    else if (ends("norm1.weight") || ends("norm2.weight"))
      constant = 1;
    else  // out_proj, linear1, linear2, head: fan-in is the second dimension of the weight
      k = 1.0 / std::sqrt(double(t.shape.size() == 2 ? t.shape[1] : (ends("linear2.bias") ? c.ff_size : d)));
    for (size_t i = 0; i < t.size; ++i) w[i] = k > 0 ? T(rng.uniform(-k, k)) : constant;
  }
}

}  // namespace

template <typename T>
void init_params(const Config& c, Params<T>& p, Rng& rng) {
  if (is_transformer(c)) return init_transformer(c, p, rng);
  const double k_rnn = 1.0 / std::sqrt(double(c.hidden_size));
  const double k_head = 1.0 / std::sqrt(double(directions(c) * c.hidden_size));
  for (const auto& t : p.tensors) {
    T* w = p.ptr(t);
    if (t.name == "embedding.weight") {
      for (size_t i = 0; i < t.size; ++i) w[i] = T(rng.normal());
    } else {
      const double k = t.name.rfind("head.", 0) == 0 ? k_head : k_rnn;
      for (size_t i = 0; i < t.size; ++i) w[i] = T(rng.uniform(-k, k));
    }
  }
}
template void init_params<float>(const Config&, Params<float>&, Rng&);
template void init_params<double>(const Config&, Params<double>&, Rng&);

Result<Vocab> validate_symbols(const Config& c, std::vector<std::string> vocab,
                               const std::vector<std::string>& labels) {
  if (int64_t(vocab.size()) != c.vocab_size)
    return invalid_argument("vocabulary has " + std::to_string(vocab.size()) +
                            " symbols but config vocab_size is " + std::to_string(c.vocab_size));
  const size_t want_labels = c.task == Task::kLm ? 0 : size_t(c.num_labels);
  if (labels.size() != want_labels)
    return invalid_argument("model has " + std::to_string(labels.size()) + " labels but config expects " +
                            std::to_string(want_labels));
  auto unique = [](const std::vector<std::string>& v, const char* what) -> Status {
    std::unordered_set<std::string> seen;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i].empty()) return invalid_argument(std::string(what) + " entry " + std::to_string(i) + " is empty");
      if (!seen.insert(v[i]).second)
        return invalid_argument(std::string(what) + " entry " + std::to_string(i) + " \"" + v[i] +
                                "\" appears twice: symbols must be unique");
    }
    return Status::ok();
  };
  RECUR_RETURN_IF_ERROR(unique(labels, "labels"));
  // Every rule the encoder relies on (one code point or "<unk>", no duplicates), checked where a
  // model is made, so that no model exists that some command would refuse to encode for.
  return Vocab::from_symbols(std::move(vocab));
}

Result<Model<float>> create_model(const Config& c, std::vector<std::string> vocab,
                                  std::vector<std::string> labels, uint64_t seed) {
  RECUR_RETURN_IF_ERROR(validate(c));
  auto v = validate_symbols(c, std::move(vocab), labels);
  if (!v) return v.status();
  Model<float> m;
  m.config = c;
  m.params = Params<float>(c);
  m.vocab = std::move(v.value());
  m.labels = std::move(labels);
  Rng rng(seed);
  init_params(c, m.params, rng);
  return m;
}

}  // namespace recur
