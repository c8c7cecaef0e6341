// Config <-> JSON: the "config" string of a model file's __metadata__ (models/FORMAT.md).
// Strict: every key is known, typed and present, except num_labels for an lm; the Transformer's
// keys (num_heads ... activation) are present exactly when cell is "transformer", so files of
// recurrent models read and write as before.
#include <climits>
#include <iterator>
#include <string>

#include "model/config.h"
#include "util/json.h"

namespace recur {

namespace {

const char* const kKeys[] = {"task",       "cell",          "vocab_size", "embedding_dim", "hidden_size",
                             "num_layers", "bidirectional", "dropout",    "num_labels",    "num_heads",
                             "ff_size",    "max_len",       "norm_first", "activation"};
constexpr int kFirstTransformerKey = 9;

std::string key_list() {
  std::string s;
  for (const char* k : kKeys) s += std::string(s.empty() ? "" : ", ") + k;
  return s;
}

Status wrong_type(const std::string& key, const char* expected) {
  return invalid_argument("config key \"" + key + "\" has the wrong type: expected " + expected);
}

Status read_int(const json::Value& v, const char* key, int& out) {
  if (!v.is_number()) return wrong_type(key, "an integer");
  if (!v.is_integer()) return bad_option(key, "must be a whole number, got " + json::dump(v));
  if (v.as_number() < double(INT_MIN) || v.as_number() > double(INT_MAX))
    return bad_option(key, "is out of range: got " + json::dump(v));
  out = static_cast<int>(v.as_int());
  return Status::ok();
}

}  // namespace

std::string config_to_json(const Config& c) {
  json::Value o = json::Value::object();
  o.set("task", json::Value::string(task_name(c.task)));
  o.set("cell", json::Value::string(cell_name(c.cell)));
  o.set("vocab_size", json::Value::number(c.vocab_size));
  o.set("embedding_dim", json::Value::number(c.embedding_dim));
  o.set("hidden_size", json::Value::number(c.hidden_size));
  o.set("num_layers", json::Value::number(c.num_layers));
  o.set("bidirectional", json::Value::boolean(c.bidirectional));
  o.set("dropout", json::Value::number(double(c.dropout)));
  o.set("num_labels", json::Value::number(c.num_labels));
  if (is_transformer(c)) {
    o.set("num_heads", json::Value::number(c.num_heads));
    o.set("ff_size", json::Value::number(c.ff_size));
    o.set("max_len", json::Value::number(c.max_len));
    o.set("norm_first", json::Value::boolean(c.norm_first));
    o.set("activation", json::Value::string(activation_name(c.activation)));
  }
  return json::dump(o);
}

Result<Config> config_from_json(const std::string& text) {
  auto parsed = json::parse(text, 256);  // a dozen keys; the bound keeps a crafted config small in memory
  if (!parsed) return invalid_argument("config is not valid JSON: " + parsed.status().message());
  const json::Value& o = parsed.value();
  if (!o.is_object()) return invalid_argument("config must be a JSON object with keys " + key_list());

  for (const auto& m : o.members()) {
    bool known = false;
    for (const char* k : kKeys) known = known || m.first == k;
    if (!known) return invalid_argument("config has unknown key \"" + m.first + "\": expected only " + key_list());
  }

  Config c;
  for (int i = 0; i < int(std::size(kKeys)); ++i) {
    const char* k = kKeys[i];
    const std::string key = k;
    const json::Value* v = o.find(key);
    if (i >= kFirstTransformerKey && !is_transformer(c)) {  // "cell" came before
      if (v) return invalid_argument("config key \"" + key + "\" belongs to cell transformer, not " + cell_name(c.cell));
      continue;
    }
    if (!v) {
      if (key == "num_labels" && c.task == Task::kLm) continue;  // an lm has no labels
      return invalid_argument("config is missing key \"" + key + "\"");
    }
    if (key == "activation") {
      if (!v->is_string()) return wrong_type(key, "a string");
      auto a = parse_activation(v->as_string());
      if (!a) return invalid_argument("config key \"activation\": " + a.status().message());
      c.activation = a.value();
    } else if (key == "task" || key == "cell") {
      if (!v->is_string()) return wrong_type(key, "a string");
      if (key == "task") {
        auto t = parse_task(v->as_string());
        if (!t) return invalid_argument("config key \"task\": " + t.status().message());
        c.task = t.value();
      } else {
        auto cell = parse_cell(v->as_string());
        if (!cell) return invalid_argument("config key \"cell\": " + cell.status().message());
        c.cell = cell.value();
      }
    } else if (key == "bidirectional" || key == "norm_first") {
      if (!v->is_bool()) return wrong_type(key, "true or false");
      (key == "bidirectional" ? c.bidirectional : c.norm_first) = v->as_bool();
    } else if (key == "dropout") {
      if (!v->is_number()) return wrong_type(key, "a number");
      // Range-check before narrowing: a double past FLT_MAX has no float value.
      if (!(v->as_number() >= 0.0 && v->as_number() < 1.0))
        return bad_option("dropout", "must be in [0, 1), got " + json::dump(*v));
      c.dropout = static_cast<float>(v->as_number());
    } else {
      int* field = key == "vocab_size"      ? &c.vocab_size
                   : key == "embedding_dim" ? &c.embedding_dim
                   : key == "hidden_size"   ? &c.hidden_size
                   : key == "num_layers"    ? &c.num_layers
                   : key == "num_labels"    ? &c.num_labels
                   : key == "num_heads"     ? &c.num_heads
                   : key == "ff_size"       ? &c.ff_size
                                            : &c.max_len;
      RECUR_RETURN_IF_ERROR(read_int(*v, k, *field));
    }
  }
  RECUR_RETURN_IF_ERROR(validate(c));
  return c;
}

}  // namespace recur
