// UTF-8 decode/encode: round trips across all four sequence lengths, and every class of invalid
// input rejected with the byte offset and the byte in the message.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "text/utf8.h"

namespace recur {
namespace {

// Decodes s, expecting failure, and returns the message ("" if it unexpectedly succeeded).
std::string decode_error(const std::string& s) {
  auto r = utf8_decode(s);
  if (r.is_ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kBadFormat);
  return r.status().message();
}

TEST(Utf8, AsciiRoundTrip) {
  const std::string s = "Hello, world!\n\t~";
  auto r = utf8_decode(s);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->size(), s.size());
  for (size_t i = 0; i < s.size(); ++i) EXPECT_EQ((*r)[i], char32_t(s[i]));
  EXPECT_EQ(utf8_encode(*r), s);
}

TEST(Utf8, ChineseRoundTrip) {
  const std::string s = "苹果";
  auto r = utf8_decode(s);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(*r, (std::vector<char32_t>{0x82F9, 0x679C}));
  EXPECT_EQ(utf8_encode(*r), s);
  EXPECT_EQ(s.size(), 6u);
}

TEST(Utf8, LengthCountsCodePointsNotBytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"), 4u);  // a, é, 中, 😀: 1 + 2 + 3 + 4 bytes
  EXPECT_EQ(utf8_length("苹果"), 2u);
}

TEST(Utf8, EveryLengthRoundTrips) {
  // Both ends of each length class, plus an emoji (4 bytes).
  const std::vector<char32_t> cps = {0x0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD,
                                     0xFFFF, 0x10000, 0x1F34E, 0x10FFFF};
  const std::string s = utf8_encode(cps);
  EXPECT_EQ(s.size(), 2 * 1 + 2 * 2 + 5 * 3 + 3 * 4u);
  auto r = utf8_decode(s);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(*r, cps);
  EXPECT_EQ(utf8_encode({0x1F34E}), "\xF0\x9F\x8D\x8E");  // 🍎
}

TEST(Utf8, EmptyInput) {
  auto r = utf8_decode("");
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->empty());
}

TEST(Utf8, AppendReplacesUnencodable) {
  std::string out;
  utf8_append(out, 0xD800);
  utf8_append(out, 0x110000);
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8, TruncatedAtEndNamesOffsetAndByte) {
  EXPECT_EQ(decode_error("abcdefg\xC3"),
            "invalid UTF-8 at byte 7: 0xC3 starts a 2-byte sequence but the input ends");
  EXPECT_NE(decode_error("\xE8\x8B").find("at byte 0: 0xE8 starts a 3-byte sequence but the input ends"),
            std::string::npos);
  EXPECT_NE(decode_error("x\xF0\x9F\x8D").find("at byte 1: 0xF0 starts a 4-byte sequence"), std::string::npos);
}

TEST(Utf8, TruncatedByNonContinuation) {
  const std::string m = decode_error("ab\xE8\x8B" "A");
  EXPECT_NE(m.find("at byte 2: 0xE8 starts a 3-byte sequence but byte 4 is 0x41"), std::string::npos) << m;
}

TEST(Utf8, StrayContinuationByte) {
  const std::string m = decode_error("ok\x80");
  EXPECT_NE(m.find("at byte 2: 0x80"), std::string::npos) << m;
  EXPECT_NE(m.find("continuation byte"), std::string::npos) << m;
  EXPECT_NE(decode_error("\xBF").find("at byte 0: 0xBF"), std::string::npos);
}

TEST(Utf8, NeverValidLeadBytes) {
  for (int b : {0xC0, 0xC1, 0xF5, 0xF8, 0xFE, 0xFF}) {
    const std::string s = std::string("xyz") + char(b) + "\x80\x80\x80";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", b);
    const std::string m = decode_error(s);
    EXPECT_NE(m.find(std::string("at byte 3: ") + hex), std::string::npos) << m;
  }
}

TEST(Utf8, OverlongForms) {
  // '/' as 2, 3 and 4 bytes, and the smallest overlong 3- and 4-byte forms.
  EXPECT_NE(decode_error("\xC0\xAF").find("at byte 0: 0xC0"), std::string::npos);
  std::string m = decode_error("a\xE0\x80\xAF");
  EXPECT_NE(m.find("at byte 1: 0xE0 0x80 0xAF is an overlong encoding of U+002F"), std::string::npos) << m;
  m = decode_error("ab\xF0\x80\x80\xAF");
  EXPECT_NE(m.find("at byte 2: 0xF0 0x80 0x80 0xAF is an overlong encoding of U+002F"), std::string::npos) << m;
  m = decode_error("\xE0\x9F\xBF");  // U+07FF in 3 bytes
  EXPECT_NE(m.find("overlong encoding of U+07FF"), std::string::npos) << m;
  m = decode_error("\xF0\x8F\xBF\xBF");  // U+FFFF in 4 bytes
  EXPECT_NE(m.find("overlong encoding of U+FFFF"), std::string::npos) << m;
}

TEST(Utf8, Surrogates) {
  std::string m = decode_error("abc\xED\xA0\x80");
  EXPECT_NE(m.find("at byte 3: 0xED 0xA0 0x80 encodes U+D800"), std::string::npos) << m;
  EXPECT_NE(m.find("surrogate"), std::string::npos) << m;
  m = decode_error("\xED\xBF\xBF");
  EXPECT_NE(m.find("U+DFFF"), std::string::npos) << m;
  EXPECT_TRUE(utf8_decode("\xED\x9F\xBF").is_ok());  // U+D7FF, just below
}

TEST(Utf8, AboveMaximum) {
  const std::string m = decode_error("\xF4\x90\x80\x80");
  EXPECT_NE(m.find("at byte 0: 0xF4 0x90 0x80 0x80 encodes U+110000, above the Unicode maximum U+10FFFF"),
            std::string::npos)
      << m;
  EXPECT_TRUE(utf8_decode("\xF4\x8F\xBF\xBF").is_ok());  // U+10FFFF itself
}

TEST(Utf8, ReportsFirstErrorOnly) {
  const std::string m = decode_error("\xE6\x9E\x9C\x80\xFF");
  EXPECT_NE(m.find("at byte 3: 0x80"), std::string::npos) << m;
}

TEST(Utf8, NextAdvancesOnlyOnSuccess) {
  const std::string s = "\xC3\xA9\xC3";
  size_t pos = 0;
  char32_t cp = 0;
  ASSERT_TRUE(utf8_next(s, pos, cp));
  EXPECT_EQ(cp, 0xE9u);
  EXPECT_EQ(pos, 2u);
  std::string why;
  EXPECT_FALSE(utf8_next(s, pos, cp, &why));
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(cp, 0xE9u);
  EXPECT_NE(why.find("at byte 2"), std::string::npos);
}

TEST(Utf8, CodePointName) {
  EXPECT_EQ(code_point_name(0xE9), "U+00E9");
  EXPECT_EQ(code_point_name(0x1F34E), "U+1F34E");
}

}  // namespace
}  // namespace recur
