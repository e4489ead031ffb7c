// The one-shot commands and flags of the binary.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "Daemon.h"

namespace sb::e2e {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(CommandLineTest, VersionPrintsVersionAndExitsZero) {
  auto run = runToCompletion({SB_BINARY, "--version"});
  EXPECT_EQ(run.status.code, 0) << run.status.describe();
  EXPECT_TRUE(std::regex_match(run.out, std::regex("switchboard \\d+\\.\\d+\\.\\d+\n"))) << run.out;
}

TEST(CommandLineTest, HelpPrintsUsageAndExitsZero) {
  auto run = runToCompletion({SB_BINARY, "--help"});
  EXPECT_EQ(run.status.code, 0) << run.status.describe();
  for (const char* needle : {"Usage: switchboard", "lsp", "symbols", "check", "--listen"})
    EXPECT_NE(run.out.find(needle), std::string::npos) << "--help lacks '" << needle << "'";
}

TEST(CommandLineTest, UnknownOptionExitsTwoWithMessage) {
  auto run = runToCompletion({SB_BINARY, "lsp", "--no-such-option"});
  EXPECT_EQ(run.status.code, 2) << run.status.describe();
  EXPECT_NE(run.err.find("--no-such-option"), std::string::npos) << run.err;
}

TEST(CommandLineTest, SymbolsPrintsOneBasedLocations) {
  const std::string file = fixturePath("greeter.py");
  auto run = runToCompletion({SB_BINARY, "symbols", file});
  EXPECT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.err;
  const std::regex kLine(std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                         R"(:(\d+):(\d+): (\s*)\S+ (\w+).*)");
  std::map<std::string, std::string> where;  // name -> "LINE:COL"
  for (const auto& line : lines(run.out)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, kLine)) << "not FILE:LINE:COL: " << line;
    where[m[4]] = m[1].str() + ":" + m[2].str();
  }
  // Lines and columns of the names in greeter.py, counted from 1.
  EXPECT_EQ(where["Greeter"], "4:7") << run.out;
  EXPECT_EQ(where["__init__"], "5:9") << run.out;
  EXPECT_EQ(where["greet"], "8:9") << run.out;
  EXPECT_EQ(where["make_greeter"], "12:5") << run.out;
}

TEST(CommandLineTest, CheckReportsSyntaxErrorCompilerStyle) {
  const std::string file = fixturePath("broken.py");
  auto run = runToCompletion({SB_BINARY, "check", file});
  EXPECT_EQ(run.status.code, 1) << run.status.describe();
  auto out = lines(run.out);
  ASSERT_FALSE(out.empty()) << "no diagnostics; stderr: " << run.err;
  for (const auto& line : out)
    EXPECT_EQ(line.rfind(file + ":", 0), 0u) << "not FILE:LINE:COL: error: ...: " << line;
  // The broken definition is on line 5.
  EXPECT_TRUE(std::regex_match(out[0], std::regex(".*:5:\\d+: error: .+"))) << out[0];
}

TEST(CommandLineTest, CheckOnCleanFileExitsZeroSilently) {
  auto run =
      runToCompletion({SB_BINARY, "check", fixturePath("greeter.py"), fixturePath("shapes.cpp")});
  EXPECT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace sb::e2e
