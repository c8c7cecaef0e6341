// A file name in the test temp directory that no other test process uses: make -j test runs the
// same suites from several build trees (native, sanitized, SSE4.1, scalar, wasm) at once.
#pragma once
#include <gtest/gtest.h>

#include <random>
#include <string>

namespace recur::testing {

inline std::string unique_temp_path(const std::string& name) {
  static const std::string tag = std::to_string(std::random_device{}());
  return ::testing::TempDir() + tag + "-" + name;
}

}  // namespace recur::testing
