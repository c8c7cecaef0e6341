// Vocab: the id <-> symbol table of a character-level model. A symbol is one Unicode code point
// (stored as its UTF-8) or the special token "<unk>", which stands for every code point not listed.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace recur {

/// An id <-> symbol table. Lookups by code point are a flat-array index below U+3000 (Latin,
/// Greek, Cyrillic, ...) and a hash lookup above it (CJK, emoji).
class Vocab {
 public:
  /// The special token for code points the table does not list.
  static constexpr const char* kUnk = "<unk>";

  /// An empty table (size 0). Use from_symbols or build.
  Vocab() = default;

  /// Validates symbols as read from a model file: non-empty list, no duplicates, each symbol
  /// exactly one code point of valid UTF-8 or "<unk>". Errors name the offending index.
  static Result<Vocab> from_symbols(std::vector<std::string> symbols);

  /// The distinct code points of corpus sorted by value, with "<unk>" at id 0 when with_unk.
  /// Precondition: corpus is valid UTF-8 (build_checked checks it); invalid bytes are skipped.
  static Vocab build(std::string_view corpus, bool with_unk);

  /// As build, but fails on invalid UTF-8 and on a corpus that would give an empty table.
  static Result<Vocab> build_checked(std::string_view corpus, bool with_unk);

  /// Ids of the code points of text. A code point not in the table becomes unk_id() if the table
  /// has "<unk>", else an error naming the character, its U+ code and its code point index.
  Result<std::vector<int32_t>> encode(std::string_view text) const;

  /// The concatenated symbol_text of ids.
  std::string decode(const std::vector<int32_t>& ids) const;

  /// What generation prints for id: the symbol itself; "<unk>" and ids out of range print as
  /// U+FFFD (the replacement character), so the output stays valid UTF-8 text.
  std::string symbol_text(int32_t id) const;

  int size() const { return static_cast<int>(symbols_.size()); }
  /// Id of "<unk>", or -1 if the table has none.
  int unk_id() const { return unk_id_; }
  const std::vector<std::string>& symbols() const { return symbols_; }
  /// Id of code point cp, or -1 if absent ("<unk>" is not consulted).
  int32_t id_of(char32_t cp) const {
    if (cp < flat_.size()) return flat_[cp];
    if (cp < kFlatLimit) return -1;
    auto it = map_.find(cp);
    return it == map_.end() ? -1 : it->second;
  }

 private:
  // Code points below this sit in flat_; 0x3000 ints = 48 KiB at most, and flat_ is cut to the
  // largest code point actually present, so an ASCII table costs 512 bytes.
  static constexpr char32_t kFlatLimit = 0x3000;

  void index(int32_t id, char32_t cp);

  std::vector<std::string> symbols_;                // (V) id -> UTF-8 or "<unk>"
  std::vector<int32_t> flat_;                       // code point -> id, -1 absent; cps < kFlatLimit
  std::unordered_map<char32_t, int32_t> map_;       // code point -> id; cps >= kFlatLimit
  int unk_id_ = -1;
};

}  // namespace recur
