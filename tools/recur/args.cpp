// Strict flag parsing: unknown flags, missing values and malformed numbers are errors.
#include "args.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace recur::cli {

Result<Args> Args::parse(int argc, char** argv, int first, const std::set<std::string>& valued,
                         const std::set<std::string>& switches) {
  Args a;
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) return invalid_argument("unexpected argument \"" + arg + "\": flags start with --");
    const std::string name = arg.substr(2);
    if (a.values_.count(name)) return invalid_argument("flag --" + name + " given twice");
    if (switches.count(name)) {
      a.values_[name] = "1";
    } else if (valued.count(name)) {
      if (i + 1 >= argc) return invalid_argument("flag --" + name + " needs a value");
      a.values_[name] = argv[++i];
    } else {
      std::string known;
      for (const auto& k : valued) known += " --" + k;
      for (const auto& k : switches) known += " --" + k;
      return invalid_argument("unknown flag --" + name + "; this command takes:" + known);
    }
  }
  return a;
}

std::string Args::str(const std::string& flag, const std::string& fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? fallback : it->second;
}

Result<std::string> Args::required(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return invalid_argument("missing required flag --" + flag);
  return it->second;
}

Result<int64_t> Args::integer(const std::string& flag, int64_t fallback, int64_t lo, int64_t hi) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return fallback;
  const std::string& s = it->second;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE)
    return invalid_argument("--" + flag + " expects an integer, got \"" + s + "\"");
  if (v < lo || v > hi)
    return out_of_range("--" + flag + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                        ", got " + s);
  return int64_t(v);
}

// Shortest readable form: 0.001, 1e-12, 1000.
static std::string show(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Result<double> Args::number(const std::string& flag, double fallback, double lo, double hi) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return fallback;
  const std::string& s = it->second;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') return invalid_argument("--" + flag + " expects a number, got \"" + s + "\"");
  if (!std::isfinite(v)) return invalid_argument("--" + flag + " must be a finite number, got " + s);
  if (v < lo || v > hi)
    return out_of_range("--" + flag + " must be between " + show(lo) + " and " + show(hi) + ", got " + s);
  return v;
}

}  // namespace recur::cli
