// Corrupt model files: each one is refused with a message naming what was wrong. Also every
// truncation of a valid file, and every single-byte change of its header, must fail cleanly.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "model/serialize.h"
#include "support/temp_path.h"

namespace recur {
namespace {

// lm, gru, V=3, E=2, H=2, one layer: G*H = 6. Data bytes (F32): embedding.weight [0, 24),
// rnn.weight_ih_l0 [24, 72), rnn.weight_hh_l0 [72, 120), rnn.bias_ih_l0 [120, 144),
// rnn.bias_hh_l0 [144, 168), head.weight [168, 192), head.bias [192, 204).
constexpr size_t kDataBytes = 204;

Model<float> base_model() {
  Config c;
  c.task = Task::kLm;
  c.cell = CellKind::kGru;
  c.vocab_size = 3;
  c.embedding_dim = 2;
  c.hidden_size = 2;
  c.num_layers = 1;
  auto m = create_model(c, {"a", "b", "c"}, {}, 1);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  return std::move(m).value();
}

std::vector<uint8_t> base_file() { return save_safetensors(base_model()); }

uint64_t header_length(const std::vector<uint8_t>& f) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | f[i];
  return n;
}

std::string header_of(const std::vector<uint8_t>& f) {
  return std::string(reinterpret_cast<const char*>(f.data()) + 8, header_length(f));
}

// A file with the given header text (its length field rewritten) and the given data bytes.
std::vector<uint8_t> with_header(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> f;
  for (int i = 0; i < 8; ++i) f.push_back(uint8_t(uint64_t(header.size()) >> (8 * i)));
  f.insert(f.end(), header.begin(), header.end());
  f.insert(f.end(), data.begin(), data.end());
  return f;
}

std::vector<uint8_t> data_of(const std::vector<uint8_t>& f) {
  return std::vector<uint8_t>(f.begin() + 8 + header_length(f), f.end());
}

// The base file with one substring of its header replaced.
std::vector<uint8_t> edit_header(const std::string& from, const std::string& to) {
  const std::vector<uint8_t> f = base_file();
  std::string h = header_of(f);
  const size_t at = h.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "header has no \"" << from << "\":\n" << h;
    return f;
  }
  h.replace(at, from.size(), to);
  return with_header(h, data_of(f));
}

// The base file with data bytes [at, at + 4) set to a float's bits.
std::vector<uint8_t> with_float(size_t at, uint32_t bits) {
  std::vector<uint8_t> f = base_file();
  const size_t start = 8 + header_length(f) + at;
  for (int i = 0; i < 4; ++i) f[start + i] = uint8_t(bits >> (8 * i));
  return f;
}

void expect_rejected(const std::vector<uint8_t>& f, const std::string& want) {
  auto m = load_safetensors(f.data(), f.size());
  ASSERT_FALSE(m.is_ok()) << "accepted; wanted an error containing: " << want;
  EXPECT_EQ(m.status().code(), ErrorCode::kBadFormat);
  EXPECT_NE(m.status().message().find(want), std::string::npos)
      << "message: " << m.status().message() << "\nwanted: " << want;
}

TEST(ModelFile, BaseFileLoadsAndHasTheExpectedHeader) {
  const std::vector<uint8_t> f = base_file();
  auto m = load_safetensors(f.data(), f.size());
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_EQ(data_of(f).size(), kDataBytes);
  const std::string h = header_of(f);
  EXPECT_NE(h.find(R"("head.bias":{"dtype":"F32","shape":[3],"data_offsets":[192,204]})"), std::string::npos) << h;
  EXPECT_NE(h.find(R"("head.weight":{"dtype":"F32","shape":[3,2],"data_offsets":[168,192]})"), std::string::npos) << h;
  // A mutation that changes nothing must still load: the helpers themselves are sound.
  auto same = edit_header("\"format\":\"recur\"", "\"format\":\"recur\"");
  EXPECT_TRUE(load_safetensors(same.data(), same.size()).is_ok());
}

TEST(ModelFile, RejectsFilesTooShortForAHeader) {
  auto empty = load_safetensors(nullptr, 0);
  ASSERT_FALSE(empty.is_ok());
  EXPECT_NE(empty.status().message().find("model file too short: 0 bytes"), std::string::npos);
  expect_rejected({1, 2, 3, 4, 5}, "model file too short: 5 bytes, expected at least 8");
}

