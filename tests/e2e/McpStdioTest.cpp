// `switchboard mcp` over stdio, driven as an MCP client would: lifecycle,
// every code tool on a fixture repository, and bad input.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "ChildProcess.h"
#include "JsonLines.h"

namespace sb::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class McpStdio : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sb-mcp-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", dir_ / "ws", fs::copy_options::recursive);
    std::ofstream(dir_ / "outside.txt") << "secret\n";
    proc_.emplace(ChildProcess::start(
        {SB_BINARY, "mcp", (dir_ / "ws").string(), "--index-dir", (dir_ / "index").string()}));
  }
  void TearDown() override {
    proc_.reset();
    fs::remove_all(dir_);
  }

  void send(const json& m) { proc_->io().write(m.dump() + "\n"); }
  // The next message with this id (notifications skipped).
  json response(int id) {
    auto found = waitForResponse(proc_->io(), id, 10s);
    EXPECT_TRUE(found) << "no response to id " << id << "; stderr: " << proc_->err();
    return found.value_or(json());
  }
  json call(const std::string& method, json params) {
    int id = next_++;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return response(id);
  }
  json initialize() {
    json r = call("initialize", {{"protocolVersion", "2025-06-18"},
                                 {"capabilities", json::object()},
                                 {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}});
    send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    return r;
  }
  json tool(const std::string& name, json args) {
    return call("tools/call", {{"name", name}, {"arguments", std::move(args)}});
  }
  // Tools answer from the index, which is built in the background.
  void waitForIndex() {
    for (int i = 0; i < 100; ++i) {
      json r = tool("workspace_stats", json::object());
      if (!r["result"]["structuredContent"]["indexing"].get<bool>() &&
          r["result"]["structuredContent"]["files"].get<int>() > 0)
        return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "index never ready";
  }

  fs::path dir_;
  std::optional<ChildProcess> proc_;
  int next_ = 1;
};

TEST_F(McpStdio, InitializeNegotiatesVersionAndAdvertisesCapabilities) {
  json r = initialize();
  EXPECT_EQ(r["result"]["protocolVersion"], "2025-06-18");
  EXPECT_TRUE(r["result"]["capabilities"].contains("tools"));
  EXPECT_TRUE(r["result"]["capabilities"].contains("resources"));
  EXPECT_TRUE(r["result"]["capabilities"].contains("prompts"));
  EXPECT_EQ(r["result"]["serverInfo"]["name"], "switchboard");
}

