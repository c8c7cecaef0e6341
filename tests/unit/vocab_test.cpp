// Vocab: build order, <unk> handling, encode/decode round trips (Chinese and English), error
// messages for unknown characters, and from_symbols validation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/utf8.h"
#include "text/vocab.h"

namespace recur {
namespace {

const char* kChinese = "快过圣诞节了,好想要一个苹果";

TEST(Vocab, BuildSortsByCodePoint) {
  const Vocab v = Vocab::build("banana!", false);
  EXPECT_EQ(v.symbols(), (std::vector<std::string>{"!", "a", "b", "n"}));
  EXPECT_EQ(v.unk_id(), -1);
  EXPECT_EQ(v.size(), 4);
  EXPECT_EQ(v.id_of('a'), 1);
  EXPECT_EQ(v.id_of('z'), -1);
}

TEST(Vocab, BuildSortsAcrossFlatAndHashedRanges) {
  // U+00E9 sits in the flat table, the CJK and the emoji in the hashed part: the order must still
  // be by code point value, not by first occurrence or hash order.
  const Vocab v = Vocab::build("果苹é🍎a果", true);
  EXPECT_EQ(v.symbols(), (std::vector<std::string>{"<unk>", "a", "é", "果", "苹", "🍎"}));
  EXPECT_EQ(v.unk_id(), 0);
  EXPECT_EQ(v.id_of(0x679C), 3);
  EXPECT_EQ(v.id_of(0x82F9), 4);
  EXPECT_EQ(v.id_of(0x1F34E), 5);
  EXPECT_EQ(v.id_of(0x3000), -1);
  EXPECT_EQ(v.id_of(0x2FFF), -1);
}

TEST(Vocab, BuildWithAndWithoutUnk) {
  const Vocab a = Vocab::build("ab", false), b = Vocab::build("ab", true);
  EXPECT_EQ(a.size(), 2);
  EXPECT_EQ(b.size(), 3);
  EXPECT_EQ(b.symbols()[0], "<unk>");
  EXPECT_EQ(b.id_of('a'), 1);
  EXPECT_EQ(Vocab::build("", true).size(), 1);
}

TEST(Vocab, ChineseRoundTrip) {
  const Vocab v = Vocab::build(kChinese, false);
  EXPECT_EQ(v.size(), 14);  // 果 appears once; ',' is ASCII; all 14 characters are distinct
  auto ids = v.encode(kChinese);
  ASSERT_TRUE(ids.is_ok()) << ids.status().message();
  EXPECT_EQ(ids->size(), 14u);
  EXPECT_EQ(v.decode(*ids), kChinese);
  EXPECT_EQ(v.symbols()[0], ",");  // U+002C sorts first
}

TEST(Vocab, EnglishRoundTrip) {
  const std::string text = "The quick brown fox jumps over the lazy dog.\n";
  const Vocab v = Vocab::build(text, true);
  auto ids = v.encode(text);
  ASSERT_TRUE(ids.is_ok()) << ids.status().message();
  EXPECT_EQ(ids->size(), text.size());
  EXPECT_EQ(v.decode(*ids), text);
  auto again = v.encode("the dog");
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(v.decode(*again), "the dog");
}

TEST(Vocab, UnknownCharacterMapsToUnk) {
  const Vocab v = Vocab::build("abc", true);
  auto ids = v.encode("aéb");
  ASSERT_TRUE(ids.is_ok()) << ids.status().message();
  EXPECT_EQ(*ids, (std::vector<int32_t>{1, 0, 2}));
  EXPECT_EQ(v.decode(*ids), "a\xEF\xBF\xBD" "b");  // <unk> prints as U+FFFD
  EXPECT_EQ(v.symbol_text(0), "\xEF\xBF\xBD");
  EXPECT_EQ(v.symbol_text(3), "c");
}

TEST(Vocab, UnknownCharacterWithoutUnkIsAnError) {
  const Vocab v = Vocab::build("苹果 The apple is red", false);
  auto ids = v.encode("The apple is é");
  ASSERT_FALSE(ids.is_ok());
  EXPECT_EQ(ids.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ids.status().message(), "character 'é' (U+00E9) at position 13 is not in the model's vocabulary");
  // The position counts code points, not bytes: 'é' is at byte 17 here but character 13.
  ids = v.encode("苹果 The apple é");
  ASSERT_FALSE(ids.is_ok());
  EXPECT_EQ(ids.status().message(), "character 'é' (U+00E9) at position 13 is not in the model's vocabulary");
  ids = v.encode("apple 🍎");
  ASSERT_FALSE(ids.is_ok());
  EXPECT_EQ(ids.status().message(), "character '🍎' (U+1F34E) at position 6 is not in the model's vocabulary");
}

TEST(Vocab, UnknownControlCharacterIsEscaped) {
  const Vocab v = Vocab::build("ab", false);
  auto ids = v.encode("a\nb");
  ASSERT_FALSE(ids.is_ok());
  EXPECT_EQ(ids.status().message(), "character '\\n' (U+000A) at position 1 is not in the model's vocabulary");
}

TEST(Vocab, EncodeRejectsInvalidUtf8) {
  const Vocab v = Vocab::build("abc", true);
  auto ids = v.encode("ab\xC3");
  ASSERT_FALSE(ids.is_ok());
  EXPECT_EQ(ids.status().code(), ErrorCode::kBadFormat);
  EXPECT_NE(ids.status().message().find("at byte 2: 0xC3"), std::string::npos);
}

TEST(Vocab, EncodeEmptyText) {
  auto ids = Vocab::build("abc", false).encode("");
  ASSERT_TRUE(ids.is_ok());
  EXPECT_TRUE(ids->empty());
}

TEST(Vocab, BuildCheckedRejectsBadUtf8AndEmpty) {
  auto v = Vocab::build_checked("ok\xED\xA0\x80", false);
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("at byte 2"), std::string::npos) << v.status().message();
  EXPECT_FALSE(Vocab::build_checked("", false).is_ok());
  EXPECT_TRUE(Vocab::build_checked("", true).is_ok());
  auto ok = Vocab::build_checked(kChinese, true);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok->size(), 15);
}

