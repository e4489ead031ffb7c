#pragma once
// Shared helpers for the workspace index tests: scratch folders under the
// build tree, file writing, and fixture copies.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sb::test {

namespace fs = std::filesystem;

// A fresh folder (mkdtemp under the build tree), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    fs::path base = SB_TEST_TMP_DIR;
    fs::create_directories(base);
    std::string pattern = (base / "idx-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    // Canonical, so it compares equal with what the scanner reports.
    path_ = fs::canonical(buf.data()).string();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline void writeFile(const std::string& path, std::string_view content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string indexFixtureDir(const std::string& rel = "") {
  return std::string(SB_TEST_DATA_DIR) + "/index" + (rel.empty() ? "" : "/" + rel);
}

inline std::string workspaceFixtureDir() {
  return std::string(SB_TEST_DATA_DIR) + "/workspace";
}

// Copies a fixture folder's contents into `to`.
inline void copyTree(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

// Sets a file's modification time to `seconds` after the epoch (plus `nanos`).
inline void setMtime(const std::string& path, int64_t seconds, long nanos = 0) {
  struct timespec times[2];
  times[0].tv_sec = seconds;
  times[0].tv_nsec = nanos;
  times[1] = times[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

inline int64_t mtimeNs(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace sb::test
