// Strict UTF-8 decoding and encoding. The decoder checks the whole sequence and then the value
// (overlong, surrogate, > U+10FFFF), which rejects exactly what RFC 3629's table 4 rejects.
#include "text/utf8.h"

#include <cstdio>

namespace recur {
namespace {

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(b));
  return buf;
}

// "0xE0 0x80 0x80": the bytes of a complete but invalid sequence, as a hex dump would show them.
std::string hex_bytes(std::string_view s, size_t pos, int len) {
  std::string r;
  for (int i = 0; i < len; ++i) {
    if (i) r += ' ';
    r += hex_byte(static_cast<unsigned char>(s[pos + i]));
  }
  return r;
}

std::string at(size_t pos) { return "invalid UTF-8 at byte " + std::to_string(pos) + ": "; }

}  // namespace

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char b : s) n += (b & 0xC0) != 0x80;
  return n;
}

std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

bool utf8_next(std::string_view s, size_t& pos, char32_t& cp, std::string* why) {
  const unsigned char b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    cp = b0;
    ++pos;
    return true;
  }
  int len = 0;
  char32_t value = 0;
  if (b0 < 0xC0) {
    if (why) *why = at(pos) + hex_byte(b0) + " is a continuation byte with no lead byte before it";
    return false;
  } else if (b0 < 0xC2) {
    // 0xC0 and 0xC1 could only start an overlong 2-byte form of U+0000..U+007F.
    if (why) *why = at(pos) + hex_byte(b0) + " never appears in UTF-8 (it could only start an overlong encoding)";
    return false;
  } else if (b0 < 0xE0) {
    len = 2;
    value = b0 & 0x1F;
  } else if (b0 < 0xF0) {
    len = 3;
    value = b0 & 0x0F;
  } else if (b0 < 0xF5) {
    len = 4;
    value = b0 & 0x07;
  } else {
    if (why) *why = at(pos) + hex_byte(b0) + " never appears in UTF-8 (it would start a code point above U+10FFFF)";
    return false;
  }
  for (int i = 1; i < len; ++i) {
    if (pos + i >= s.size()) {
      if (why)
        *why = at(pos) + hex_byte(b0) + " starts a " + std::to_string(len) + "-byte sequence but the input ends";
      return false;
    }
    const unsigned char b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) {
      if (why)
        *why = at(pos) + hex_byte(b0) + " starts a " + std::to_string(len) + "-byte sequence but byte " +
               std::to_string(pos + i) + " is " + hex_byte(b) + ", not a continuation byte (0x80..0xBF)";
      return false;
    }
    value = (value << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMinForLength[len]) {
    if (why)
      *why = at(pos) + hex_bytes(s, pos, len) + " is an overlong encoding of " + code_point_name(value) + " (" +
             std::to_string(len) + " bytes where fewer suffice)";
    return false;
  }
  if (value >= 0xD800 && value <= 0xDFFF) {
    if (why)
      *why = at(pos) + hex_bytes(s, pos, len) + " encodes " + code_point_name(value) +
             ", a UTF-16 surrogate, which UTF-8 must not contain";
    return false;
  }
  if (value > 0x10FFFF) {
    if (why)
      *why = at(pos) + hex_bytes(s, pos, len) + " encodes " + code_point_name(value) +
             ", above the Unicode maximum U+10FFFF";
    return false;
  }
  cp = value;
  pos += len;
  return true;
}

Result<std::vector<char32_t>> utf8_decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  size_t pos = 0;
  std::string why;
  while (pos < s.size()) {
    char32_t cp;
    if (!utf8_next(s, pos, cp, &why)) return bad_format(std::move(why));
    out.push_back(cp);
  }
  return out;
}

void utf8_append(std::string& out, char32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string utf8_encode(const std::vector<char32_t>& cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) utf8_append(out, cp);
  return out;
}

}  // namespace recur
