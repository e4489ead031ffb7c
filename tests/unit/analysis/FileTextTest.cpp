// readFileText and readRegularFile: exact bytes, files stat cannot size,
// the size cap, and clear failures that never block.
#include "analysis/FileText.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
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

using Problem = RegularFileText::Problem;

TEST_F(FileTextTest, RegularFileUpToTheCapIsReadWhole) {
  std::string bytes = std::string("x\0y", 3) + std::string(5000, 'z');
  RegularFileText r = readRegularFile(write("f", bytes), bytes.size());
  EXPECT_EQ(r.problem, Problem::None);
  EXPECT_EQ(r.text, bytes);
  EXPECT_EQ(readRegularFile(write("e", ""), 0).problem, Problem::None);
}

TEST_F(FileTextTest, RegularFileOverTheCapIsRefusedUnread) {
  RegularFileText r = readRegularFile(write("big", std::string(4097, 'a')), 4096);
  EXPECT_EQ(r.problem, Problem::TooLarge);
  EXPECT_TRUE(r.text.empty());
}

TEST_F(FileTextTest, FoldersFifosAndLinksAreNotRegularFilesAndNothingBlocks) {
  EXPECT_EQ(readRegularFile(dir.string(), 1 << 20).problem, Problem::NotRegular);
  std::string fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(readRegularFile(fifo, 1 << 20).problem,
            Problem::NotRegular);  // no writer: must not hang
  std::string target = write("target", "secret");
  fs::create_symlink(target, dir / "link");
  EXPECT_EQ(readRegularFile((dir / "link").string(), 1 << 20).problem, Problem::NotRegular);
  EXPECT_EQ(readRegularFile((dir / "missing").string(), 1 << 20).problem, Problem::CannotOpen);
}

}  // namespace
}  // namespace sb
