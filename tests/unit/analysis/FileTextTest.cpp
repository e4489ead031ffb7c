// readFileText: exact bytes, files stat cannot size, and clear failures.
#include "analysis/FileText.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sb {
namespace {

namespace fs = std::filesystem;

struct FileTextTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("sb-filetext-" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return (dir / name).string();
  }
};

TEST_F(FileTextTest, ReadsEveryByteIncludingNulsAndInvalidUtf8) {
  std::string bytes = std::string("a\0b\xff\r\n", 6) + std::string(200000, 'x');
  EXPECT_EQ(readFileText(write("f.bin", bytes)), bytes);
  EXPECT_EQ(readFileText(write("empty", "")), "");
}

TEST_F(FileTextTest, ReadsFilesWhoseSizeStatDoesNotKnow) {
  auto status = readFileText("/proc/self/status");  // st_size is 0 on procfs
  ASSERT_TRUE(status);
  EXPECT_NE(status->find("Name:"), std::string::npos);
}

TEST_F(FileTextTest, MissingFilesAndFoldersAreNotText) {
  EXPECT_FALSE(readFileText((dir / "missing").string()));
  EXPECT_FALSE(readFileText(dir.string()));
}

}  // namespace
}  // namespace sb
