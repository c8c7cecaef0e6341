// A small strict JSON reader/writer for safetensors headers, model metadata and test fixtures.
// Not for bulk data: weights never travel as JSON.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace recur::json {

enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

class Value {
 public:
  Value() = default;
  static Value null() { return Value(); }
  static Value boolean(bool b);
  static Value number(double d);
  static Value string(std::string s);
  static Value array(std::vector<Value> items = {});
  /// Members keep their order of insertion (and of appearance when parsed).
  static Value object(std::vector<std::pair<std::string, Value>> members = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool as_bool() const { return b_; }
  double as_number() const { return d_; }
  /// True when the number is an integer exactly representable in int64 (|x| <= 2^53).
  bool is_integer() const;
  int64_t as_int() const { return static_cast<int64_t>(d_); }
  const std::string& as_string() const { return s_; }
  const std::vector<Value>& items() const { return a_; }
  std::vector<Value>& items() { return a_; }
  const std::vector<std::pair<std::string, Value>>& members() const { return o_; }

  /// Object member by key, or nullptr (also when not an object).
  const Value* find(std::string_view key) const;
  /// Appends a member to an object.
  void set(std::string key, Value v);

 private:
  Kind kind_ = Kind::kNull;
  bool b_ = false;
  double d_ = 0;
  std::string s_;
  std::vector<Value> a_;
  std::vector<std::pair<std::string, Value>> o_;
};

/// Values a document may hold unless the caller says otherwise. A Value costs ~100 bytes while a
/// JSON value can be 2 bytes ("0,"), so the count, not the text's length, bounds the memory used.
constexpr size_t kDefaultMaxValues = size_t(1) << 20;

/// Parses one JSON document (RFC 8259, UTF-8, nesting depth <= 64, at most max_values values
/// counting every array item, member value and the document itself). Duplicate object keys,
/// trailing non-space characters and a document over the limit are errors; the message gives the
/// byte offset.
Result<Value> parse(std::string_view text, size_t max_values = kDefaultMaxValues);

/// Parses a document that must be an array of strings, holding at most max_items, straight into
/// strings (no Value tree: ~32 bytes per item plus its text).
Result<std::vector<std::string>> parse_string_array(std::string_view text, size_t max_items);

/// Compact serialisation; strings are escaped as JSON requires and otherwise kept as UTF-8.
/// Numbers that are integers print without a fraction; others with 17 significant digits.
std::string dump(const Value& v);

}  // namespace recur::json
