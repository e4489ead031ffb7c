// Workspace confinement of every path-taking MCP entry point: each tool,
// prompt and resources/read is given a path that leads out of the workspace
// (by "..", an absolute path, ".." after a real folder, a symlinked folder
// and a symlinked file) and must refuse it with a clear error, with no byte
// of the outside file in the answer or in what reaches the model.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>

#include "ChildProcess.h"
#include "DaemonEnvironment.h"
#include "FakeBackend.h"
#include "JsonLines.h"

namespace sb::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// What the outside file holds; none of it may come back.
const char* kOutside =
    "def leaked_secret_function():\n    return 'TOPSECRET-7731'\n\nleaked_secret_function()\n";
const std::vector<std::string> kNeedles = {"TOPSECRET", "leaked_secret"};

struct Escape {
  std::string name;
  // The path argument, given the workspace and the folder outside it.
  std::function<std::string(const fs::path& ws, const fs::path& outside)> path;
};

void PrintTo(const Escape& e, std::ostream* os) {
  *os << e.name;
}

class McpConfinement : public ::testing::TestWithParam<Escape> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sb-confine-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "outside");
    fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", dir_ / "ws", fs::copy_options::recursive);
    std::ofstream(dir_ / "outside" / "secret.py") << kOutside;
    fs::create_directory_symlink(dir_ / "outside", dir_ / "ws" / "linkdir");
    fs::create_symlink(dir_ / "outside" / "secret.py", dir_ / "ws" / "link.py");
    ws_ = fs::canonical(dir_ / "ws");
    // A model is configured, so complete_code and ask get as far as reading files.
    env_.emplace(dir_, backend_.url() + "/v1");
    proc_.emplace(ChildProcess::start(
        {SB_BINARY, "mcp", ws_.string(), "--index-dir", (dir_ / "index").string()}));
  }
  void TearDown() override {
    proc_.reset();
    env_.reset();
    fs::remove_all(dir_);
  }

  json call(const std::string& method, json params) {
    int id = next_++;
    proc_->io().write(
        json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}
            .dump() +
        "\n");
    auto found = waitForResponse(proc_->io(), id, 30s);
    EXPECT_TRUE(found) << "no response to " << method << "; stderr: " << proc_->err();
    return found.value_or(json());
  }
  void initialize() {
    call("initialize", {{"protocolVersion", "2025-06-18"},
                        {"capabilities", json::object()},
                        {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}});
    proc_->io().write(json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}.dump() +
                      "\n");
  }

  fs::path dir_, ws_;
  fake::FakeBackend backend_;
  std::optional<DaemonEnvironment> env_;
  std::optional<ChildProcess> proc_;
  int next_ = 1;
};

// The error text a refusal carries: a tool's error result or a JSON-RPC error.
std::optional<std::string> refusal(const json& r) {
  if (r.contains("error")) return r["error"].value("message", r["error"].dump());
  if (r.contains("result") && r["result"].value("isError", false))
    return r["result"]["content"][0].value("text", "");
  return std::nullopt;
}

void expectRefusedWithoutLeak(const std::string& what, const json& r) {
  auto why = refusal(r);
  ASSERT_TRUE(why.has_value()) << what << " was not refused: " << r.dump();
  EXPECT_TRUE(why->find("outside the workspace") != std::string::npos ||
              why->find("'..'") != std::string::npos)
      << what << ": the error should say why: " << *why;
  for (const auto& needle : kNeedles)
    EXPECT_EQ(r.dump().find(needle), std::string::npos) << what << " leaked: " << r.dump();
}

