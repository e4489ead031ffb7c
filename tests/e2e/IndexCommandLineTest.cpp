// The index commands of the binary: index, find, repomap.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "Daemon.h"
#include "ScratchDir.h"

namespace sb::e2e {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string regexEscape(const std::string& s) {
  return std::regex_replace(s, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
}

class IndexCommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override { copyWorkspaceFixture(ws_); }
  ScratchDir scratch_;
  const std::string ws_ = scratch_ / "ws";
  const std::string indexDir_ = scratch_ / "index";
};

TEST_F(IndexCommandLineTest, IndexPrintsSummaryAndIsIncrementalOnSecondRun) {
  auto first = runToCompletion({SB_BINARY, "index", ws_, "--index-dir", indexDir_});
  ASSERT_EQ(first.status.code, 0) << first.status.describe() << "\n" << first.err;
  auto out = lines(first.out);
  ASSERT_EQ(out.size(), 2u) << first.out;
  EXPECT_TRUE(std::regex_match(
      out[0],
      std::regex(
          regexEscape(ws_) +
          R"(: 7 files scanned, 7 indexed \(\d+ lines\), 0 unchanged, 0 removed, 0 skipped in \d+\.\d\d s)")))
      << out[0];
  EXPECT_TRUE(std::regex_match(
      out[1], std::regex(R"(index: 7 files, \d+ lines, \d+ definitions, \d+ references at )" +
                         regexEscape(indexDir_) + R"(/ws-[0-9a-f]{16}\.sqlite)")))
      << out[1];

  auto second = runToCompletion({SB_BINARY, "index", ws_, "--index-dir", indexDir_});
  ASSERT_EQ(second.status.code, 0) << second.status.describe() << "\n" << second.err;
  EXPECT_NE(
      second.out.find(": 7 files scanned, 0 indexed (0 lines), 7 unchanged, 0 removed, 0 skipped"),
      std::string::npos)
      << second.out;
  size_t dbs = 0;
  for (const auto& e : std::filesystem::directory_iterator(indexDir_))
    dbs += e.path().extension() == ".sqlite";
  EXPECT_EQ(dbs, 1u) << "one database per workspace, under --index-dir";
}

TEST_F(IndexCommandLineTest, IndexOfMissingDirectoryExitsTwo) {
  auto run = runToCompletion({SB_BINARY, "index", ws_ + "/missing", "--index-dir", indexDir_});
  EXPECT_EQ(run.status.code, 2) << run.status.describe();
  EXPECT_NE(run.err.find("not a directory"), std::string::npos) << run.err;
}

TEST_F(IndexCommandLineTest, FindPrintsOneBasedLocations) {
  auto run = runToCompletion(
      {SB_BINARY, "find", "area_of_circle", "--workspace", ws_, "--index-dir", indexDir_});
  ASSERT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.err;
  auto out = lines(run.out);
  ASSERT_FALSE(out.empty());
  std::smatch m;
  ASSERT_TRUE(std::regex_match(out[0], m, std::regex(R"(([^:]+):(\d+):(\d+): (\S+) (\S+)(.*))")))
      << out[0];
  EXPECT_EQ(m[1], "py/geometry.py");
  EXPECT_EQ(m[2], "6") << "line 6, counted from 1";
  EXPECT_EQ(m[3], "5") << "column 5, counted from 1";
  EXPECT_EQ(m[4], "function");
  EXPECT_EQ(m[5], "area_of_circle");
  EXPECT_NE(m[6].str().find("def area_of_circle(radius: float) -> float"), std::string::npos)
      << out[0];
  for (const auto& line : out)
    EXPECT_TRUE(std::regex_match(line, std::regex(R"([^:]+:\d+:\d+: .+)")))
        << "not FILE:LINE:COL: " << line;

  auto method =
      runToCompletion({SB_BINARY, "find", "label", "--workspace", ws_, "--index-dir", indexDir_});
  EXPECT_EQ(method.status.code, 0) << method.err;
  EXPECT_EQ(method.out.rfind("ts/cart.ts:6:3: method Cart::label", 0), 0u) << method.out;

  auto none = runToCompletion(
      {SB_BINARY, "find", "zzqqxxjj", "--workspace", ws_, "--index-dir", indexDir_});
  EXPECT_EQ(none.status.code, 1) << "no match exits 1";
  EXPECT_EQ(none.out, "");
}

TEST_F(IndexCommandLineTest, RepoMapFitsTheTokenBudget) {
  auto run =
      runToCompletion({SB_BINARY, "repomap", ws_, "--tokens", "200", "--index-dir", indexDir_});
  ASSERT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.err;
  EXPECT_FALSE(run.out.empty());
  EXPECT_LE(run.out.size(), 200u * 4) << run.out;
  for (const char* file : {"py/geometry.py:", "c/shapes.h:", "ts/format.ts:"})
    EXPECT_NE(run.out.find(file), std::string::npos)
        << "a referenced file is missing: " << file << "\n"
        << run.out;
  auto tiny =
      runToCompletion({SB_BINARY, "repomap", ws_, "--tokens", "10", "--index-dir", indexDir_});
  ASSERT_EQ(tiny.status.code, 0);
  EXPECT_LE(tiny.out.size(), 40u) << tiny.out;
}

}  // namespace
}  // namespace sb::e2e