TEST(Vocab, FromSymbolsRoundTripsBuild) {
  const Vocab built = Vocab::build(kChinese, true);
  auto v = Vocab::from_symbols(built.symbols());
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(v->symbols(), built.symbols());
  EXPECT_EQ(v->unk_id(), 0);
  EXPECT_EQ(v->encode(kChinese)->size(), 14u);
  for (int id = 1; id < built.size(); ++id) {
    const char32_t cp = utf8_decode(built.symbols()[id]).value()[0];
    EXPECT_EQ(v->id_of(cp), id);
  }
}

TEST(Vocab, FromSymbolsAcceptsUnkAnywhere) {
  auto v = Vocab::from_symbols({"b", "a", "<unk>"});
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(v->unk_id(), 2);
  EXPECT_EQ(v->id_of('b'), 0);
  EXPECT_EQ(v->encode("abz").value(), (std::vector<int32_t>{1, 0, 2}));
}

TEST(Vocab, FromSymbolsRejectsEmptyList) {
  auto v = Vocab::from_symbols({});
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("empty"), std::string::npos);
}

TEST(Vocab, FromSymbolsRejectsDuplicates) {
  auto v = Vocab::from_symbols({"a", "苹", "b", "苹"});
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.status().message(), "vocabulary symbol 3 '苹' (U+82F9) duplicates symbol 1");
  v = Vocab::from_symbols({"<unk>", "a", "<unk>"});
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("symbol 2"), std::string::npos) << v.status().message();
}

TEST(Vocab, FromSymbolsRejectsEmptySymbol) {
  auto v = Vocab::from_symbols({"a", ""});
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("symbol 1 is empty"), std::string::npos) << v.status().message();
}

TEST(Vocab, FromSymbolsRejectsMultiCodePointSymbols) {
  auto v = Vocab::from_symbols({"a", "ab"});
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("symbol 1 \"ab\" has 2 characters"), std::string::npos)
      << v.status().message();
  v = Vocab::from_symbols({"苹果"});
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("symbol 0"), std::string::npos);
  v = Vocab::from_symbols({"a", "<pad>"});  // only <unk> is special
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("only special token"), std::string::npos) << v.status().message();
  v = Vocab::from_symbols({"e\xCC\x81"});  // e + combining acute: two code points
  ASSERT_FALSE(v.is_ok());
}

TEST(Vocab, FromSymbolsRejectsInvalidUtf8) {
  auto v = Vocab::from_symbols({"a", "b", "\xC3"});
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kBadFormat);
  EXPECT_NE(v.status().message().find("symbol 2"), std::string::npos) << v.status().message();
}

TEST(Vocab, OutOfRangeIdsDecodeAsReplacement) {
  const Vocab v = Vocab::build("ab", false);
  EXPECT_EQ(v.decode({0, -1, 7, 1}), "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
}

}  // namespace
}  // namespace recur
