// Strict RFC 8259 JSON: a recursive-descent parser with a depth limit and byte-offset error
// messages, and a compact writer. Every read is bounds-checked, since headers come from files.
#include "util/json.h"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "text/utf8.h"

namespace recur::json {

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.b_ = b;
  return v;
}

Value Value::number(double d) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.d_ = d;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.s_ = std::move(s);
  return v;
}

Value Value::array(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kArray;
  v.a_ = std::move(items);
  return v;
}

Value Value::object(std::vector<std::pair<std::string, Value>> members) {
  Value v;
  v.kind_ = Kind::kObject;
  v.o_ = std::move(members);
  return v;
}

bool Value::is_integer() const {
  // 2^53: beyond it not every integer is a double, so a file could not say what it means.
  constexpr double kMaxExact = 9007199254740992.0;
  return kind_ == Kind::kNumber && std::isfinite(d_) && std::abs(d_) <= kMaxExact && std::floor(d_) == d_;
}

const Value* Value::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& m : o_)
    if (m.first == key) return &m.second;
  return nullptr;
}

void Value::set(std::string key, Value v) {
  // A null value becomes an empty object first, so callers can build objects from Value().
  if (kind_ == Kind::kNull) kind_ = Kind::kObject;
  assert(kind_ == Kind::kObject);
  if (kind_ != Kind::kObject) return;
  o_.emplace_back(std::move(key), std::move(v));
}

namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(std::string_view text, size_t max_values) : s_(text), max_values_(max_values) {}

  Result<Value> parse_document() {
    skip_space();
    Value v;
    RECUR_RETURN_IF_ERROR(parse_value(v, 0));
    skip_space();
    if (pos_ != s_.size()) return fail("end of input after the top-level value");
    return v;
  }

  Result<std::vector<std::string>> parse_string_array() {
    std::vector<std::string> out;
    skip_space();
    if (at_end() || peek() != '[') return fail("'[' (an array of strings)");
    ++pos_;
    skip_space();
    if (!at_end() && peek() == ']') {
      ++pos_;
    } else {
      for (;;) {
        skip_space();
        if (at_end() || peek() != '"')
          return fail("a string (item " + std::to_string(out.size()) + " of an array of strings)");
        RECUR_RETURN_IF_ERROR(count_value());
        out.emplace_back();
        RECUR_RETURN_IF_ERROR(parse_string(out.back()));
        skip_space();
        if (!at_end() && peek() == ',') {
          ++pos_;
          continue;
        }
        if (!at_end() && peek() == ']') {
          ++pos_;
          break;
        }
        return fail("',' or ']'");
      }
    }
    skip_space();
    if (pos_ != s_.size()) return fail("end of input after the array");
    return out;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  size_t max_values_ = 0, values_ = 0;

  Status count_value() {
    if (++values_ > max_values_)
      return bad_format("JSON: more than " + std::to_string(max_values_) + " values at byte " + std::to_string(pos_) +
                        ": over the limit for this document");
    return Status::ok();
  }

  bool at_end() const { return pos_ >= s_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(s_[pos_]); }

  Status fail(const std::string& expected) const { return fail_at(expected, pos_); }
  Status fail_at(const std::string& expected, size_t at) const {
    std::string found;
    if (at >= s_.size()) {
      found = " (found end of input)";
    } else {
      const unsigned char c = static_cast<unsigned char>(s_[at]);
      char buf[32];
      if (c >= 0x20 && c < 0x7f)
        std::snprintf(buf, sizeof buf, " (found '%c')", c);
      else
        std::snprintf(buf, sizeof buf, " (found byte 0x%02X)", c);
      found = buf;
    }
    return bad_format("JSON: expected " + expected + " at byte " + std::to_string(at) + found);
  }

  void skip_space() {
    while (!at_end()) {
      const unsigned char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool consume_literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }

  Status parse_value(Value& out, int depth) {
    if (at_end()) return fail("a value");
    RECUR_RETURN_IF_ERROR(count_value());
    switch (peek()) {
      case '{': return parse_object(out, depth + 1);
      case '[': return parse_array(out, depth + 1);
      case '"': {
        std::string s;
        RECUR_RETURN_IF_ERROR(parse_string(s));
        out = Value::string(std::move(s));
        return Status::ok();
      }
      case 't':
        if (!consume_literal("true")) return fail("a value (true)");
        out = Value::boolean(true);
        return Status::ok();
      case 'f':
        if (!consume_literal("false")) return fail("a value (false)");
        out = Value::boolean(false);
        return Status::ok();
      case 'n':
        if (!consume_literal("null")) return fail("a value (null)");
        out = Value::null();
        return Status::ok();
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number(out);
        return fail("a value (object, array, string, number, true, false or null)");
    }
  }

  Status check_depth(int depth) const {
    if (depth > kMaxDepth)
      return bad_format("JSON: nesting deeper than " + std::to_string(kMaxDepth) + " levels at byte " +
                        std::to_string(pos_));
    return Status::ok();
  }

  Status parse_array(Value& out, int depth) {
    RECUR_RETURN_IF_ERROR(check_depth(depth));
    ++pos_;  // '['
    std::vector<Value> items;
    skip_space();
    if (!at_end() && peek() == ']') {
      ++pos_;
      out = Value::array(std::move(items));
      return Status::ok();
    }
    for (;;) {
      skip_space();
      items.emplace_back();
      RECUR_RETURN_IF_ERROR(parse_value(items.back(), depth));
      skip_space();
      if (at_end()) return fail("',' or ']'");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        break;
      }
      return fail("',' or ']'");
    }
    out = Value::array(std::move(items));
    return Status::ok();
  }

  Status parse_object(Value& out, int depth) {
    RECUR_RETURN_IF_ERROR(check_depth(depth));
    ++pos_;  // '{'
    std::vector<std::pair<std::string, Value>> members;
    std::set<std::string> seen;
    skip_space();
    if (!at_end() && peek() == '}') {
      ++pos_;
      out = Value::object(std::move(members));
      return Status::ok();
    }
    for (;;) {
      skip_space();
      if (at_end() || peek() != '"') return fail("a string key");
      const size_t key_at = pos_;
      std::string key;
      RECUR_RETURN_IF_ERROR(parse_string(key));
      if (!seen.insert(key).second)
        return bad_format("JSON: duplicate key \"" + key + "\" at byte " + std::to_string(key_at) +
                          ": expected each key once per object");
      skip_space();
      if (at_end() || peek() != ':') return fail("':'");
      ++pos_;
      skip_space();
      Value v;
      RECUR_RETURN_IF_ERROR(parse_value(v, depth));
      members.emplace_back(std::move(key), std::move(v));
      skip_space();
      if (at_end()) return fail("',' or '}'");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        break;
      }
      return fail("',' or '}'");
    }
    out = Value::object(std::move(members));
    return Status::ok();
  }

  // number = [ "-" ] int [ frac ] [ exp ]; int = "0" / digit1-9 *digit (no leading zeros).
  Status parse_number(Value& out) {
    const size_t start = pos_;
    auto digits = [&]() {
      size_t n = 0;
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_, ++n;
      return n;
    };
    if (peek() == '-') ++pos_;
    if (at_end() || !(peek() >= '0' && peek() <= '9')) return fail("a digit");
    if (peek() == '0') {
      ++pos_;
      if (!at_end() && peek() >= '0' && peek() <= '9') return fail("no leading zero: '.', 'e' or the end of the number");
    } else {
      digits();
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      if (digits() == 0) return fail("a digit after '.'");
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (digits() == 0) return fail("a digit in the exponent");
    }
    // The grammar above is locale-free; strtod sees only the validated, NUL-terminated token.
    const std::string token(s_.substr(start, pos_ - start));
    const double d = std::strtod(token.c_str(), nullptr);
    if (!std::isfinite(d))
      return bad_format("JSON: number " + token + " at byte " + std::to_string(start) +
                        " is out of range: expected a finite double");
    out = Value::number(d);
    return Status::ok();
  }

  Status parse_hex4(uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      if (at_end()) return fail("4 hex digits after \\u");
      const unsigned char c = peek();
      uint32_t v;
      if (c >= '0' && c <= '9') v = c - '0';
      else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
      else return fail("4 hex digits after \\u");
      out = out * 16 + v;
      ++pos_;
    }
    return Status::ok();
  }

  Status parse_escape(std::string& out) {
    const size_t at = pos_ - 1;  // the backslash
    if (at_end()) return fail("an escape character");
    const unsigned char c = peek();
    ++pos_;
    switch (c) {
      case '"': out += '"'; return Status::ok();
      case '\\': out += '\\'; return Status::ok();
      case '/': out += '/'; return Status::ok();
      case 'b': out += '\b'; return Status::ok();
      case 'f': out += '\f'; return Status::ok();
      case 'n': out += '\n'; return Status::ok();
      case 'r': out += '\r'; return Status::ok();
      case 't': out += '\t'; return Status::ok();
      case 'u': break;
      default:
        return fail_at("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", at);
    }
    uint32_t cp;
    RECUR_RETURN_IF_ERROR(parse_hex4(cp));
    if (cp >= 0xDC00 && cp <= 0xDFFF)
      return fail_at("a high surrogate before the low surrogate \\u" + hex4(cp), at);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate must be followed by an escaped low surrogate; the pair is one code point.
      if (s_.substr(pos_, 2) != "\\u") return fail("a low surrogate \\uDC00-\\uDFFF after \\u" + hex4(cp));
      pos_ += 2;
      uint32_t lo;
      RECUR_RETURN_IF_ERROR(parse_hex4(lo));
      if (lo < 0xDC00 || lo > 0xDFFF)
        return fail_at("a low surrogate \\uDC00-\\uDFFF after \\u" + hex4(cp), pos_ - 6);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    utf8_append(out, cp);
    return Status::ok();
  }

  static std::string hex4(uint32_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04X", unsigned(v & 0xFFFF));
    return buf;
  }

  // One UTF-8 sequence starting at pos_ (first byte >= 0x80), checked by the engine's decoder.
  Status copy_utf8(std::string& out) {
    const size_t at = pos_;
    char32_t cp;
    std::string why;  // "invalid UTF-8 at byte N: <reason>"
    if (!utf8_next(s_, pos_, cp, &why)) {
      const Status s = fail_at("valid UTF-8 in string", at);
      return {s.code(), s.message() + "; " + why.substr(why.find(": ") + 2)};
    }
    out.append(s_.data() + at, pos_ - at);
    return Status::ok();
  }

  Status parse_string(std::string& out) {
    ++pos_;  // opening quote
    for (;;) {
      if (at_end()) return fail("'\"' to close the string");
      const unsigned char c = peek();
      if (c == '"') {
        ++pos_;
        return Status::ok();
      }
      if (c == '\\') {
        ++pos_;
        RECUR_RETURN_IF_ERROR(parse_escape(out));
      } else if (c < 0x20) {
        return fail("an escaped control character (raw control characters are not allowed in strings)");
      } else if (c < 0x80) {
        out += char(c);
        ++pos_;
      } else {
        RECUR_RETURN_IF_ERROR(copy_utf8(out));
      }
    }
  }
};

