// A scratch folder for end-to-end tests (mkdtemp under the build tree),
// removed with its contents; and a copy of a fixture workspace in it.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sb::e2e {

class ScratchDir {
 public:
  ScratchDir() {
    std::filesystem::path base = SB_E2E_TMP_DIR;
    std::filesystem::create_directories(base);
    std::string pattern = (base / "e2e-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed under " + base.string());
    path_ = std::filesystem::canonical(buf.data()).string();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline void writeText(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// tests/data/workspace copied to `to` (7 source files in py/, c/ and ts/).
inline void copyWorkspaceFixture(const std::string& to) {
  std::filesystem::create_directories(to);
  std::filesystem::copy(SB_WORKSPACE_FIXTURE_DIR, to, std::filesystem::copy_options::recursive);
}

}  // namespace sb::e2e
