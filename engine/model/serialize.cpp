// safetensors model files (models/FORMAT.md): u64 LE header length N, N bytes of JSON header,
// then the tensor bytes. The loader checks every size and offset against the file before it
// allocates, because model files come from users and the web.
#include "model/serialize.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include "kernels/half.h"
#include "util/json.h"

namespace recur {

namespace {

enum class DType { kF32, kF16, kBF16, kI8 };

size_t dtype_bytes(DType d) { return d == DType::kF32 ? 4 : d == DType::kI8 ? 1 : 2; }

// An I8 matrix X [rows, cols] comes with X.scale [rows]: the value is scale[row] * q.
constexpr const char* kScaleSuffix = ".scale";

void put_u64_le(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

uint64_t get_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

float bits_to_float(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// bfloat16 is the top half of a binary32, so widening is a shift (inf and NaN included).
float bf16_to_float(uint16_t b) { return bits_to_float(uint32_t(b) << 16); }

std::string shape_str(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

std::string describe(const Config& c) {
  return std::string(cell_name(c.cell)) + ", " + std::to_string(c.num_layers) +
         (c.num_layers == 1 ? " layer" : " layers") + (c.bidirectional ? ", bidirectional" : "") + ", task " +
         task_name(c.task);
}

Status fmt_error(const std::string& m) { return bad_format(m); }

// A metadata value that is itself a JSON array of strings (vocab, labels).
Status parse_symbols(const std::string& key, const std::string& text, std::vector<std::string>& out) {
  // vocab holds at most kMaxVocab symbols; labels are bounded by the same limit.
  auto v = json::parse_string_array(text, size_t(kMaxVocab));
  if (!v)
    return fmt_error("model file __metadata__ \"" + key + "\" must be a JSON array of at most " +
                     std::to_string(kMaxVocab) + " strings: " + v.status().message());
  out = std::move(v.value());
  return Status::ok();
}

struct Entry {
  size_t index = 0;  // into param_layout
  bool scale = false;  // the row scales of an I8 tensor, not the tensor
  DType dtype = DType::kF32;
  uint64_t begin = 0, end = 0;
};

// Element i of a tensor stored as dtype (I8: the integer, before its row scale).
float element(DType dtype, const uint8_t* src, size_t i) {
  switch (dtype) {
    case DType::kF32:
      return bits_to_float(uint32_t(src[4 * i]) | uint32_t(src[4 * i + 1]) << 8 | uint32_t(src[4 * i + 2]) << 16 |
                           uint32_t(src[4 * i + 3]) << 24);
    case DType::kF16: return half_to_float(uint16_t(src[2 * i] | src[2 * i + 1] << 8));
    case DType::kBF16: return bf16_to_float(uint16_t(src[2 * i] | src[2 * i + 1] << 8));
    default: return float(int8_t(src[i]));
  }
}

Status read_entry(const std::string& name, const json::Value& v, const TensorInfo& want, Entry& e) {
  const std::string t = "tensor " + name;
  if (!v.is_object()) return fmt_error(t + ": entry must be an object with dtype, shape and data_offsets");
  for (const auto& m : v.members())
    if (m.first != "dtype" && m.first != "shape" && m.first != "data_offsets")
      return fmt_error(t + " has unknown key \"" + m.first + "\": expected dtype, shape and data_offsets");

  const json::Value* dtype = v.find("dtype");
  if (!dtype || !dtype->is_string()) return fmt_error(t + ": dtype missing or not a string: expected F32, F16, BF16 or I8");
  const std::string& d = dtype->as_string();
  if (d == "F32") e.dtype = DType::kF32;
  else if (d == "F16") e.dtype = DType::kF16;
  else if (d == "BF16") e.dtype = DType::kBF16;
  else if (d == "I8") e.dtype = DType::kI8;
  else return fmt_error(t + " has dtype \"" + d + "\": expected F32, F16, BF16 or I8");
  if (e.dtype == DType::kI8 && (e.scale || want.shape.size() != 2))
    return fmt_error(t + " has dtype I8: only a matrix may be I8 (with its row scales in " +
                     (e.scale ? name.substr(0, name.size() - std::strlen(kScaleSuffix)) : name) + kScaleSuffix +
                     ", F32, F16 or BF16)");

  const json::Value* shape = v.find("shape");
  if (!shape || !shape->is_array()) return fmt_error(t + ": shape missing or not an array: expected " + shape_str(want.shape));
  std::vector<int64_t> got;
  for (const auto& s : shape->items()) {
    if (!s.is_integer() || s.as_number() < 0)
      return fmt_error(t + " has shape " + json::dump(*shape) + ": expected an array of non-negative integers, " +
                       shape_str(want.shape));
    got.push_back(s.as_int());
  }
  if (got != want.shape)
    return fmt_error(t + " has shape " + shape_str(got) + ", expected " + shape_str(want.shape));

  const json::Value* off = v.find("data_offsets");
  if (!off || !off->is_array() || off->items().size() != 2 || !off->items()[0].is_integer() ||
      !off->items()[1].is_integer() || off->items()[0].as_number() < 0 || off->items()[1].as_number() < 0)
    return fmt_error(t + " has data_offsets " + (off ? json::dump(*off) : std::string("missing")) +
                     ": expected [begin, end], two non-negative integers");
  e.begin = uint64_t(off->items()[0].as_int());
  e.end = uint64_t(off->items()[1].as_int());
  if (e.end < e.begin)
    return fmt_error(t + " has data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                     "]: expected begin <= end");
  // want.size <= kMaxParams (2^26), so the byte count cannot overflow.
  const uint64_t bytes = uint64_t(want.size) * dtype_bytes(e.dtype);
  if (e.end - e.begin != bytes)
    return fmt_error(t + " has data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "] (" +
                     std::to_string(e.end - e.begin) + " bytes): expected " + std::to_string(bytes) + " bytes for " +
                     std::to_string(want.size) + " " + d + " elements");
  return Status::ok();
}

}  // namespace

std::vector<uint8_t> save_safetensors(const Model<float>& m) {
  json::Value meta = json::Value::object();
  meta.set("format", json::Value::string("recur"));
  meta.set("version", json::Value::string("1"));
  meta.set("config", json::Value::string(config_to_json(m.config)));
  std::vector<json::Value> vocab, labels;
  for (const auto& s : m.vocab.symbols()) vocab.push_back(json::Value::string(s));
  for (const auto& s : m.labels) labels.push_back(json::Value::string(s));
  meta.set("vocab", json::Value::string(json::dump(json::Value::array(std::move(vocab)))));
  meta.set("labels", json::Value::string(json::dump(json::Value::array(std::move(labels)))));

  json::Value header = json::Value::object();
  header.set("__metadata__", std::move(meta));
  uint64_t offset = 0;
  for (const auto& t : m.params.tensors) {
    std::vector<json::Value> shape;
    for (auto s : t.shape) shape.push_back(json::Value::number(double(s)));
    const uint64_t bytes = uint64_t(t.size) * 4;
    header.set(t.name, json::Value::object({{"dtype", json::Value::string("F32")},
                                            {"shape", json::Value::array(std::move(shape))},
                                            {"data_offsets", json::Value::array({json::Value::number(double(offset)),
                                                                                 json::Value::number(double(offset + bytes))})}}));
    offset += bytes;
  }
  std::string text = json::dump(header);
  // Pad so the data starts 8-byte aligned in the file, as the safetensors library does.
  text.append((8 - text.size() % 8) % 8, ' ');

  std::vector<uint8_t> out;
  out.reserve(8 + text.size() + offset);
  put_u64_le(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
  for (const auto& t : m.params.tensors) {
    const float* p = m.params.ptr(t);
    for (size_t i = 0; i < t.size; ++i) {
      uint32_t bits;
      std::memcpy(&bits, &p[i], 4);
      for (int b = 0; b < 4; ++b) out.push_back(uint8_t(bits >> (8 * b)));
    }
  }
  return out;
}

Result<Model<float>> load_safetensors(const uint8_t* data, size_t size) {
  if (size < 8 || data == nullptr)
    return fmt_error("model file too short: " + std::to_string(size) +
                     " bytes, expected at least 8 (the u64 header length) plus a header");
  const uint64_t n = get_u64_le(data);
  if (n == 0) return fmt_error("model file header length is 0: expected a JSON header");
  if (n > kMaxHeaderBytes)
    return fmt_error("model file header length " + std::to_string(n) + " is over the limit of " +
                     std::to_string(kMaxHeaderBytes) + " bytes (not a safetensors file?)");
  if (n > size - 8)
    return fmt_error("model file truncated: header length says " + std::to_string(n) + " header bytes, file has " +
                     std::to_string(size - 8) + " after the 8-byte length");
  const uint8_t* blob = data + 8 + n;  // tensor data
  const uint64_t blob_size = size - 8 - n;

  auto parsed = json::parse(std::string_view(reinterpret_cast<const char*>(data + 8), size_t(n)), kMaxHeaderValues);
  if (!parsed) return fmt_error("model file header is not valid JSON: " + parsed.status().message());
  const json::Value& header = parsed.value();
  if (!header.is_object()) return fmt_error("model file header must be a JSON object of tensors and __metadata__");

  // __metadata__: a string -> string map, as safetensors requires.
  const json::Value* meta = header.find("__metadata__");
  if (!meta) return fmt_error("model file has no __metadata__: expected format, version, config and vocab");
  if (!meta->is_object()) return fmt_error("model file __metadata__ must be an object of strings");
  for (const auto& m : meta->members())
    if (!m.second.is_string())
      return fmt_error("model file __metadata__ \"" + m.first + "\" is not a string: metadata values must be strings");
  auto meta_str = [&](const char* key) -> const std::string* {
    const json::Value* v = meta->find(key);
    return v ? &v->as_string() : nullptr;
  };
  const std::string* format = meta_str("format");
  if (!format || *format != "recur")
    return fmt_error("model file __metadata__ format is " + (format ? "\"" + *format + "\"" : std::string("missing")) +
                     ": expected \"recur\"");
  const std::string* version = meta_str("version");
  if (!version || *version != "1")
    return fmt_error("model file __metadata__ version is " +
                     (version ? "\"" + *version + "\"" : std::string("missing")) + ": expected \"1\"");
  const std::string* config_text = meta_str("config");
  if (!config_text) return fmt_error("model file __metadata__ has no config: expected the config as a JSON string");
  auto config = config_from_json(*config_text);
  if (!config) return fmt_error("model file config: " + config.status().message());
  const Config& c = config.value();

  const std::string* vocab_text = meta_str("vocab");
  if (!vocab_text) return fmt_error("model file __metadata__ has no vocab: expected a JSON array of strings");
  std::vector<std::string> vocab, labels;
  RECUR_RETURN_IF_ERROR(parse_symbols("vocab", *vocab_text, vocab));
  if (const std::string* labels_text = meta_str("labels"))
    RECUR_RETURN_IF_ERROR(parse_symbols("labels", *labels_text, labels));
  auto symbols = validate_symbols(c, std::move(vocab), labels);
  if (!symbols) return fmt_error("model file symbols: " + symbols.status().message());

  // Tensor table: every header entry must be one the config expects (or the row scales of an I8
  // one), and vice versa.
  const std::vector<TensorInfo> layout = param_layout(c);
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < layout.size(); ++i) by_name[layout[i].name] = i;
  std::vector<Entry> entries;
  std::vector<const Entry*> tensor_of(layout.size(), nullptr), scale_of(layout.size(), nullptr);
  entries.reserve(header.members().size());
  const size_t suffix = std::strlen(kScaleSuffix);
  for (const auto& m : header.members()) {
    if (m.first == "__metadata__") continue;
    Entry e;
    e.scale = m.first.size() > suffix && m.first.compare(m.first.size() - suffix, suffix, kScaleSuffix) == 0;
    auto it = by_name.find(e.scale ? m.first.substr(0, m.first.size() - suffix) : m.first);
    if (it == by_name.end())
      return fmt_error("unexpected tensor " + m.first + ": the config (" + describe(c) +
                       ") has no tensor of that name");
    e.index = it->second;
    TensorInfo want = layout[e.index];
    if (e.scale && want.shape.size() != 2)
      return fmt_error("unexpected tensor " + m.first + ": only a matrix has row scales, and " + want.name +
                       " has shape " + shape_str(want.shape));
    if (e.scale) want = TensorInfo{m.first, {want.shape[0]}, 0, size_t(want.shape[0])};
    RECUR_RETURN_IF_ERROR(read_entry(m.first, m.second, want, e));
    entries.push_back(e);
    (e.scale ? scale_of : tensor_of)[e.index] = &entries.back();
  }
  for (size_t i = 0; i < layout.size(); ++i) {
    if (!tensor_of[i])
      return fmt_error("missing tensor " + layout[i].name + " (shape " + shape_str(layout[i].shape) +
                       "): the config (" + describe(c) + ") needs it");
    const bool i8 = tensor_of[i]->dtype == DType::kI8;
    if (i8 != (scale_of[i] != nullptr))
      return fmt_error(i8 ? "tensor " + layout[i].name + " is I8 but the file has no " + layout[i].name + kScaleSuffix +
                                ": expected one scale per row"
                          : "tensor " + layout[i].name + kScaleSuffix + " scales a tensor that is not I8");
  }

  // Offsets against the file, then against each other. Sorting by begin makes overlap a
  // neighbour check; safetensors also forbids holes, so the tensors must tile the data exactly.
  auto name_of = [&](const Entry& e) { return layout[e.index].name + (e.scale ? kScaleSuffix : ""); };
  const Entry* last = &*std::max_element(entries.begin(), entries.end(),
                                         [](const Entry& a, const Entry& b) { return a.end < b.end; });
  if (last->end > blob_size)
    return fmt_error("model file truncated: header says " + std::to_string(last->end) + " data bytes, file has " +
                     std::to_string(blob_size) + " (tensor " + name_of(*last) + " data_offsets [" +
                     std::to_string(last->begin) + ", " + std::to_string(last->end) + "] run past the data)");
  std::vector<Entry> sorted = entries;
  std::sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  uint64_t covered = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    covered += sorted[i].end - sorted[i].begin;
    if (i > 0 && sorted[i].begin < sorted[i - 1].end)
      return fmt_error("tensors " + name_of(sorted[i - 1]) + " [" + std::to_string(sorted[i - 1].begin) +
                       ", " + std::to_string(sorted[i - 1].end) + "] and " + name_of(sorted[i]) + " [" +
                       std::to_string(sorted[i].begin) + ", " + std::to_string(sorted[i].end) +
                       "] overlap: expected disjoint data_offsets");
  }
  if (covered != blob_size)
    return fmt_error("model file has " + std::to_string(blob_size) + " data bytes but its tensors cover " +
                     std::to_string(covered) + ": expected the tensors to fill the data exactly (no holes or trailing bytes)");

  // Every size is now bounded by the file, so allocating is safe.
  Model<float> model;
  model.config = c;
  model.params = Params<float>(c);
  model.vocab = std::move(symbols.value());
  model.labels = std::move(labels);
  for (const Entry& e : entries) {
    if (e.scale) continue;  // read with its tensor
    const TensorInfo& t = model.params.tensors[e.index];
    float* dst = model.params.ptr(t);
    const Entry* scale = scale_of[e.index];
    const size_t cols = t.shape.size() == 2 ? size_t(t.shape[1]) : 1;
    for (size_t i = 0; i < t.size; ++i) {
      float x = element(e.dtype, blob + e.begin, i);
      if (scale) {
        const float s = element(scale->dtype, blob + scale->begin, i / cols);
        if (!(std::isfinite(s) && s >= 0))
          return fmt_error("tensor " + t.name + kScaleSuffix + " element " + std::to_string(i / cols) + " is " +
                           std::to_string(s) + ": expected a finite scale >= 0");
        x *= s;
      }
      if (!std::isfinite(x))
        return fmt_error("tensor " + t.name + " element " + std::to_string(i) + " is " +
                         (std::isnan(x) ? "NaN" : "infinite") + ": expected finite weights");
      dst[i] = x;
    }
  }
  return model;
}

Status save_model_file(const Model<float>& m, const std::string& path) {
  const std::vector<uint8_t> bytes = save_safetensors(m);
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return io_error("cannot open " + tmp + " for writing: " + std::strerror(errno));
  const bool wrote = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !closed) {
    std::remove(tmp.c_str());
    return io_error("cannot write " + tmp + " (" + std::to_string(bytes.size()) + " bytes): disk full?");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return io_error("cannot rename " + tmp + " to " + path + ": " + why);
  }
  return Status::ok();
}

Result<Model<float>> load_model_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return io_error("cannot open model file " + path + ": " + std::strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    std::fclose(f);
    return io_error("cannot read model file " + path + ": not a regular file");
  }
  long size = -1;
  if (std::fseek(f, 0, SEEK_END) == 0) size = std::ftell(f);
  if (size < 0 || std::fseek(f, 0, SEEK_SET) != 0) {
    std::fclose(f);
    return io_error("cannot read model file " + path + ": cannot find its size");
  }
  if (uint64_t(size) > kMaxModelFileBytes) {
    std::fclose(f);
    return io_error("model file " + path + " is " + std::to_string(size) + " bytes: over the limit of " +
                    std::to_string(kMaxModelFileBytes));
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  const bool ok = std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size() && !std::ferror(f);
  std::fclose(f);
  if (!ok) return io_error("cannot read model file " + path + " (" + std::to_string(size) + " bytes)");
  auto m = load_safetensors(bytes.data(), bytes.size());
  if (!m) return Status(m.status().code(), path + ": " + m.status().message());
  return m;
}

}  // namespace recur