TEST_F(McpStdio, UnknownVersionGetsTheLatest) {
  json r = call("initialize", {{"protocolVersion", "1999-01-01"},
                               {"capabilities", json::object()},
                               {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}});
  EXPECT_EQ(r["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(McpStdio, RequestBeforeInitializeIsRefusedButPingWorks) {
  EXPECT_EQ(call("tools/list", json::object())["error"]["code"], -32002);
  EXPECT_TRUE(call("ping", json::object())["result"].is_object());
}

TEST_F(McpStdio, ListsTheCodeTools) {
  initialize();
  json r = call("tools/list", json::object());
  std::set<std::string> names;
  for (const auto& t : r["result"]["tools"]) {
    names.insert(t["name"]);
    EXPECT_EQ(t["inputSchema"]["type"], "object") << t.dump();
  }
  for (const char* want :
       {"find_symbol", "get_definition", "find_references", "document_outline", "repo_map",
        "search_code", "read_file", "get_diagnostics", "workspace_stats"})
    EXPECT_TRUE(names.count(want)) << want;
}

TEST_F(McpStdio, CodeToolsAnswerFromTheFixture) {
  initialize();
  waitForIndex();
  json r = tool("find_symbol", {{"query", "with_vat"}});
  ASSERT_FALSE(r["result"].value("isError", false)) << r.dump();
  auto symbols = r["result"]["structuredContent"]["symbols"];
  ASSERT_FALSE(symbols.empty()) << r.dump();
  EXPECT_EQ(symbols[0]["path"], "shop/pricing.py");
  EXPECT_EQ(symbols[0]["kind"], "function");

  r = tool("get_definition", {{"symbol", "Item"}});
  ASSERT_FALSE(r["result"]["structuredContent"]["definitions"].empty()) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"]["definitions"][0]["path"], "shop/pricing.py");

  r = tool("find_references", {{"symbol", "with_vat"}});
  bool fromBasket = false;
  for (const auto& ref : r["result"]["structuredContent"]["references"])
    fromBasket |= ref["path"] == "shop/basket.py";
  EXPECT_TRUE(fromBasket) << r.dump();

  r = tool("document_outline", {{"path", "shop/basket.py"}});
  EXPECT_EQ(r["result"]["structuredContent"]["symbols"][0]["name"], "Basket") << r.dump();

  r = tool("search_code", {{"pattern", "def with_"}});
  ASSERT_EQ(r["result"]["structuredContent"]["matches"].size(), 1u) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"]["matches"][0]["path"], "shop/pricing.py");

  r = tool("search_code", {{"pattern", "VAT_[A-Z]+"}, {"regex", true}});
  EXPECT_GE(r["result"]["structuredContent"]["matches"].size(), 2u) << r.dump();

  r = tool("read_file", {{"path", "shop/pricing.py"}, {"startLine", 1}, {"endLine", 1}});
  EXPECT_EQ(r["result"]["content"][0]["text"], "\"\"\"Price calculations for the shop.\"\"\"\n");
  const json& range = r["result"]["structuredContent"];
  EXPECT_EQ(range["path"], "shop/pricing.py");
  EXPECT_EQ(range["startLine"], 1);
  EXPECT_EQ(range["endLine"], 1);
  EXPECT_GE(range["totalLines"].get<int>(), 29);
  EXPECT_FALSE(range.contains("text")) << "the text is sent once, in the content";

  r = tool("get_diagnostics", {{"path", "shop/pricing.py"}});
  EXPECT_TRUE(r["result"]["structuredContent"]["diagnostics"].empty()) << r.dump();

  r = tool("repo_map", {{"tokens", 200}});
  EXPECT_FALSE(r["result"].value("isError", false)) << r.dump();
}

TEST_F(McpStdio, PathsOutsideTheWorkspaceAreRefused) {
  initialize();
  for (const json& path : {json("../outside.txt"), json((dir_ / "outside.txt").string()),
                           json("/etc/passwd"), json("shop/../../outside.txt")}) {
    json r = tool("read_file", {{"path", path}});
    EXPECT_TRUE(r["result"].value("isError", false)) << path << ": " << r.dump();
    EXPECT_EQ(r["result"]["content"][0]["text"].get<std::string>().find("secret"),
              std::string::npos);
  }
  fs::create_directory_symlink(dir_, dir_ / "ws" / "escape");
  json r = tool("read_file", {{"path", "escape/outside.txt"}});
  EXPECT_TRUE(r["result"].value("isError", false)) << r.dump();
}

// read_file's two routes give the same answers: a small file answered on the
// receiving thread, one over 1 MiB on a worker (2000 lines at most either
// way), and what is not a text file refused with the reason, without blocking
// on a FIFO.
TEST_F(McpStdio, ReadFileAnswersAlikeWhicheverThreadReadsIt) {
  initialize();
  std::string big;
  for (int i = 1; big.size() < (3u << 19); ++i) big += "line " + std::to_string(i) + "\n";
  std::ofstream(dir_ / "ws" / "big.txt") << big;  // 1.5 MiB: not inline
  json r = tool("read_file", {{"path", "big.txt"}, {"startLine", 100}});
  ASSERT_FALSE(r["result"].value("isError", false)) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"]["startLine"], 100);
  EXPECT_EQ(r["result"]["structuredContent"]["endLine"], 2099);  // 2000 lines at most
  EXPECT_EQ(r["result"]["content"][0]["text"].get<std::string>().substr(0, 9), "line 100\n");
  r = tool("read_file", {{"path", "shop/pricing.py"}, {"startLine", 2000}});
  EXPECT_NE(r["result"]["content"][0]["text"].get<std::string>().find("past the end"),
            std::string::npos)
      << r.dump();

  ASSERT_EQ(::mkfifo((dir_ / "ws" / "fifo").c_str(), 0600), 0);
  std::ofstream(dir_ / "ws" / "blob.bin", std::ios::binary) << std::string("a\0b", 3);
  const std::vector<std::pair<std::string, std::string>> refused = {{"fifo", "not a file"},
                                                                    {"shop", "not a file"},
                                                                    {"blob.bin", "binary file"},
                                                                    {"missing.py", "no such file"}};
  for (const auto& [path, why] : refused) {
    r = tool("read_file", {{"path", path}});
    EXPECT_TRUE(r["result"].value("isError", false)) << path << ": " << r.dump();
    EXPECT_NE(r["result"]["content"][0]["text"].get<std::string>().find(why), std::string::npos)
        << path << ": " << r.dump();
  }
}

TEST_F(McpStdio, ResourceUrisOutsideTheWorkspaceAreRefused) {
  initialize();
  const std::string ws = fs::canonical(dir_ / "ws").string();
  fs::create_directory_symlink(dir_, dir_ / "ws" / "escape");
  for (const std::string& uri :
       {std::string("file:///etc/passwd"), "file://" + ws + "/../outside.txt",
        "file://" + ws + "/escape/outside.txt", "file://" + ws + "/shop/%2e%2e/../outside.txt"}) {
    json r = call("resources/read", {{"uri", uri}});
    EXPECT_TRUE(r.contains("error")) << uri << ": " << r.dump();
    EXPECT_EQ(r.dump().find("secret"), std::string::npos) << uri << ": " << r.dump();
  }
}

TEST_F(McpStdio, BadCallsAreErrorsNotCrashes) {
  initialize();
  EXPECT_EQ(tool("no_such_tool", json::object())["error"]["code"], -32602);
  json r = tool("read_file", {{"path", 42}});
  EXPECT_TRUE(r["result"]["isError"].get<bool>()) << r.dump();
  r = tool("find_symbol", json::object());
  EXPECT_TRUE(r["result"]["isError"].get<bool>()) << r.dump();
  r = tool("search_code", {{"pattern", "(unclosed"}, {"regex", true}});
  EXPECT_TRUE(r["result"]["isError"].get<bool>()) << r.dump();
  proc_->io().write("{not json\n");
  r = tool("find_symbol", {{"query", std::string(100000, 'x')}});
  EXPECT_TRUE(r.contains("result")) << r.dump();
  EXPECT_TRUE(call("ping", json::object())["result"].is_object());
}

TEST_F(McpStdio, ResourcesAndPrompts) {
  initialize();
  waitForIndex();
  json r = call("resources/list", json::object());
  bool hasMap = false;
  for (const auto& res : r["result"]["resources"]) hasMap |= res["uri"] == "switchboard://repo-map";
  EXPECT_TRUE(hasMap) << r.dump();
  std::string uri = "file://" + fs::canonical(dir_ / "ws" / "shop" / "pricing.py").string();
  r = call("resources/read", {{"uri", uri}});
  EXPECT_NE(r["result"]["contents"][0]["text"].get<std::string>().find("VAT_RATE"),
            std::string::npos);
  r = call("resources/read", {{"uri", "file://" + (dir_ / "outside.txt").string()}});
  EXPECT_TRUE(r.contains("error")) << r.dump();
  r = call("prompts/get", {{"name", "review"}, {"arguments", {{"path", "shop/basket.py"}}}});
  EXPECT_NE(r["result"]["messages"][0]["content"]["text"].get<std::string>().find("class Basket"),
            std::string::npos);
  r = call("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", "review"}}},
                                   {"argument", {{"name", "path"}, {"value", "shop/b"}}}});
  EXPECT_EQ(r["result"]["completion"]["values"], json::array({"shop/basket.py"}));
}

