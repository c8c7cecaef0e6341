// Vocab construction (from a model file's symbol list or from a corpus) and text <-> ids.
#include "text/vocab.h"

#include <algorithm>
#include <unordered_set>

#include "text/utf8.h"

namespace recur {
namespace {

constexpr const char* kReplacementUtf8 = "\xEF\xBF\xBD";  // U+FFFD

// How a character appears in a message: "'é' (U+00E9)". Controls a corpus may hold get C escapes
// or only their code, so that a newline does not break the message over two lines.
std::string describe_char(char32_t cp) {
  const std::string code = " (" + code_point_name(cp) + ")";
  switch (cp) {
    case '\n': return "'\\n'" + code;
    case '\r': return "'\\r'" + code;
    case '\t': return "'\\t'" + code;
    default: break;
  }
  if (cp < 0x20 || cp == 0x7F) return code_point_name(cp);
  std::string s = "'";
  utf8_append(s, cp);
  return s + "'" + code;
}

// A symbol as a message shows it: at most 40 bytes, the rest elided (it may be any garbage).
std::string quoted_symbol(const std::string& s) {
  if (s.size() <= 40) return "\"" + s + "\"";
  return "\"" + s.substr(0, 40) + "...\" (" + std::to_string(s.size()) + " bytes)";
}

}  // namespace

void Vocab::index(int32_t id, char32_t cp) {
  if (cp < kFlatLimit) {
    if (cp >= flat_.size()) flat_.resize(size_t(cp) + 1, -1);
    flat_[cp] = id;
  } else {
    map_[cp] = id;
  }
}

Result<Vocab> Vocab::from_symbols(std::vector<std::string> symbols) {
  if (symbols.empty()) return invalid_argument("vocabulary is empty: expected at least one symbol");
  Vocab v;
  for (size_t i = 0; i < symbols.size(); ++i) {
    const std::string& s = symbols[i];
    const std::string where = "vocabulary symbol " + std::to_string(i) + " ";
    if (s == kUnk) {
      if (v.unk_id_ >= 0)
        return invalid_argument(where + "is \"<unk>\", a duplicate of symbol " + std::to_string(v.unk_id_));
      v.unk_id_ = static_cast<int>(i);
      continue;
    }
    if (s.empty()) return invalid_argument(where + "is empty: expected one character or \"<unk>\"");
    auto cps = utf8_decode(s);
    if (!cps.is_ok()) return bad_format(where + "is not valid UTF-8: " + cps.status().message());
    if (cps->size() != 1) {
      const bool special = s.size() > 2 && s.front() == '<' && s.back() == '>';
      return invalid_argument(where + quoted_symbol(s) + " has " + std::to_string(cps->size()) +
                              " characters: expected exactly one" +
                              (special ? " (the only special token recognised is \"<unk>\")" : " or \"<unk>\""));
    }
    const char32_t cp = (*cps)[0];
    const int32_t prev = v.id_of(cp);
    if (prev >= 0)
      return invalid_argument(where + describe_char(cp) + " duplicates symbol " +
                              std::to_string(prev));
    v.index(static_cast<int32_t>(i), cp);
  }
  v.symbols_ = std::move(symbols);
  return v;
}

Vocab Vocab::build(std::string_view corpus, bool with_unk) {
  // Mark what occurs, then emit in code point order: the flat part is already sorted and only the
  // (usually few hundred) large code points need a sort.
  std::vector<bool> seen_small(kFlatLimit, false);
  std::unordered_set<char32_t> seen_large;
  size_t pos = 0;
  while (pos < corpus.size()) {
    char32_t cp;
    if (!utf8_next(corpus, pos, cp)) {
      ++pos;  // precondition broken: skip the byte rather than loop
      continue;
    }
    if (cp < kFlatLimit) seen_small[cp] = true;
    else seen_large.insert(cp);
  }
  std::vector<char32_t> large;
  large.assign(seen_large.begin(), seen_large.end());
  std::sort(large.begin(), large.end());

  Vocab v;
  if (with_unk) {
    v.unk_id_ = 0;
    v.symbols_.emplace_back(kUnk);
  }
  auto add = [&v](char32_t cp) {
    std::string s;
    utf8_append(s, cp);
    v.index(static_cast<int32_t>(v.symbols_.size()), cp);
    v.symbols_.push_back(std::move(s));
  };
  for (char32_t cp = 0; cp < kFlatLimit; ++cp)
    if (seen_small[cp]) add(cp);
  for (char32_t cp : large) add(cp);
  return v;
}

Result<Vocab> Vocab::build_checked(std::string_view corpus, bool with_unk) {
  size_t pos = 0;
  std::string why;
  while (pos < corpus.size()) {
    char32_t cp;
    if (!utf8_next(corpus, pos, cp, &why)) return bad_format("corpus: " + why);
  }
  if (corpus.empty() && !with_unk)
    return invalid_argument("corpus is empty: a vocabulary needs at least one character");
  return build(corpus, with_unk);
}

Result<std::vector<int32_t>> Vocab::encode(std::string_view text) const {
  std::vector<int32_t> ids;
  ids.reserve(text.size());
  size_t pos = 0;
  std::string why;
  while (pos < text.size()) {
    char32_t cp;
    if (!utf8_next(text, pos, cp, &why)) return bad_format(std::move(why));
    int32_t id = id_of(cp);
    if (id < 0) id = unk_id_;
    if (id < 0)
      return invalid_argument("character " + describe_char(cp) + " at position " +
                              std::to_string(ids.size()) + " is not in the model's vocabulary");
    ids.push_back(id);
  }
  return ids;
}

std::string Vocab::symbol_text(int32_t id) const {
  if (id < 0 || id >= size() || id == unk_id_) return kReplacementUtf8;
  return symbols_[id];
}

std::string Vocab::decode(const std::vector<int32_t>& ids) const {
  std::string out;
  out.reserve(ids.size());
  for (int32_t id : ids) {
    if (id < 0 || id >= size() || id == unk_id_) out += kReplacementUtf8;
    else out += symbols_[id];
  }
  return out;
}

}  // namespace recur
