// RootDir: plain paths open beneath the root in one call; every path the
// kernel cannot prove plain and inside (dots, links, outside) is left to the
// slow, link-following path, never opened here.
#include "analysis/RootDir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sb {
namespace {

namespace fs = std::filesystem;

struct RootDirTest : ::testing::Test {
  fs::path base = fs::temp_directory_path() / ("sb-rootdir-" + std::to_string(::getpid()));
  fs::path root = base / "ws";
  void SetUp() override {
    fs::create_directories(root / "src" / "deep");
    std::ofstream(root / "src" / "a.py") << "inside\n";
    std::ofstream(root / "src" / "deep" / "b.py") << "deeper\n";
    std::ofstream(base / "secret.txt") << "outside\n";
    root = fs::canonical(root);
  }
  void TearDown() override { fs::remove_all(base); }
  // The file's first line through the descriptor, or "" when not opened.
  static std::string firstLine(const RootDir::Opened& o) {
    if (!o.fd) return {};
    char buf[64] = {};
    ssize_t n = ::pread(o.fd.get(), buf, sizeof buf - 1, 0);
    std::string s(buf, n > 0 ? static_cast<size_t>(n) : 0);
    return s.substr(0, s.find('\n'));
  }
};

TEST_F(RootDirTest, OpensPlainRelativeAndAbsolutePathsBeneathTheRoot) {
  RootDir dir(root.string());
  auto a = dir.open("src/a.py");
  if (!a.fd && errno == ENOSYS) GTEST_SKIP() << "no openat2 on this kernel";
  EXPECT_EQ(firstLine(a), "inside");
  EXPECT_EQ(a.rel, "src/a.py");
  auto b = dir.open((root / "src" / "deep" / "b.py").string());
  EXPECT_EQ(firstLine(b), "deeper");
  EXPECT_EQ(b.rel, "src/deep/b.py");
}

TEST_F(RootDirTest, LeavesDotsEmptyComponentsAndTrailingSlashesToTheSlowPath) {
  RootDir dir(root.string());
  for (const char* p : {"./src/a.py", "src/./a.py", "src//a.py", "src/deep/../a.py",
                        "../secret.txt", "src/a.py/", "", "/", "src/"})
    EXPECT_FALSE(dir.open(p).fd) << p;
  EXPECT_EQ(plainRelativePath(root.string(), "src/./a.py"), "");
  EXPECT_EQ(plainRelativePath(root.string(), "src/a.py"), "src/a.py");
}

TEST_F(RootDirTest, NeverOpensOutsideTheRoot) {
  RootDir dir(root.string());
  EXPECT_FALSE(dir.open((base / "secret.txt").string()).fd);
  EXPECT_FALSE(dir.open(root.string() + "x/secret.txt").fd);  // a sibling sharing the prefix
  EXPECT_FALSE(dir.open(root.string()).fd);
}

TEST_F(RootDirTest, NeverFollowsASymbolicLinkInsideOrOut) {
  fs::create_symlink(base / "secret.txt", root / "out.txt");
  fs::create_symlink("a.py", root / "src" / "in.py");
  fs::create_directory_symlink(base, root / "up");
  RootDir dir(root.string());
  EXPECT_FALSE(dir.open("out.txt").fd);
  EXPECT_FALSE(dir.open("up/secret.txt").fd);
  // Even a link that stays inside goes the slow way (which reports the target's path).
  EXPECT_FALSE(dir.open("src/in.py").fd);
}

TEST_F(RootDirTest, AMissingFileOrAnUnopenableRootIsNotOpened) {
  EXPECT_FALSE(RootDir(root.string()).open("src/missing.py").fd);
  EXPECT_FALSE(RootDir((base / "gone").string()).open("src/a.py").fd);
}

}  // namespace
}  // namespace sb