void dump_string(const std::string& s, std::string& out) {
  out += '"';
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", unsigned(c));
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void dump_number(double d, std::string& out) {
  char buf[40];
  if (!std::isfinite(d)) {
    // JSON has no NaN or Infinity; null is what JavaScript's JSON.stringify writes.
    out += "null";
    return;
  }
  if (std::floor(d) == d && std::abs(d) <= 9007199254740992.0)
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(d));
  else
    std::snprintf(buf, sizeof buf, "%.17g", d);
  out += buf;
}

void dump_value(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Kind::kNull: out += "null"; break;
    case Kind::kBool: out += v.as_bool() ? "true" : "false"; break;
    case Kind::kNumber: dump_number(v.as_number(), out); break;
    case Kind::kString: dump_string(v.as_string(), out); break;
    case Kind::kArray: {
      out += '[';
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) out += ',';
        first = false;
        dump_value(item, out);
      }
      out += ']';
      break;
    }
    case Kind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& m : v.members()) {
        if (!first) out += ',';
        first = false;
        dump_string(m.first, out);
        out += ':';
        dump_value(m.second, out);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

Result<Value> parse(std::string_view text, size_t max_values) { return Parser(text, max_values).parse_document(); }

Result<std::vector<std::string>> parse_string_array(std::string_view text, size_t max_items) {
  return Parser(text, max_items).parse_string_array();
}

std::string dump(const Value& v) {
  std::string out;
  dump_value(v, out);
  return out;
}

}  // namespace recur::json
