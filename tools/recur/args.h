// Command-line flags: --name value pairs and --switches, checked against what a command accepts.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace recur::cli {

class Args {
 public:
  /// Parses argv[first..argc). valued: flags that take a value; switches: flags that do not.
  static Result<Args> parse(int argc, char** argv, int first, const std::set<std::string>& valued,
                            const std::set<std::string>& switches);

  bool has(const std::string& flag) const { return values_.count(flag) > 0; }
  std::string str(const std::string& flag, const std::string& fallback = "") const;
  /// Integer in [lo, hi]; fallback when absent. Errors quote the flag and the bad text.
  Result<int64_t> integer(const std::string& flag, int64_t fallback, int64_t lo, int64_t hi) const;
  /// Finite number in [lo, hi].
  Result<double> number(const std::string& flag, double fallback, double lo, double hi) const;
  /// A flag the command cannot do without.
  Result<std::string> required(const std::string& flag) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace recur::cli
