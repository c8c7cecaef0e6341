// util/json: round trips, unicode escapes, and one rejected document per class of RFC 8259 error.
#include "util/json.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace recur::json {
namespace {

std::string round_trip(const std::string& text) {
  auto v = parse(text);
  EXPECT_TRUE(v.is_ok()) << text << ": " << v.status().message();
  return v ? dump(v.value()) : std::string();
}

// The parse must fail with a message that contains `want`.
void expect_error(const std::string& text, const std::string& want) {
  auto v = parse(text);
  ASSERT_FALSE(v.is_ok()) << "accepted: " << text;
  EXPECT_EQ(v.status().code(), ErrorCode::kBadFormat);
  EXPECT_NE(v.status().message().find(want), std::string::npos)
      << "input: " << text << "\nmessage: " << v.status().message() << "\nwanted: " << want;
}

TEST(Json, RoundTripsCompactDocuments) {
  for (const std::string s :
       {"null", "true", "false", "0", "-7", "[]", "{}", "\"\"", "[1,2,[3,{}]]", "{\"a\":1,\"b\":[true,null],\"c\":{\"d\":\"e\"}}",
        "123456789012345", "-9007199254740992"}) {
    EXPECT_EQ(round_trip(s), s);
  }
}

TEST(Json, KeepsMemberOrderAndSkipsWhitespace) {
  auto v = parse(" {\n\t\"z\" : 1 ,\r\n \"a\" : [ 1 , 2 ] }  ");
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  ASSERT_EQ(v->members().size(), 2u);
  EXPECT_EQ(v->members()[0].first, "z");
  EXPECT_EQ(v->members()[1].first, "a");
  ASSERT_NE(v->find("a"), nullptr);
  EXPECT_EQ(v->find("a")->items().size(), 2u);
  EXPECT_EQ(v->find("missing"), nullptr);
  EXPECT_EQ(dump(v.value()), "{\"z\":1,\"a\":[1,2]}");
}

TEST(Json, Numbers) {
  EXPECT_EQ(round_trip("1.5"), "1.5");
  EXPECT_EQ(round_trip("1e3"), "1000");
  EXPECT_EQ(round_trip("-2.5E-1"), "-0.25");
  EXPECT_EQ(round_trip("0.1"), "0.10000000000000001");  // %.17g
  EXPECT_EQ(round_trip("1e300"), "1.0000000000000001e+300");
  auto v = parse("0.1");
  ASSERT_TRUE(v.is_ok());
  EXPECT_EQ(v->as_number(), 0.1);
  EXPECT_FALSE(v->is_integer());
  auto big = parse("9007199254740993");  // 2^53 + 1 rounds to 2^53: still "integer"
  ASSERT_TRUE(big.is_ok());
  EXPECT_TRUE(big->is_integer());
  auto too_big = parse("1e17");
  ASSERT_TRUE(too_big.is_ok());
  EXPECT_FALSE(too_big->is_integer());
  EXPECT_EQ(parse("42")->as_int(), 42);
  EXPECT_TRUE(parse("-0")->is_integer());
}

TEST(Json, StringEscapesAndUnicode) {
  auto v = parse(R"("a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00")");
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(v->as_string(), "a\"b\\c/d\b\f\n\r\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  // dump keeps UTF-8 as is and escapes quotes, backslashes and control characters.
  EXPECT_EQ(dump(v.value()), "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
  EXPECT_EQ(dump(Value::string(std::string("\x01\x1f", 2))), "\"\\u0001\\u001F\"");
  // \u0000 is a legal escape and survives the round trip.
  auto nul = parse(R"("x\u0000y")");
  ASSERT_TRUE(nul.is_ok());
  EXPECT_EQ(nul->as_string(), std::string("x\0y", 3));
  EXPECT_EQ(round_trip(R"("x\u0000y")"), R"("x\u0000y")");
  // Raw UTF-8 of every length is accepted.
  EXPECT_EQ(round_trip("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\""),
            "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\"");
}

TEST(Json, BuildsAndDumpsValues) {
  Value o;
  o.set("n", Value::number(3));
  o.set("s", Value::string("x"));
  o.set("a", Value::array({Value::boolean(false), Value::null(), Value::number(-0.5)}));
  EXPECT_TRUE(o.is_object());
  EXPECT_EQ(dump(o), "{\"n\":3,\"s\":\"x\",\"a\":[false,null,-0.5]}");
  EXPECT_EQ(dump(Value::number(std::numeric_limits<double>::infinity())), "null");
}

TEST(Json, RejectsStructuralErrors) {
  expect_error("", "expected a value at byte 0");
  expect_error("   ", "at byte 3");
  expect_error("{\"a\":1 \"b\":2}", "expected ',' or '}' at byte 7");
  expect_error("[1 2]", "expected ',' or ']' at byte 3");
  expect_error("[1,]", "expected a value");
  expect_error("{\"a\":1,}", "expected a string key at byte 7");
  expect_error("{a:1}", "expected a string key");
  expect_error("{\"a\" 1}", "expected ':'");
  expect_error("[", "found end of input");
  expect_error("{\"a\":", "expected a value at byte 5");
  expect_error("tru", "true");
  expect_error("nul", "null");
  expect_error("'x'", "expected a value");
}

TEST(Json, RejectsTrailingGarbage) {
  expect_error("{} x", "expected end of input after the top-level value at byte 3");
  expect_error("1 2", "end of input");
  expect_error("[]]", "end of input");
  expect_error(std::string("{}\0", 3), "byte 0x00");
}

TEST(Json, RejectsDuplicateKeys) {
  expect_error("{\"a\":1,\"a\":2}", "duplicate key \"a\" at byte 7");
  expect_error("{\"k\":{\"x\":1,\"y\":2,\"x\":3}}", "duplicate key \"x\"");
  // The same key in different objects is fine.
  EXPECT_TRUE(parse("[{\"a\":1},{\"a\":2}]").is_ok());
}

TEST(Json, RejectsBadNumbers) {
  expect_error("01", "no leading zero");
  expect_error("-01", "no leading zero");
  expect_error("+1", "expected a value");
  expect_error("1.", "a digit after '.'");
  expect_error(".5", "expected a value");
  expect_error("1e", "a digit in the exponent");
  expect_error("1e+", "a digit in the exponent");
  expect_error("-", "expected a digit");
  expect_error("NaN", "expected a value");
  expect_error("Infinity", "expected a value");
  expect_error("-Infinity", "expected a digit");
  expect_error("1e400", "out of range");
  expect_error("0x10", "end of input");
}

TEST(Json, RejectsBadEscapes) {
  expect_error(R"("\x")", "a valid escape");
  expect_error(R"("\')", "a valid escape");
  expect_error(R"("\u12")", "4 hex digits");
  expect_error(R"("\u12G4")", "4 hex digits");
  expect_error("\"\\", "an escape character");
}

TEST(Json, RejectsLoneSurrogates) {
  expect_error(R"("\ud83d")", "a low surrogate");
  expect_error(R"("\ud83dx")", "a low surrogate");
  expect_error(R"("\ud83d\u0041")", "a low surrogate");
  expect_error(R"("\ud83d\ud83d")", "a low surrogate");
  expect_error(R"("\ude00")", "a high surrogate before the low surrogate");
}

TEST(Json, RejectsRawControlCharacters) {
  expect_error("\"a\nb\"", "raw control characters are not allowed in strings) at byte 2");
  expect_error(std::string("\"a\0b\"", 5), "raw control characters");
  expect_error("\"a\tb\"", "raw control characters");
  expect_error("\"abc", "'\"' to close the string");
}

TEST(Json, RejectsInvalidUtf8) {
  expect_error("\"\x80\"", "valid UTF-8 in string at byte 1");       // lone continuation byte
  expect_error("\"\xC0\xAF\"", "valid UTF-8");                       // overlong '/'
  expect_error("\"\xC3\"", "valid UTF-8");                           // cut short by the quote
  expect_error("\"\xE0\x80\x80\"", "valid UTF-8");                   // overlong 3-byte
  expect_error("\"\xED\xA0\x80\"", "valid UTF-8");                   // encoded surrogate U+D800
  expect_error("\"\xF4\x90\x80\x80\"", "valid UTF-8");               // U+110000
  expect_error("\"\xF5\x80\x80\x80\"", "valid UTF-8");
  expect_error("\"\xFF\"", "valid UTF-8");
  expect_error("\"\xF0\x9F\x98", "starts a 4-byte sequence but the input ends");  // at the end
  expect_error("\xC3\xA9", "expected a value");                      // UTF-8 outside a string
}

TEST(Json, LimitsNestingDepth) {
  const int kLimit = 64;
  EXPECT_TRUE(parse(std::string(kLimit, '[') + std::string(kLimit, ']')).is_ok());
  expect_error(std::string(kLimit + 1, '[') + std::string(kLimit + 1, ']'), "nesting deeper than 64");
  std::string objects;
  for (int i = 0; i < kLimit + 1; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kLimit + 1, '}');
  expect_error(objects, "nesting deeper than 64");
  // Far past the limit must fail the same way, not overflow the stack.
  expect_error(std::string(100000, '['), "nesting deeper than 64");
}

}  // namespace
}  // namespace recur::json
