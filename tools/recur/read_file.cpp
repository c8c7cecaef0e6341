// read_file(): the whole file, or an error naming the path.
#include "read_file.h"

#include <cstdio>

namespace recur::cli {

Result<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return io_error("cannot open " + path + ": no such file or not readable");
  std::string s;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  const bool bad = std::ferror(f);
  std::fclose(f);
  if (bad) return io_error("error reading " + path);
  if (s.empty()) return invalid_argument(path + " is empty");
  return s;
}

}  // namespace recur::cli
