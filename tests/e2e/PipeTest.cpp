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

// The `echo '...' | build/switchboard pipe` lines of a document that ask
// for workspace/symbol, exactly as written there.
std::vector<std::string> documentedSymbolPipes(const fs::path& doc) {
  std::vector<std::string> found;
  std::ifstream in(doc);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("echo '", 0) == 0 && line.find("\"workspace/symbol\"") != std::string::npos &&
        line.find("switchboard pipe") != std::string::npos)
      found.push_back(line);
  return found;
}

// The documented one-liners on this repository with an empty index: indexing
// starts with the pipe, and the query waits for it rather than answering from
// the empty index (it used to print [] and abandon indexing at end of input).
TEST_F(PipeTest, WorkspaceSymbolOnAFreshIndexFindsTheDefinition) {
  const fs::path source = SB_SOURCE_DIR;
  std::vector<std::string> documented = documentedSymbolPipes(source / "README.md");
  for (auto& l : documentedSymbolPipes(source / "docs" / "protocols.md")) documented.push_back(l);
  ASSERT_EQ(documented.size(), 2u) << "README.md and docs/protocols.md each show one";
  int n = 0;
  for (std::string line : documented) {
    SCOPED_TRACE(line);
    const std::string query = json::parse(line.substr(6, line.rfind('\'') - 6))["params"]["query"];
    // The docs run it from the repository root as build/switchboard or as
    // switchboard on PATH; here the binary under test, with an index folder
    // that does not exist yet.
    for (const std::string name : {"build/switchboard pipe", "switchboard pipe"})
      if (auto at = line.rfind(name); at != std::string::npos) {
        line.replace(at, name.size(), std::string("'") + SB_BINARY + "' pipe");
        break;
      }
    const fs::path index = dir_ / ("fresh-index-" + std::to_string(n++));
    ASSERT_FALSE(fs::exists(index));
    auto p = ChildProcess::start(
        {"/bin/sh", "-c",
         "cd '" + source.string() + "' && " + line + " --index-dir '" + index.string() + "'"});
    p.io().closeWrite();
    auto status = p.wait(std::chrono::seconds(100));
    ASSERT_TRUE(status) << "the pipe did not exit";
    EXPECT_EQ(status->code, 0) << p.err();
    auto out = lines(p.out());
    ASSERT_EQ(out.size(), 1u) << p.out();
    ASSERT_TRUE(out[0]["result"].is_array()) << out[0].dump();
    ASSERT_FALSE(out[0]["result"].empty()) << "answered before the index was built:\n" << p.err();
    // The best match is the definition of that very name, in this repository.
    EXPECT_EQ(out[0]["result"][0]["name"], query) << out[0].dump();
    const std::string uri = out[0]["result"][0]["location"]["uri"];
    EXPECT_EQ(uri.rfind("file://" + source.string() + "/", 0), 0u) << uri;
  }
}

// A definition in another file is found although the pipe's index was empty
// when the request arrived.
TEST_F(PipeTest, DefinitionAcrossFilesWaitsForTheFirstIndex) {
  std::ofstream(dir_ / "ws" / "main.py") << "from greet import greet\n\ngreet('x')\n";
  std::string uri = "file://" + (dir_ / "ws" / "main.py").string();
  auto out = run(
      json({{"jsonrpc", "2.0"},
            {"id", 1},
            {"method", "textDocument/definition"},
            {"params",
             {{"textDocument", {{"uri", uri}}}, {"position", {{"line", 2}, {"character", 1}}}}}})
          .dump() +
      "\n");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0]["result"].is_array()) << out[0].dump();
  ASSERT_FALSE(out[0]["result"].empty()) << out[0].dump();
  EXPECT_EQ(out[0]["result"][0]["uri"], "file://" + (dir_ / "ws" / "greet.py").string());
}

}  // namespace
}  // namespace sb::e2e