TEST(ModelFile, RejectsBadHeaderLengths) {
  std::vector<uint8_t> huge(64, ' ');
  for (int i = 0; i < 8; ++i) huge[i] = 0xFF;
  expect_rejected(huge, "header length 18446744073709551615 is over the limit of 100000000");
  std::vector<uint8_t> zero(16, 0);
  expect_rejected(zero, "header length is 0");
  std::vector<uint8_t> f = base_file();
  f.resize(50);
  expect_rejected(f, "model file truncated: header length says");
  std::vector<uint8_t> past = {33, 0, 0, 0, 0, 0, 0, 0};  // 33 header bytes, 32 present
  past.resize(40, ' ');
  expect_rejected(past, "says 33 header bytes, file has 32");
}

TEST(ModelFile, RejectsHeadersThatAreNotAJsonObject) {
  expect_rejected(with_header("{\"a\":", {}), "header is not valid JSON: JSON: expected a value at byte 5");
  expect_rejected(with_header("[]      ", {}), "header must be a JSON object");
  expect_rejected(with_header(std::string("{}\0\0\0\0\0\0", 8), {}), "not valid JSON");
}

TEST(ModelFile, RejectsBadMetadata) {
  expect_rejected(edit_header("\"__metadata__\"", "\"__metadata_x\""), "no __metadata__");
  expect_rejected(edit_header("\"__metadata__\":{", "\"__metadata__\":7,\"x\":{"), "__metadata__ must be an object");
  expect_rejected(edit_header("\"version\":\"1\"", "\"version\":1"), "__metadata__ \"version\" is not a string");
  expect_rejected(edit_header("\"format\":\"recur\"", "\"format\":\"gguf\""), "format is \"gguf\": expected \"recur\"");
  expect_rejected(edit_header("\"format\":\"recur\",", ""), "format is missing");
  expect_rejected(edit_header("\"version\":\"1\"", "\"version\":\"2\""), "version is \"2\": expected \"1\"");
}

