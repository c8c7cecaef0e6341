// Strict UTF-8 <-> Unicode code points (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF. Errors name the byte offset and the offending byte, so a user can find it in the file.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace recur {

/// Decodes the code point starting at s[pos]. On success stores it in cp, advances pos past it and
/// returns true. On failure leaves pos and cp alone, writes the reason to *why (if non-null), and
/// returns false. pos must be < s.size().
bool utf8_next(std::string_view s, size_t& pos, char32_t& cp, std::string* why = nullptr);

/// Decodes all of s, or fails with kBadFormat naming the first bad byte:
/// "invalid UTF-8 at byte 7: 0xC3 starts a 2-byte sequence but the input ends".
Result<std::vector<char32_t>> utf8_decode(std::string_view s);

/// Appends cp as UTF-8. A surrogate or a value above U+10FFFF is written as U+FFFD, so the
/// output is always valid UTF-8.
void utf8_append(std::string& out, char32_t cp);

/// Encodes code points as UTF-8 (invalid ones as U+FFFD, as utf8_append).
std::string utf8_encode(const std::vector<char32_t>& cps);

/// How many code points s holds if it is valid UTF-8 (its bytes that do not continue a sequence):
/// a cheap bound to check before decoding a text that may be enormous.
size_t utf8_length(std::string_view s);

/// "U+00E9": the code point in the form Unicode charts use (at least four hex digits).
std::string code_point_name(char32_t cp);

}  // namespace recur
