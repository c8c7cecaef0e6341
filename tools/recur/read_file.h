// Reading a whole input file for the CLI; errors name the path (missing, unreadable, empty).
#pragma once
#include <string>

#include "core/error.h"

namespace recur::cli {

Result<std::string> read_file(const std::string& path);

}  // namespace recur::cli
