// Status / Result<T>: the error type of the public API. No exceptions cross the engine:
// Emscripten disables C++ exception catching by default, so errors travel as values.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace recur {

enum class ErrorCode { kOk = 0, kInvalidArgument, kBadFormat, kOutOfRange, kIo, kDiverged };

/// A success flag plus, on failure, a code and a message that says what was wrong and what was expected.
class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message, const char* option = "")
      : code_(code), message_(std::move(message)), option_(option) {}
  static Status ok() { return {}; }
  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  /// For a value a setting does not accept (bad_option): the setting's key, which message()
  /// starts with. Empty otherwise.
  std::string_view option() const { return option_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  const char* option_ = "";  // a string literal: keeps every Status one pointer larger, not a string
};

inline Status invalid_argument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status bad_format(std::string m) { return {ErrorCode::kBadFormat, std::move(m)}; }
inline Status out_of_range(std::string m) { return {ErrorCode::kOutOfRange, std::move(m)}; }
inline Status io_error(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
/// A value outside what a setting accepts (a config key, a training or generation option):
/// "<key> <detail>", e.g. "top_p must be in (0, 1], got 2". The key is the snake_case name of
/// the model file and the C++ structs; the JS API and the CLI name the setting in their own
/// spelling (topP, --top-p) from option().
inline Status bad_option(const char* key, const std::string& detail) {
  return {ErrorCode::kOutOfRange, std::string(key) + " " + detail, key};
}

/// Either a value or a failed Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) {}
  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const {
    static const Status kOkStatus;
    return is_ok() ? kOkStatus : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace recur

// Early return on a failed Status / Result.
#define RECUR_RETURN_IF_ERROR(expr)        \
  do {                                     \
    ::recur::Status recur_s_ = (expr);     \
    if (!recur_s_.is_ok()) return recur_s_; \
  } while (0)
