#pragma once
// Shared helpers for the analysis tests.

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "analysis/Document.h"

namespace sb::test {

inline std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(SB_ANALYSIS_DATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A parsed snapshot of `text` as the file `path` (language from its extension).
inline std::shared_ptr<const DocumentSnapshot> parse(const std::string& path, std::string text) {
  return Document("file:///test/" + path, "", 1, std::move(text)).snapshot();
}

inline std::shared_ptr<const DocumentSnapshot> parseFixture(const std::string& name) {
  return parse(name, readFixture(name));
}

}  // namespace sb::test