TEST_P(McpConfinement, EveryPathTakingToolPromptAndResourceRefuses) {
  initialize();
  const std::string path = GetParam().path(ws_, dir_ / "outside");
  const json position = {{"path", path}, {"line", 1}, {"column", 5}};
  const std::vector<std::pair<std::string, json>> tools = {
      {"read_file", {{"path", path}}},
      {"get_definition", position},
      {"find_references", position},
      {"document_outline", {{"path", path}}},
      {"get_diagnostics", {{"path", path}}},
      {"complete_code", {{"path", path}, {"line", 2}, {"column", 5}}},
      {"ask", {{"question", "What does this return?"}, {"paths", {"shop/pricing.py", path}}}},
  };
  for (const auto& [name, args] : tools)
    expectRefusedWithoutLeak("tool " + name,
                             call("tools/call", {{"name", name}, {"arguments", args}}));
  for (const char* prompt : {"explain", "review", "write_tests"})
    expectRefusedWithoutLeak(
        std::string("prompt ") + prompt,
        call("prompts/get", {{"name", prompt}, {"arguments", {{"path", path}}}}));
  const std::string uri = "file://" + (fs::path(path).is_absolute() ? path : (ws_ / path).string());
  json r = call("resources/read", {{"uri", uri}});
  ASSERT_TRUE(r.contains("error")) << uri << ": " << r.dump();
  for (const auto& needle : kNeedles)
    EXPECT_EQ(r.dump().find(needle), std::string::npos) << uri << " leaked: " << r.dump();

  // Nothing of the outside file reached the model either.
  for (const auto& req : backend_.requests())
    for (const auto& needle : kNeedles)
      EXPECT_EQ(req.body.find(needle), std::string::npos) << "sent to the model: " << req.body;
  // The daemon is still serving inside the workspace.
  r = call("tools/call", {{"name", "read_file"}, {"arguments", {{"path", "shop/pricing.py"}}}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_FALSE(r["result"].value("isError", false)) << r.dump();
}

// The other side: every way of naming a file inside the workspace reads it,
// whether it takes read_file's one-call fast path (a plain path) or the slow
// one (dots, doubled slashes, an absolute path, links that stay inside), and
// both report the same workspace path.
TEST_F(McpConfinement, PathsThatStayInsideAreReadWhicheverWayTheyAreWritten) {
  fs::create_symlink("shop/pricing.py", ws_ / "inlink.py");
  fs::create_directory_symlink("shop", ws_ / "shoplink");
  initialize();
  const json plain =
      call("tools/call", {{"name", "read_file"}, {"arguments", {{"path", "shop/pricing.py"}}}});
  ASSERT_FALSE(plain["result"].value("isError", false)) << plain.dump();
  const std::string text = plain["result"]["content"][0]["text"];
  EXPECT_EQ(plain["result"]["structuredContent"]["path"], "shop/pricing.py");
  const std::vector<std::string> paths = {"./shop/pricing.py",
                                          "shop//pricing.py",
                                          "shop/../shop/pricing.py",
                                          (ws_ / "shop/pricing.py").string(),
                                          "inlink.py",
                                          "shoplink/pricing.py"};
  for (const auto& path : paths) {
    json r = call("tools/call", {{"name", "read_file"}, {"arguments", {{"path", path}}}});
    if (path.find("..") != std::string::npos) {  // refused whatever it leads to
      EXPECT_TRUE(r["result"].value("isError", false)) << path << ": " << r.dump();
      continue;
    }
    ASSERT_FALSE(r["result"].value("isError", false)) << path << ": " << r.dump();
    EXPECT_EQ(r["result"]["content"][0]["text"], text) << path;
    EXPECT_EQ(r["result"]["structuredContent"]["path"], "shop/pricing.py") << path;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Escapes, McpConfinement,
    ::testing::Values(
        Escape{"ParentDir", [](auto&, auto&) { return std::string("../outside/secret.py"); }},
        Escape{"AbsoluteOutside",
               [](auto&, const fs::path& outside) { return (outside / "secret.py").string(); }},
        Escape{"DotDotAfterARealFolder",
               [](auto&, auto&) { return std::string("shop/../../outside/secret.py"); }},
        Escape{"SymlinkedFolder", [](auto&, auto&) { return std::string("linkdir/secret.py"); }},
        Escape{"SymlinkedFile", [](auto&, auto&) { return std::string("link.py"); }}),
    [](const ::testing::TestParamInfo<Escape>& info) { return info.param.name; });

}  // namespace
}  // namespace sb::e2e