TEST(ModelFile, RejectsBadConfigs) {
  expect_rejected(edit_header(R"(\"hidden_size\":2,)", ""), "config is missing key \"hidden_size\"");
  expect_rejected(edit_header(R"(\"task\":\"lm\")", R"(\"task\":\"lm\",\"colour\":1)"),
                  "config has unknown key \"colour\"");
  expect_rejected(edit_header(R"(\"hidden_size\":2)", R"(\"hidden_size\":-2)"), "hidden_size must be a whole number in 1..16384, got -2");
  expect_rejected(edit_header(R"(\"hidden_size\":2)", R"(\"hidden_size\":2.5)"), "hidden_size must be a whole number, got 2.5");
  expect_rejected(edit_header(R"(\"bidirectional\":false)", R"(\"bidirectional\":0)"),
                  "\"bidirectional\" has the wrong type");
  expect_rejected(edit_header(R"(\"cell\":\"gru\")", R"(\"cell\":\"mamba\")"), "unknown cell \"mamba\"");
  expect_rejected(edit_header(R"(\"cell\":\"gru\")", R"(\"cell\":\"transformer\")"), "missing key \"num_heads\"");
  expect_rejected(edit_header(R"("config":"{)", R"("config":"{{)"), "config is not valid JSON");
}

TEST(ModelFile, RejectsBadSymbolTables) {
  const std::string vocab = R"("vocab":"[\"a\",\"b\",\"c\"]")";
  expect_rejected(edit_header(vocab, R"("vocab":"{}")"), "\"vocab\" must be a JSON array of at most 2097152 strings");
  expect_rejected(edit_header(vocab, R"("vocab":"[\"a\",1,\"c\"]")"), "expected a string (item 1 of an array of strings)");
  expect_rejected(edit_header(vocab, R"("vocab":"[\"a\",\"b\"]")"), "vocabulary has 2 symbols but config vocab_size is 3");
  expect_rejected(edit_header(vocab, R"("vocab":"[\"a\",\"a\",\"c\"]")"), "symbol 1 'a' (U+0061) duplicates symbol 0");
  expect_rejected(edit_header(vocab, R"("vocab":"[\"a\",\"\",\"c\"]")"), "vocabulary symbol 1 is empty");
  // What the encoder cannot use is refused on load, not later by the commands that encode text.
  expect_rejected(edit_header(vocab, R"("vocab":"[\"a\",\"bc\",\"c\"]")"), "has 2 characters: expected exactly one");
  expect_rejected(edit_header(vocab, R"("vocab":"[\"a\",\"<pad>\",\"c\"]")"), "the only special token recognised is");
  expect_rejected(edit_header(vocab + ",", ""), "no vocab");
  expect_rejected(edit_header(R"("labels":"[]")", R"("labels":"[\"x\"]")"), "1 labels but config expects 0");
}

TEST(ModelFile, RejectsMissingAndUnexpectedTensors) {
  expect_rejected(edit_header(R"(,"head.bias":{"dtype":"F32","shape":[3],"data_offsets":[192,204]})", ""),
                  "missing tensor head.bias (shape [3])");
  expect_rejected(edit_header("\"rnn.bias_hh_l0\"", "\"rnn.bias_hh_l1\""),
                  "unexpected tensor rnn.bias_hh_l1: the config (gru, 1 layer, task lm) has no tensor");
  expect_rejected(edit_header("\"rnn.bias_hh_l0\"", "\"rnn.bias_hh_l0_reverse\""), "unexpected tensor rnn.bias_hh_l0_reverse");
}

TEST(ModelFile, RejectsBadTensorEntries) {
  const std::string bias = R"("head.bias":{"dtype":"F32","shape":[3],"data_offsets":[192,204]})";
  auto bias_as = [&](const std::string& to) { return edit_header(bias, to); };
  expect_rejected(bias_as(R"("head.bias":[1])"), "tensor head.bias: entry must be an object");
  expect_rejected(bias_as(R"("head.bias":{"dtype":"I64","shape":[3],"data_offsets":[192,204]})"),
                  "tensor head.bias has dtype \"I64\": expected F32, F16, BF16 or I8");
  expect_rejected(bias_as(R"("head.bias":{"shape":[3],"data_offsets":[192,204]})"), "dtype missing");
  expect_rejected(bias_as(R"("head.bias":{"dtype":"F32","shape":[3],"data_offsets":[192,204],"x":1})"),
                  "unknown key \"x\"");
  expect_rejected(edit_header(R"("shape":[3,2],"data_offsets":[168,192])", R"("shape":[3,3],"data_offsets":[168,192])"),
                  "tensor head.weight has shape [3, 3], expected [3, 2]");
  expect_rejected(bias_as(R"("head.bias":{"dtype":"F32","shape":[1,3],"data_offsets":[192,204]})"),
                  "has shape [1, 3], expected [3]");
  expect_rejected(bias_as(R"("head.bias":{"dtype":"F32","shape":[-3],"data_offsets":[192,204]})"),
                  "expected an array of non-negative integers");
  expect_rejected(bias_as(R"("head.bias":{"dtype":"F32","shape":3,"data_offsets":[192,204]})"), "shape missing or not an array");
  expect_rejected(bias_as(R"("head.bias":{"dtype":"F32","shape":[3],"data_offsets":[192.5,204]})"),
                  "expected [begin, end], two non-negative integers");
  expect_rejected(bias_as(R"("head.bias":{"dtype":"F32","shape":[3],"data_offsets":[192]})"), "two non-negative integers");
  expect_rejected(bias_as(R"("head.bias":{"dtype":"F32","shape":[3],"data_offsets":[-12,0]})"), "two non-negative integers");
}

TEST(ModelFile, RejectsBadDataOffsets) {
  const std::string offsets = R"("shape":[3],"data_offsets":[192,204])";
  auto offsets_as = [&](const std::string& o) { return edit_header(offsets, R"("shape":[3],"data_offsets":)" + o); };
  // Out of range: past the end of the data.
  expect_rejected(offsets_as("[204,216]"), "header says 216 data bytes, file has 204 (tensor head.bias data_offsets [204, 216] run past the data)");
  expect_rejected(offsets_as("[9007199254740980,9007199254740992]"), "run past the data");
  expect_rejected(offsets_as("[188,200]"), "tensors head.weight [168, 192] and head.bias [188, 200] overlap");
  expect_rejected(offsets_as("[204,192]"), "data_offsets [204, 192]: expected begin <= end");
  expect_rejected(offsets_as("[192,200]"), "(8 bytes): expected 12 bytes for 3 F32 elements");
  // Same size as F32 claims, but F16 elements are 2 bytes.
  expect_rejected(edit_header(R"("head.bias":{"dtype":"F32")", R"("head.bias":{"dtype":"F16")"),
                  "expected 6 bytes for 3 F16 elements");
  // Two tensors at the same place.
  expect_rejected(offsets_as("[0,12]"), "overlap");
}

TEST(ModelFile, RejectsDataOfTheWrongLength) {
  std::vector<uint8_t> f = base_file();
  f.resize(f.size() - 10);
  expect_rejected(f, "model file truncated: header says 204 data bytes, file has 194");
  f = base_file();
  f.insert(f.end(), {0, 0, 0, 0});
  expect_rejected(f, "model file has 208 data bytes but its tensors cover 204");
}

TEST(ModelFile, RejectsNonFiniteWeights) {
  expect_rejected(with_float(192 + 4, 0x7FC00000u), "tensor head.bias element 1 is NaN");
  expect_rejected(with_float(0, 0x7F800000u), "tensor embedding.weight element 0 is infinite");
  expect_rejected(with_float(72 + 4 * 11, 0xFF800000u), "tensor rnn.weight_hh_l0 element 11 is infinite");
  expect_rejected(with_float(24, 0xFFFFFFFFu), "tensor rnn.weight_ih_l0 element 0 is NaN");
}

TEST(ModelFile, RejectsUnreadablePaths) {
  auto m = load_model_file("/nonexistent/recur/model.safetensors");
  ASSERT_FALSE(m.is_ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kIo);
  EXPECT_NE(m.status().message().find("cannot open model file /nonexistent/recur/model.safetensors"), std::string::npos)
      << m.status().message();
  auto dir = load_model_file(::testing::TempDir());
  ASSERT_FALSE(dir.is_ok());
  EXPECT_EQ(dir.status().code(), ErrorCode::kIo);
  EXPECT_NE(dir.status().message().find("not a regular file"), std::string::npos) << dir.status().message();
}

TEST(ModelFile, ErrorsFromFilesNameThePath) {
  const std::string path = testing::unique_temp_path("recur_bad_input_truncated.safetensors");
  std::vector<uint8_t> f = base_file();
  f.resize(f.size() - 1);
  std::FILE* out = std::fopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(std::fwrite(f.data(), 1, f.size(), out), f.size());
  std::fclose(out);
  auto m = load_model_file(path);
  std::remove(path.c_str());
  ASSERT_FALSE(m.is_ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kBadFormat);
  EXPECT_NE(m.status().message().find(path + ": model file truncated"), std::string::npos) << m.status().message();
}

TEST(ModelFile, EveryTruncationFailsCleanly) {
  const std::vector<uint8_t> f = base_file();
  for (size_t len = 0; len < f.size(); ++len) {
    // A copy of exactly len bytes, so ASan catches any read past the end.
    std::vector<uint8_t> cut(f.begin(), f.begin() + len);
    auto m = load_safetensors(cut.data(), cut.size());
    ASSERT_FALSE(m.is_ok()) << "a file cut to " << len << " of " << f.size() << " bytes loaded";
    ASSERT_FALSE(m.status().message().empty()) << len;
  }
}

TEST(ModelFile, EveryHeaderByteChangeFailsOrLoads) {
  const std::vector<uint8_t> f = base_file();
  const size_t header_end = 8 + header_length(f);
  size_t rejected = 0, loaded = 0;
  for (size_t i = 0; i < header_end; ++i)
    for (uint8_t mask : {uint8_t(0xFF), uint8_t(0x01), uint8_t(0x20)}) {
      std::vector<uint8_t> g = f;
      g[i] ^= mask;
      auto m = load_safetensors(g.data(), g.size());
      if (m.is_ok()) {
        ++loaded;
        EXPECT_EQ(m->params.size(), kDataBytes / 4);
      } else {
        ++rejected;
        EXPECT_FALSE(m.status().message().empty()) << "byte " << i;
      }
    }
  // Most changes break the header; a few (e.g. case changes in a vocab symbol) are harmless.
  EXPECT_GT(rejected, loaded);
  EXPECT_GT(loaded, 0u);
}

}  // namespace
}  // namespace recur
