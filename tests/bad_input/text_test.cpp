// Bad input at the text and sampling boundary: a catalogue of invalid UTF-8 (one case per class,
// through utf8_decode, Vocab::encode and Vocab::build_checked) and invalid sampling options.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "sampling/sampler.h"
#include "text/utf8.h"
#include "text/vocab.h"

namespace recur {
namespace {

struct BadUtf8 {
  const char* name;
  std::string bytes;
  const char* expect;  // must appear in the message
};

const std::vector<BadUtf8> kCatalogue = {
    {"truncated 2-byte at end", "abc\xC3", "at byte 3: 0xC3 starts a 2-byte sequence but the input ends"},
    {"truncated 3-byte at end", "\xE8\x8B", "at byte 0: 0xE8 starts a 3-byte sequence but the input ends"},
    {"truncated 4-byte at end", "a\xF0\x9F\x8D", "at byte 1: 0xF0 starts a 4-byte sequence but the input ends"},
    {"truncated by ASCII", "\xC3" "A", "at byte 0: 0xC3 starts a 2-byte sequence but byte 1 is 0x41"},
    {"stray continuation", "ab\x80", "at byte 2: 0x80 is a continuation byte"},
    {"lead 0xC0", "\xC0\x80", "at byte 0: 0xC0 never appears in UTF-8"},
    {"lead 0xC1", "x\xC1\xBF", "at byte 1: 0xC1 never appears in UTF-8"},
    {"lead 0xF5", "\xF5\x80\x80\x80", "at byte 0: 0xF5 never appears in UTF-8"},
    {"lead 0xFF", "12\xFF", "at byte 2: 0xFF never appears in UTF-8"},
    {"overlong 3-byte", "\xE0\x80\xAF", "at byte 0: 0xE0 0x80 0xAF is an overlong encoding of U+002F"},
    {"overlong 4-byte", "\xF0\x80\x80\xAF", "at byte 0: 0xF0 0x80 0x80 0xAF is an overlong encoding"},
    {"surrogate high", "\xED\xA0\x80", "at byte 0: 0xED 0xA0 0x80 encodes U+D800"},
    {"surrogate low", "..\xED\xBF\xBF", "at byte 2: 0xED 0xBF 0xBF encodes U+DFFF"},
    {"above U+10FFFF", "\xF4\x90\x80\x80", "encodes U+110000, above the Unicode maximum U+10FFFF"},
};

TEST(TextBadInput, Utf8CatalogueRejectedByDecode) {
  for (const auto& c : kCatalogue) {
    auto r = utf8_decode(c.bytes);
    ASSERT_FALSE(r.is_ok()) << c.name;
    EXPECT_EQ(r.status().code(), ErrorCode::kBadFormat) << c.name;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << c.name << ": got \"" << r.status().message() << "\"";
  }
}

TEST(TextBadInput, Utf8CatalogueRejectedByEncode) {
  const Vocab v = Vocab::build("abc.12x", true);  // <unk> must not swallow bad bytes
  for (const auto& c : kCatalogue) {
    auto r = v.encode(c.bytes);
    ASSERT_FALSE(r.is_ok()) << c.name;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << c.name << ": got \"" << r.status().message() << "\"";
  }
}

TEST(TextBadInput, Utf8CatalogueRejectedByBuildChecked) {
  for (const auto& c : kCatalogue) {
    auto r = Vocab::build_checked(c.bytes, true);
    ASSERT_FALSE(r.is_ok()) << c.name;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << c.name;
  }
}

TEST(TextBadInput, BuildSkipsBadBytesWithoutCrashing) {
  // build() documents valid input as a precondition; broken input must still not crash or hang.
  for (const auto& c : kCatalogue) {
    const Vocab v = Vocab::build(c.bytes, false);
    for (const auto& s : v.symbols()) EXPECT_TRUE(utf8_decode(s).is_ok()) << c.name;
  }
}

TEST(TextBadInput, SymbolListRejected) {
  EXPECT_FALSE(Vocab::from_symbols({}).is_ok());
  EXPECT_FALSE(Vocab::from_symbols({"a", "a"}).is_ok());
  EXPECT_FALSE(Vocab::from_symbols({"a", ""}).is_ok());
  EXPECT_FALSE(Vocab::from_symbols({"ab"}).is_ok());
  EXPECT_FALSE(Vocab::from_symbols({"<UNK>"}).is_ok());
  EXPECT_FALSE(Vocab::from_symbols({"\xED\xA0\x80"}).is_ok());
}

std::string option_error(float t, int k, float p) {
  SampleOptions o;
  o.temperature = t;
  o.top_k = k;
  o.top_p = p;
  const Status s = validate(o);
  if (s.is_ok()) return "";
  EXPECT_EQ(s.code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(s.message().rfind(std::string(s.option()) + " ", 0), 0u) << "bad_option: the message starts with the key";
  return s.message();
}

constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(TextBadInput, DefaultOptionsAreValid) {
  EXPECT_EQ(option_error(1.0f, 0, 1.0f), "");
  EXPECT_EQ(option_error(0.0f, 40, 0.9f), "");
  EXPECT_EQ(option_error(1e-30f, 1, 1e-6f), "");
}

TEST(TextBadInput, TemperatureRejected) {
  EXPECT_EQ(option_error(std::nanf(""), 0, 1.0f), "temperature must be a finite number >= 0, got nan");
  EXPECT_EQ(option_error(-std::nanf(""), 0, 1.0f), "temperature must be a finite number >= 0, got nan");
  EXPECT_EQ(option_error(kInf, 0, 1.0f), "temperature must be a finite number >= 0, got inf");
  EXPECT_EQ(option_error(-kInf, 0, 1.0f), "temperature must be a finite number >= 0, got -inf");
  EXPECT_EQ(option_error(-0.5f, 0, 1.0f), "temperature must be a finite number >= 0, got -0.5");
}

TEST(TextBadInput, TopKRejected) {
  EXPECT_EQ(option_error(1.0f, -1, 1.0f), "top_k must be >= 0 (0 turns it off), got -1");
}

TEST(TextBadInput, TopPRejected) {
  EXPECT_EQ(option_error(1.0f, 0, 0.0f), "top_p must be in (0, 1] (1 turns it off), got 0");
  EXPECT_EQ(option_error(1.0f, 0, 1.5f), "top_p must be in (0, 1] (1 turns it off), got 1.5");
  EXPECT_EQ(option_error(1.0f, 0, std::nanf("")), "top_p must be in (0, 1] (1 turns it off), got nan");
  EXPECT_EQ(option_error(1.0f, 0, -0.1f).substr(0, 30), "top_p must be in (0, 1] (1 tur");
  EXPECT_NE(option_error(1.0f, 0, kInf), "");
}

TEST(TextBadInput, BadLogitsAreErrorsNotCrashes) {
  Sampler s{SampleOptions{}};
  const std::vector<float> nan = {1.0f, std::nanf("")};
  const std::vector<float> neg = {-kInf, -kInf, -kInf};
  EXPECT_FALSE(s.sample(nan.data(), 2).is_ok());
  EXPECT_FALSE(s.sample(neg.data(), 3).is_ok());
  EXPECT_FALSE(s.sample(neg.data(), -1).is_ok());
}

}  // namespace
}  // namespace recur
