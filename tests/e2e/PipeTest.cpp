// `switchboard pipe`: newline-delimited JSON requests in, one response per
// line out, no initialize needed, everything answered before exit at EOF.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ChildProcess.h"

namespace sb::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::vector<json> lines(const std::string& out) {
  std::vector<json> v;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) v.push_back(json::parse(line));
  return v;
}

class PipeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sb-pipe-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "ws");
    std::ofstream(dir_ / "ws" / "greet.py") << "def greet(name):\n    return 'hi ' + name\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the pipe with `input` on stdin (then EOF) and returns stdout lines.
  std::vector<json> run(const std::string& input, int* exitCode = nullptr) {
    auto p = ChildProcess::start({SB_BINARY, "pipe", "--workspace", (dir_ / "ws").string(),
                                  "--index-dir", (dir_ / "index").string()});
    p.io().write(input);
    p.io().closeWrite();
    auto status = p.wait(std::chrono::seconds(20));
    EXPECT_TRUE(status) << "pipe did not exit at end of input";
    if (status && exitCode) *exitCode = status->code;
    return lines(p.out());
  }

  fs::path dir_;
};

TEST_F(PipeTest, AnswersRequestsWithoutInitializeOneLineEach) {
  std::string uri = "file://" + (dir_ / "ws" / "greet.py").string();
  int code = -1;
  auto out =
      run(json({{"jsonrpc", "2.0"},
                {"id", 1},
                {"method", "textDocument/documentSymbol"},
                {"params", {{"textDocument", {{"uri", uri}}}}}})
                  .dump() +
              "\n" + json({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "no/such"}}).dump() + "\n",
          &code);
  ASSERT_EQ(out.size(), 2u);
  std::map<int, json> byId;
  for (auto& m : out) byId[m["id"].get<int>()] = m;
  ASSERT_TRUE(byId[1].contains("result")) << byId[1].dump();
  EXPECT_EQ(byId[1]["result"][0]["name"], "greet");
  EXPECT_EQ(byId[2]["error"]["code"], -32601);
  EXPECT_EQ(code, 0);
}

TEST_F(PipeTest, ProtocolErrorsAreLinesToo) {
  auto out = run("{broken\n\n[]\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]["error"]["code"], -32700);
  EXPECT_EQ(out[1]["error"]["code"], -32600);
}

TEST_F(PipeTest, WritesNoNotifications) {
  std::string uri = "file://" + (dir_ / "ws" / "bad.py").string();
  // didOpen of a broken file would publish diagnostics in LSP mode.
  auto out = run(
      json({{"jsonrpc", "2.0"},
            {"method", "textDocument/didOpen"},
            {"params",
             {{"textDocument",
               {{"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", "def (:\n"}}}}}})
          .dump() +
      "\n" +
      json({{"jsonrpc", "2.0"},
            {"id", 7},
            {"method", "textDocument/foldingRange"},
            {"params", {{"textDocument", {{"uri", uri}}}}}})
          .dump() +
      "\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["id"], 7);
}

}  // namespace
}  // namespace sb::e2e