TEST_F(McpStdio, SubscribedResourcesSendUpdatedWhenTheyChange) {
  initialize();
  std::string uri = "file://" + fs::canonical(dir_ / "ws" / "shop" / "pricing.py").string();
  std::string other = "file://" + fs::canonical(dir_ / "ws" / "shop" / "basket.py").string();
  ASSERT_TRUE(call("resources/subscribe", {{"uri", uri}})["result"].is_object());
  ASSERT_TRUE(call("resources/subscribe", {{"uri", other}})["result"].is_object());
  ASSERT_TRUE(call("resources/unsubscribe", {{"uri", other}})["result"].is_object());
  std::this_thread::sleep_for(20ms);
  std::ofstream(dir_ / "ws" / "shop" / "pricing.py", std::ios::app) << "\n# changed\n";
  std::ofstream(dir_ / "ws" / "shop" / "basket.py", std::ios::app) << "\n# changed\n";
  std::vector<json> updates;
  proc_->io().waitUntil(
      [&] {
        std::string& in = proc_->io().inbox();
        size_t nl;
        while ((nl = in.find('\n')) != std::string::npos) {
          json m = json::parse(in.substr(0, nl));
          in.erase(0, nl + 1);
          if (m.value("method", "") == "notifications/resources/updated")
            updates.push_back(m["params"]);
        }
        return !updates.empty();
      },
      5s);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0]["uri"], uri);  // not the unsubscribed one
}

}  // namespace
}  // namespace sb::e2e
