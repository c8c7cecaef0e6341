// model/serialize: bit-exact save -> load round trips for every cell and task, deterministic bytes,
// a file written by hand the way safetensors.torch.save_file writes one, and the file functions.
#include "model/serialize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "support/temp_path.h"
#include "util/json.h"

namespace recur {
namespace {

Config make_config(Task task, CellKind cell) {
  Config c;
  c.task = task;
  c.cell = cell;
  c.vocab_size = 6;
  c.embedding_dim = 3;
  c.hidden_size = 4;
  c.num_layers = 2;
  c.bidirectional = task == Task::kTagger;
  c.dropout = task == Task::kClassifier ? 0.1f : 0.0f;
  c.num_labels = task == Task::kLm ? 0 : 3;
  return c;
}

// Symbols that exercise JSON escaping inside the metadata strings.
std::vector<std::string> test_vocab() { return {"a", "\"", "\\", "\n", "\xC3\xA9", "<unk>"}; }

Model<float> make_model(Task task, CellKind cell, uint64_t seed = 7) {
  std::vector<std::string> labels;
  if (task != Task::kLm) labels = {"NOUN", "VERB", "x\ty"};
  auto m = create_model(make_config(task, cell), test_vocab(), labels, seed);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  return std::move(m).value();
}

void expect_same_model(const Model<float>& got, const Model<float>& want) {
  EXPECT_EQ(config_to_json(got.config), config_to_json(want.config));
  EXPECT_EQ(got.vocab.symbols(), want.vocab.symbols());
  EXPECT_EQ(got.labels, want.labels);
  ASSERT_EQ(got.params.tensors.size(), want.params.tensors.size());
  for (size_t i = 0; i < got.params.tensors.size(); ++i) {
    EXPECT_EQ(got.params.tensors[i].name, want.params.tensors[i].name);
    EXPECT_EQ(got.params.tensors[i].shape, want.params.tensors[i].shape);
  }
  ASSERT_EQ(got.params.size(), want.params.size());
  // Bit-exact: memcmp, not a tolerance.
  EXPECT_EQ(std::memcmp(got.params.data.data(), want.params.data.data(), want.params.size() * sizeof(float)), 0);
}

TEST(Serialize, RoundTripIsBitExactForEveryCellAndTask) {
  for (CellKind cell : {CellKind::kRnnTanh, CellKind::kRnnRelu, CellKind::kLstm, CellKind::kGru})
    for (Task task : {Task::kLm, Task::kTagger, Task::kClassifier}) {
      SCOPED_TRACE(std::string(cell_name(cell)) + " " + task_name(task));
      const Model<float> m = make_model(task, cell);
      const std::vector<uint8_t> bytes = save_safetensors(m);
      auto loaded = load_safetensors(bytes.data(), bytes.size());
      ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
      expect_same_model(loaded.value(), m);
      EXPECT_EQ(loaded->config.bidirectional, task == Task::kTagger);
      EXPECT_EQ(loaded->config.dropout, m.config.dropout);
    }
}

TEST(Serialize, SameModelGivesIdenticalBytes) {
  const Model<float> m = make_model(Task::kTagger, CellKind::kLstm);
  const std::vector<uint8_t> a = save_safetensors(m);
  EXPECT_EQ(save_safetensors(m), a);
  EXPECT_EQ(save_safetensors(make_model(Task::kTagger, CellKind::kLstm)), a);  // same seed
  EXPECT_NE(save_safetensors(make_model(Task::kTagger, CellKind::kLstm, 8)), a);
  // Re-saving a loaded model reproduces the file.
  auto loaded = load_safetensors(a.data(), a.size());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ(save_safetensors(loaded.value()), a);
}

TEST(Serialize, LayoutFollowsTheFormat) {
  const Model<float> m = make_model(Task::kLm, CellKind::kGru);
  const std::vector<uint8_t> bytes = save_safetensors(m);
  ASSERT_GE(bytes.size(), 8u);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
  EXPECT_EQ((8 + n) % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + n + m.params.size() * 4);
  const std::string header(reinterpret_cast<const char*>(bytes.data()) + 8, n);
  EXPECT_EQ(header.rfind("{\"__metadata__\":{\"format\":\"recur\",\"version\":\"1\",\"config\":", 0), 0u) << header;
  auto h = json::parse(header);
  ASSERT_TRUE(h.is_ok()) << h.status().message();
  const json::Value* meta = h->find("__metadata__");
  ASSERT_NE(meta, nullptr);
  ASSERT_NE(meta->find("labels"), nullptr);
  EXPECT_EQ(meta->find("labels")->as_string(), "[]");
  EXPECT_EQ(meta->find("config")->as_string(), config_to_json(m.config));
  // Tensors in param_layout order, contiguous, F32, with the little-endian bytes of each float.
  ASSERT_EQ(h->members().size(), 1 + m.params.tensors.size());
  uint64_t offset = 0;
  for (size_t i = 0; i < m.params.tensors.size(); ++i) {
    const TensorInfo& t = m.params.tensors[i];
    const auto& member = h->members()[i + 1];
    EXPECT_EQ(member.first, t.name);
    EXPECT_EQ(member.second.find("dtype")->as_string(), "F32");
    const auto& offsets = member.second.find("data_offsets")->items();
    ASSERT_EQ(offsets.size(), 2u);
    EXPECT_EQ(uint64_t(offsets[0].as_int()), offset);
    offset += t.size * 4;
    EXPECT_EQ(uint64_t(offsets[1].as_int()), offset);
  }
  const float first = m.params.data[0];
  uint32_t bits;
  std::memcpy(&bits, &first, 4);
  EXPECT_EQ(bytes[8 + n], uint8_t(bits));
  EXPECT_EQ(bytes[8 + n + 3], uint8_t(bits >> 24));
}

// ---- A file written the way PyTorch's safetensors does it ----------------------------------
// Config: lm, gru, V=3, E=2, H=1, 1 layer (G=3). Built with string concatenation, not with
// util/json, so the test does not share the writer's assumptions.

struct RawTensor {
  std::string name, dtype, shape;
  std::vector<uint8_t> bytes;
};

void put_f32(std::vector<uint8_t>& b, float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(u >> (8 * i)));
}
void put_u16(std::vector<uint8_t>& b, uint16_t u) {
  b.push_back(uint8_t(u));
  b.push_back(uint8_t(u >> 8));
}

// data_order: order of the bytes; header_order: order of the entries (indices into tensors).
std::vector<uint8_t> build_file(const std::vector<RawTensor>& tensors, const std::vector<size_t>& data_order,
                                const std::vector<size_t>& header_order, const std::string& metadata, size_t pad) {
  std::vector<uint64_t> begin(tensors.size());
  std::vector<uint8_t> data;
  for (size_t i : data_order) {
    begin[i] = data.size();
    data.insert(data.end(), tensors[i].bytes.begin(), tensors[i].bytes.end());
  }
  std::string header = "{";
  for (size_t k = 0; k < header_order.size(); ++k) {
    const RawTensor& t = tensors[header_order[k]];
    const uint64_t b = begin[header_order[k]];
    header += (k ? ", " : "") + std::string("\"") + t.name + "\": {\"dtype\": \"" + t.dtype + "\", \"shape\": " +
              t.shape + ", \"data_offsets\": [" + std::to_string(b) + ", " + std::to_string(b + t.bytes.size()) + "]}";
  }
  header += ", \"__metadata__\": " + metadata + "}";
  header.append(pad, ' ');
  std::vector<uint8_t> file;
  for (int i = 0; i < 8; ++i) file.push_back(uint8_t(uint64_t(header.size()) >> (8 * i)));
  file.insert(file.end(), header.begin(), header.end());
  file.insert(file.end(), data.begin(), data.end());
  return file;
}

TEST(Serialize, LoadsAFileWrittenLikePytorchSafetensors) {
  std::vector<RawTensor> t(7);
  // embedding.weight (3, 2) as F16: 1.0, -2.0, smallest subnormal 2^-24, largest subnormal
  // 1023 * 2^-24, 65504 (largest finite), -0.0.
  t[0] = {"embedding.weight", "F16", "[3, 2]", {}};
  for (uint16_t h : {0x3C00, 0xC000, 0x0001, 0x03FF, 0x7BFF, 0x8000}) put_u16(t[0].bytes, h);
  // rnn.weight_ih_l0 (3, 2) as BF16: 1.0, -3.0, 3.140625, 0.5, -0.0, 2^-133 (a float subnormal).
  t[1] = {"rnn.weight_ih_l0", "BF16", "[3, 2]", {}};
  for (uint16_t h : {0x3F80, 0xC040, 0x4049, 0x3F00, 0x8000, 0x0001}) put_u16(t[1].bytes, h);
  t[2] = {"rnn.weight_hh_l0", "F32", "[3, 1]", {}};
  t[3] = {"rnn.bias_ih_l0", "F32", "[3]", {}};
  t[4] = {"rnn.bias_hh_l0", "F16", "[3]", {}};
  t[5] = {"head.weight", "F32", "[3, 1]", {}};
  t[6] = {"head.bias", "F32", "[3]", {}};
  for (float x : {0.25f, -0.5f, 0.75f}) put_f32(t[2].bytes, x);
  for (float x : {1.5f, 2.5f, -3.5f}) put_f32(t[3].bytes, x);
  for (uint16_t h : {0x3800, 0xB400, 0x4200}) put_u16(t[4].bytes, h);  // 0.5, -0.25, 3.0
  for (float x : {10.0f, 20.0f, 30.0f}) put_f32(t[5].bytes, x);
  for (float x : {-1.0f, 0.0f, 1.0f}) put_f32(t[6].bytes, x);

  // No "labels" key (an lm), metadata last, entries alphabetical, data in yet another order,
  // and a long run of padding spaces.
  const std::string metadata =
      "{\"format\": \"recur\", \"version\": \"1\", \"vocab\": \"[\\\"x\\\", \\\"y\\\", \\\"z\\\"]\", "
      "\"config\": \"{\\\"task\\\": \\\"lm\\\", \\\"cell\\\": \\\"gru\\\", \\\"vocab_size\\\": 3, "
      "\\\"embedding_dim\\\": 2, \\\"hidden_size\\\": 1, \\\"num_layers\\\": 1, \\\"bidirectional\\\": false, "
      "\\\"dropout\\\": 0.0}\", \"trained_with\": \"torch\"}";
  const std::vector<uint8_t> file =
      build_file(t, {2, 0, 6, 1, 4, 5, 3}, {0, 6, 5, 4, 3, 2, 1}, metadata, 13);
  auto m = load_safetensors(file.data(), file.size());
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_EQ(m->config.cell, CellKind::kGru);
  EXPECT_EQ(m->config.hidden_size, 1);
  EXPECT_EQ(m->vocab.symbols(), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_TRUE(m->labels.empty());

  const Params<float>& p = m->params;
  auto values = [&](const char* name) {
    const TensorInfo* ti = p.find(name);
    EXPECT_NE(ti, nullptr) << name;
    return ti ? std::vector<float>(p.ptr(*ti), p.ptr(*ti) + ti->size) : std::vector<float>();
  };
  const std::vector<float> emb = values("embedding.weight");
  ASSERT_EQ(emb.size(), 6u);
  EXPECT_EQ(emb[0], 1.0f);
  EXPECT_EQ(emb[1], -2.0f);
  EXPECT_EQ(emb[2], 5.9604644775390625e-08f);  // 2^-24
  EXPECT_EQ(emb[3], 6.0975551605224609375e-05f);  // 1023 * 2^-24
  EXPECT_EQ(emb[4], 65504.0f);
  EXPECT_EQ(emb[5], 0.0f);
  EXPECT_TRUE(std::signbit(emb[5]));
  const std::vector<float> w_ih = values("rnn.weight_ih_l0");
  ASSERT_EQ(w_ih.size(), 6u);
  EXPECT_EQ(w_ih[0], 1.0f);
  EXPECT_EQ(w_ih[1], -3.0f);
  EXPECT_EQ(w_ih[2], 3.140625f);
  EXPECT_EQ(w_ih[3], 0.5f);
  EXPECT_TRUE(std::signbit(w_ih[4]));
  EXPECT_EQ(w_ih[5], std::ldexp(1.0f, -133));
  EXPECT_EQ(values("rnn.weight_hh_l0"), (std::vector<float>{0.25f, -0.5f, 0.75f}));
  EXPECT_EQ(values("rnn.bias_ih_l0"), (std::vector<float>{1.5f, 2.5f, -3.5f}));
  EXPECT_EQ(values("rnn.bias_hh_l0"), (std::vector<float>{0.5f, -0.25f, 3.0f}));
  EXPECT_EQ(values("head.weight"), (std::vector<float>{10.0f, 20.0f, 30.0f}));
  EXPECT_EQ(values("head.bias"), (std::vector<float>{-1.0f, 0.0f, 1.0f}));

  // Saved again by recur, it is a plain F32 file in layout order with the same values.
  const std::vector<uint8_t> resaved = save_safetensors(m.value());
  auto again = load_safetensors(resaved.data(), resaved.size());
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  expect_same_model(again.value(), m.value());
}

TEST(Serialize, HalfInfinityAndNanAreRefusedAfterConversion) {
  // F16 0x7C00 is +inf and 0x7E00 NaN; BF16 0xFF80 is -inf. Each must be reported by name.
  for (const auto& [dtype, bits, what] : std::vector<std::tuple<std::string, uint16_t, std::string>>{
           {"F16", 0x7C00, "infinite"}, {"F16", 0x7E00, "NaN"}, {"BF16", 0xFF80, "infinite"}}) {
    std::vector<RawTensor> t(7);
    t[0] = {"embedding.weight", "F32", "[3, 2]", {}};
    for (int i = 0; i < 6; ++i) put_f32(t[0].bytes, 0.0f);
    t[1] = {"rnn.weight_ih_l0", "F32", "[3, 2]", {}};
    for (int i = 0; i < 6; ++i) put_f32(t[1].bytes, 0.0f);
    t[2] = {"rnn.weight_hh_l0", dtype, "[3, 1]", {}};
    for (int i = 0; i < 3; ++i) put_u16(t[2].bytes, i == 2 ? bits : 0);
    t[3] = {"rnn.bias_ih_l0", "F32", "[3]", {}};
    t[4] = {"rnn.bias_hh_l0", "F32", "[3]", {}};
    t[5] = {"head.weight", "F32", "[3, 1]", {}};
    t[6] = {"head.bias", "F32", "[3]", {}};
    for (int k = 3; k < 7; ++k)
      for (int i = 0; i < 3; ++i) put_f32(t[k].bytes, 0.0f);
    const std::string metadata =
        "{\"format\": \"recur\", \"version\": \"1\", \"vocab\": \"[\\\"x\\\", \\\"y\\\", \\\"z\\\"]\", "
        "\"config\": \"{\\\"task\\\": \\\"lm\\\", \\\"cell\\\": \\\"gru\\\", \\\"vocab_size\\\": 3, "
        "\\\"embedding_dim\\\": 2, \\\"hidden_size\\\": 1, \\\"num_layers\\\": 1, \\\"bidirectional\\\": false, "
        "\\\"dropout\\\": 0}\"}";
    const std::vector<uint8_t> file = build_file(t, {0, 1, 2, 3, 4, 5, 6}, {0, 1, 2, 3, 4, 5, 6}, metadata, 0);
    auto m = load_safetensors(file.data(), file.size());
    ASSERT_FALSE(m.is_ok()) << dtype << " " << bits;
    EXPECT_NE(m.status().message().find("tensor rnn.weight_hh_l0 element 2 is " + what), std::string::npos)
        << m.status().message();
  }
}

// The tiny GRU lm of the tests above, with embedding.weight [3, 2] given by `embedding` (and, if
// not empty, `scale`: embedding.weight.scale) and every other tensor F32 zeros.
std::vector<uint8_t> gru_file(const RawTensor& embedding, const RawTensor* scale) {
  std::vector<RawTensor> t = {embedding};
  t.push_back({"rnn.weight_ih_l0", "F32", "[3, 2]", {}});
  for (int i = 0; i < 6; ++i) put_f32(t.back().bytes, 0.0f);
  for (const char* name : {"rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "head.weight", "head.bias"}) {
    t.push_back({name, "F32", std::string(name).find("weight") != std::string::npos ? "[3, 1]" : "[3]", {}});
    for (int i = 0; i < 3; ++i) put_f32(t.back().bytes, 0.0f);
  }
  if (scale) t.push_back(*scale);
  std::vector<size_t> order(t.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const std::string metadata =
      "{\"format\": \"recur\", \"version\": \"1\", \"vocab\": \"[\\\"x\\\", \\\"y\\\", \\\"z\\\"]\", "
      "\"config\": \"{\\\"task\\\": \\\"lm\\\", \\\"cell\\\": \\\"gru\\\", \\\"vocab_size\\\": 3, "
      "\\\"embedding_dim\\\": 2, \\\"hidden_size\\\": 1, \\\"num_layers\\\": 1, \\\"bidirectional\\\": false, "
      "\\\"dropout\\\": 0}\"}";
  return build_file(t, order, order, metadata, 0);
}

TEST(Serialize, I8MatricesAreScaledByRow) {
  // Rows: q = (127, -128), (0, 1), (-1, 64); scales 0.5 (F32), 0 (an all-zero row may have it), 2^-7 (F16).
  RawTensor emb{"embedding.weight", "I8", "[3, 2]", {0x7F, 0x80, 0x00, 0x01, 0xFF, 0x40}};
  RawTensor scale{"embedding.weight.scale", "F32", "[3]", {}};
  for (float x : {0.5f, 0.0f, 0.0078125f}) put_f32(scale.bytes, x);
  std::vector<uint8_t> file = gru_file(emb, &scale);
  auto m = load_safetensors(file.data(), file.size());
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  const TensorInfo* ti = m->params.find("embedding.weight");
  ASSERT_NE(ti, nullptr);
  EXPECT_EQ(std::vector<float>(m->params.ptr(*ti), m->params.ptr(*ti) + 6),
            (std::vector<float>{63.5f, -64.0f, 0.0f, 0.0f, -0.0078125f, 0.5f}));

  RawTensor half_scale{"embedding.weight.scale", "F16", "[3]", {}};
  for (uint16_t h : {0x3800, 0x0000, 0x2000}) put_u16(half_scale.bytes, h);  // 0.5, 0, 2^-7
  file = gru_file(emb, &half_scale);
  auto h = load_safetensors(file.data(), file.size());
  ASSERT_TRUE(h.is_ok()) << h.status().message();
  expect_same_model(h.value(), m.value());
}

TEST(Serialize, I8WithoutItsScalesOrOnAVectorIsRefused) {
  const RawTensor emb{"embedding.weight", "I8", "[3, 2]", {1, 2, 3, 4, 5, 6}};
  RawTensor scale{"embedding.weight.scale", "F32", "[3]", {}};
  for (int i = 0; i < 3; ++i) put_f32(scale.bytes, 1.0f);
  RawTensor f32_emb{"embedding.weight", "F32", "[3, 2]", {}};
  for (int i = 0; i < 6; ++i) put_f32(f32_emb.bytes, 0.0f);
  RawTensor short_scale{"embedding.weight.scale", "F32", "[2]", {}};
  for (int i = 0; i < 2; ++i) put_f32(short_scale.bytes, 1.0f);
  RawTensor negative{"embedding.weight.scale", "F32", "[3]", {}};
  for (float x : {1.0f, -1.0f, 1.0f}) put_f32(negative.bytes, x);
  RawTensor i8_scale{"embedding.weight.scale", "I8", "[3]", {1, 1, 1}};
  const std::vector<std::pair<std::vector<uint8_t>, std::string>> cases = {
      {gru_file(emb, nullptr), "tensor embedding.weight is I8 but the file has no embedding.weight.scale"},
      {gru_file(f32_emb, &scale), "tensor embedding.weight.scale scales a tensor that is not I8"},
      {gru_file(emb, &short_scale), "tensor embedding.weight.scale has shape [2], expected [3]"},
      {gru_file(emb, &negative), "tensor embedding.weight.scale element 1 is -1"},
      {gru_file(emb, &i8_scale), "tensor embedding.weight.scale has dtype I8: only a matrix may be I8"},
  };
  for (const auto& [file, want] : cases) {
    auto m = load_safetensors(file.data(), file.size());
    ASSERT_FALSE(m.is_ok()) << want;
    EXPECT_NE(m.status().message().find(want), std::string::npos) << m.status().message();
  }
  // A bias is a vector: it has no row scales.
  RawTensor bias_scale{"head.bias.scale", "F32", "[3]", {}};
  for (int i = 0; i < 3; ++i) put_f32(bias_scale.bytes, 1.0f);
  std::vector<uint8_t> file = gru_file(f32_emb, &bias_scale);
  auto m = load_safetensors(file.data(), file.size());
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("unexpected tensor head.bias.scale: only a matrix has row scales"), std::string::npos)
      << m.status().message();
}

TEST(Serialize, ModelFileRoundTripViaTempPath) {
  const std::string path = testing::unique_temp_path("recur_serialize_test.safetensors");
  std::remove(path.c_str());
  const Model<float> m = make_model(Task::kClassifier, CellKind::kGru);
  ASSERT_TRUE(save_model_file(m, path).is_ok());
  auto loaded = load_model_file(path);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  expect_same_model(loaded.value(), m);
  // The temporary file was renamed away, and saving over an existing file replaces it.
  std::FILE* tmp = std::fopen((path + ".tmp").c_str(), "rb");
  EXPECT_EQ(tmp, nullptr);
  if (tmp) std::fclose(tmp);
  const Model<float> other = make_model(Task::kLm, CellKind::kLstm);
  ASSERT_TRUE(save_model_file(other, path).is_ok());
  auto reloaded = load_model_file(path);
  ASSERT_TRUE(reloaded.is_ok()) << reloaded.status().message();
  expect_same_model(reloaded.value(), other);
  std::remove(path.c_str());
}

TEST(Serialize, SaveToUnwritablePathIsAnIoError) {
  const Model<float> m = make_model(Task::kLm, CellKind::kRnnTanh);
  const Status s = save_model_file(m, "/nonexistent-dir/recur/model.safetensors");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_NE(s.message().find("/nonexistent-dir/recur/model.safetensors.tmp"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace recur
