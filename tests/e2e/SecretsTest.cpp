// Secrets never reach disk or error text: the real binary runs in a scratch
// HOME (clean environment, XDG dirs inside it) with API keys in its
// environment and an MCP bearer token, against the fake backend, through
// completions that succeed, backend errors (401, 500) whose bodies echo the
// key back, `config check`, and an MCP HTTP session with right and wrong
// tokens. Then every file under the scratch folder (logs, the response cache
// and index SQLite files, the XDG state/cache/config dirs) and everything the
// processes printed is searched for the key and token strings.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <regex>
#include <thread>

#include "ChildProcess.h"
#include "FakeBackend.h"
#include "HttpProbe.h"
#include "LspClient.h"
#include "ScratchDir.h"

namespace sb::e2e {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const std::string kOpenAiKey = "sk-test-OPENAIKEY-9f3a1c7e5d";
const std::string kAnthropicKey = "sk-ant-ANTHROPICKEY-4b8e2d6f0a";
const std::string kMcpToken = "mcp-TOKEN-c0ffee1234567890";
const std::string kLspToken = "lsp-TOKEN-5eed5eed98765432";
// Parts that would show up even if a secret were cut or redacted partially.
const std::vector<std::string> kNeedles = {
    kOpenAiKey,          kAnthropicKey,      kMcpToken, "OPENAIKEY-9f3a",
    "ANTHROPICKEY-4b8e", "c0ffee1234567890", kLspToken, "5eed5eed98765432"};

enum class Mode { Ok, Unauthorized, ServerError };

class Secrets : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(ws());
    fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", ws(), fs::copy_options::recursive);
    for (const char* d : {"home", "xdg/config/switchboard", "xdg/cache", "xdg/state", "xdg/data"})
      fs::create_directories(dir / d);
    // Two backends with their keys in the environment; the cache is on for
    // deterministic requests (temperature 0 is the default).
    writeText(dir / "xdg/config/switchboard/config.json", R"({
      "backends": [
        {"name": "claude", "provider": "anthropic", "baseUrl": ")" +
                                                              backend.url() + R"(",
         "apiKeyEnv": "ANTHROPIC_API_KEY", "model": "fake-model"},
        {"name": "oai", "provider": "openai", "baseUrl": ")" + backend.url() +
                                                              R"(/v1",
         "apiKeyEnv": "OPENAI_API_KEY", "model": "fake-model"}],
      "cache": {"path": ")" + (dir / "xdg/cache/switchboard/llm-cache.sqlite") +
                                                              R"("}
    })");
    // Error replies echo whatever credential the request carried, as real
    // providers do ("Incorrect API key provided: sk-...").
    backend.setResponder([this](const fake::RecordedRequest& r) -> std::optional<fake::Reply> {
      std::string credential = r.header("authorization") + r.header("x-api-key");
      switch (mode.load()) {
        case Mode::Unauthorized:
          return fake::errorReply(401, "Incorrect API key provided: " + credential);
        case Mode::ServerError:
          return fake::errorReply(500, "upstream failed for key " + credential);
        default:
          return std::nullopt;
      }
    });
  }

  std::string ws() const { return dir / "ws"; }
  std::vector<std::string> env(std::vector<std::string> argv) const {
    std::vector<std::string> out = {"/usr/bin/env",
                                    "-i",
                                    "HOME=" + (dir / "home"),
                                    "XDG_CONFIG_HOME=" + (dir / "xdg/config"),
                                    "XDG_CACHE_HOME=" + (dir / "xdg/cache"),
                                    "XDG_STATE_HOME=" + (dir / "xdg/state"),
                                    "XDG_DATA_HOME=" + (dir / "xdg/data"),
                                    "OPENAI_API_KEY=" + kOpenAiKey,
                                    "ANTHROPIC_API_KEY=" + kAnthropicKey,
                                    "SWITCHBOARD_MCP_TOKEN=" + kMcpToken,
                                    "SWITCHBOARD_LSP_TOKEN=" + kLspToken};
    for (const auto& v : sanitizerEnvironment()) out.push_back(v);
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
  }

  // Everything that must be free of secrets: printed text and every file.
  void expectNoSecrets() {
    auto scan = [](const std::string& what, const std::string& text) {
      for (const auto& needle : kNeedles)
        EXPECT_EQ(text.find(needle), std::string::npos) << "'" << needle << "' found in " << what;
    };
    for (const auto& [what, text] : printed) scan(what, text);
    size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
      if (!entry.is_regular_file()) continue;
      ++files;
      scan(entry.path().string(), readText(entry.path().string()));
    }
    EXPECT_GT(files, 0u);
  }

  ScratchDir dir;
  fake::FakeBackend backend;
  std::atomic<Mode> mode{Mode::Ok};
  std::vector<std::pair<std::string, std::string>> printed;  // (what, text)
};

TEST_F(Secrets, KeysAndTokensAreNeverWrittenOrEchoed) {
  // 1. The LSP daemon: completions that work, then ones the backend refuses
  //    with the key in the error body; trace logging to stderr.
  {
    auto proc = ChildProcess::start(env({SB_BINARY, "lsp", "--log-level", "trace"}));
    LspClient lsp(proc.io());
    json init = lsp.request(
        "initialize",
        {{"processId", nullptr}, {"rootUri", "file://" + ws()}, {"capabilities", json::object()}});
    ASSERT_TRUE(init.contains("result")) << init.dump() << proc.err();
    lsp.notify("initialized", json::object());
    for (int i = 0; i < 100; ++i) {  // the index is written under XDG_CACHE_HOME
      if (!lsp.request("workspace/symbol", {{"query", "with_vat"}})["result"].empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const std::string uri = "file://" + ws() + "/main.py";
    lsp.open(uri, "python", "from shop.pricing import with_vat\n\ndef total(amount):\n    ret\n");
    std::vector<json> seen;
    auto complete = [&](int character) {
      json r = lsp.request(
          "textDocument/completion",
          {{"textDocument", {{"uri", uri}}}, {"position", {{"line", 3}, {"character", character}}}},
          30s);
      seen.push_back(r);
      return r;
    };
    backend.setDefaultText("urn with_vat(amount)");
    json ok = complete(7);
    ASSERT_FALSE(ok["result"]["items"].empty()) << ok.dump() << proc.err();
    complete(7);  // the same request again: answered from the cache
    mode = Mode::Unauthorized;
    complete(6);
    mode = Mode::ServerError;
    complete(5);
    mode = Mode::Ok;
    lsp.request("shutdown", nullptr);
    lsp.notify("exit", nullptr);
    ASSERT_TRUE(proc.wait(10s)) << proc.err();
    for (const auto& r : seen) printed.emplace_back("an LSP response", r.dump());
    for (const auto& n : lsp.notifications()) printed.emplace_back("an LSP notification", n.dump());
    printed.emplace_back("the LSP daemon's stderr", proc.err());
    // The refusals reached the backend with the key, so echoes were sent back.
    bool sawKey = false;
    for (const auto& r : backend.requests()) sawKey |= r.header("x-api-key") == kAnthropicKey;
    EXPECT_TRUE(sawKey);
    EXPECT_NE(proc.err().find("401"), std::string::npos) << "the refusal should be logged:\n"
                                                         << proc.err();
  }

  // 2. config check, once with the backend refusing the key.
  for (Mode m : {Mode::Ok, Mode::Unauthorized}) {
    mode = m;
    auto run = runToCompletion(env({SB_BINARY, "config", "check", ws()}), 30s);
    printed.emplace_back("config check output", run.out + run.err);
    EXPECT_NE(run.out.find("ANTHROPIC_API_KEY (set)"), std::string::npos) << run.out;
  }
  mode = Mode::Ok;

  // 3. MCP over HTTP with a bearer token (from SWITCHBOARD_MCP_TOKEN), a log file
  //    under XDG_STATE_HOME, requests with the right and wrong tokens.
  {
    const std::string logFile = dir / "xdg/state/switchboard/mcp.log";
    fs::create_directories(fs::path(logFile).parent_path());
    auto proc = ChildProcess::start(env({SB_BINARY, "mcp", ws(), "--http", "127.0.0.1:0",
                                         "--log-level", "trace", "--log-file", logFile}));
    static const std::regex kLine("MCP on http://127\\.0\\.0\\.1:(\\d+)/mcp\n");
    std::smatch m;
    ASSERT_TRUE(proc.io().waitUntil([&] { return std::regex_search(proc.err(), m, kLine); }, 10s))
        << proc.err();
    const auto port = static_cast<uint16_t>(std::stoi(m[1]));
    const std::string auth = "Authorization: Bearer " + kMcpToken + "\r\n";
    const std::string kJson =
        "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";
    auto post = [&](const std::string& headers, const json& body) {
      HttpReply r = httpRequest(port, "POST", "/mcp", kJson + headers, body.dump());
      printed.emplace_back("an MCP HTTP reply", r.head + "\r\n\r\n" + r.body);
      return r;
    };
    HttpReply init = post(auth, {{"jsonrpc", "2.0"},
                                 {"id", 1},
                                 {"method", "initialize"},
                                 {"params",
                                  {{"protocolVersion", "2025-06-18"},
                                   {"capabilities", json::object()},
                                   {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
    ASSERT_EQ(init.status, 200) << init.head << init.body;
    const std::string session = "Mcp-Session-Id: " + init.header("mcp-session-id") +
                                "\r\nMCP-Protocol-Version: 2025-06-18\r\n";
    post(auth + session, {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    HttpReply call =
        post(auth + session,
             {{"jsonrpc", "2.0"},
              {"id", 2},
              {"method", "tools/call"},
              {"params", {{"name", "find_symbol"}, {"arguments", {{"query", "with_vat"}}}}}});
    EXPECT_EQ(call.status, 200) << call.body;
    // Wrong and partial tokens: refused, and the refusal does not say what was expected.
    for (const std::string& bad : std::vector<std::string>{
             "Bearer wrong", "Bearer " + kMcpToken.substr(0, 10), "Basic " + kMcpToken + "x"}) {
      HttpReply r = post("Authorization: " + bad + "\r\n" + session,
                         {{"jsonrpc", "2.0"}, {"id", 3}, {"method", "tools/list"}});
      EXPECT_EQ(r.status, 401) << bad << ": " << r.body;
    }
    proc.signal(SIGTERM);
    ASSERT_TRUE(proc.wait(10s)) << proc.err();
    printed.emplace_back("the MCP daemon's stderr", proc.err());
    EXPECT_GT(readText(logFile).size(), 0u) << "the trace log should have been written";
  }

  // The run wrote what it should have: the index and the response cache.
  bool sawIndex = false;
  for (const auto& e : fs::recursive_directory_iterator(dir / "xdg/cache"))
    sawIndex |=
        e.path().string().find("/index/") != std::string::npos && e.path().extension() == ".sqlite";
  EXPECT_TRUE(sawIndex) << "no index database under XDG_CACHE_HOME";
  EXPECT_TRUE(fs::exists(dir / "xdg/cache/switchboard/llm-cache.sqlite"));
  expectNoSecrets();
}

TEST_F(Secrets, LspTcpTokenIsNeverWrittenOrEchoed) {
  // The token from SWITCHBOARD_LSP_TOKEN, then from --token: clients with a
  // wrong token and with the right one, trace logging to a file and stderr.
  const std::string logFile = dir / "xdg/state/switchboard/lsp.log";
  fs::create_directories(fs::path(logFile).parent_path());
  for (bool onCommandLine : {false, true}) {
    std::vector<std::string> argv = {SB_BINARY,     "lsp",   "--listen",   "tcp://127.0.0.1:0",
                                     "--log-level", "trace", "--log-file", logFile};
    if (onCommandLine) argv.insert(argv.end(), {"--token", kLspToken});
    auto proc = ChildProcess::start(env(argv));
    static const std::regex kLine("listening on tcp://127\\.0\\.0\\.1:(\\d+)\n");
    std::smatch m;
    ASSERT_TRUE(proc.io().waitUntil([&] { return std::regex_search(proc.err(), m, kLine); }, 10s))
        << proc.err();
    const int port = std::stoi(m[1]);
    for (const std::string& token :
         {std::string("wrong"), kLspToken.substr(0, 12), kLspToken + "x", kLspToken}) {
      FdStream stream = connectTcp("127.0.0.1", port);
      LspClient lsp(stream);
      json r = lsp.request("initialize", {{"processId", nullptr},
                                          {"rootUri", "file://" + ws()},
                                          {"capabilities", json::object()},
                                          {"initializationOptions", {{"token", token}}}});
      if (token == kLspToken) {
        EXPECT_TRUE(r.contains("result")) << r.dump() << proc.err();
        lsp.notify("initialized", json::object());
        lsp.request("shutdown", nullptr);
        lsp.notify("exit", nullptr);
      } else {
        EXPECT_TRUE(r.contains("error")) << token << ": " << r.dump();
        printed.emplace_back("an LSP refusal", r.dump());
      }
    }
    proc.signal(SIGTERM);
    ASSERT_TRUE(proc.wait(10s)) << proc.err();
    printed.emplace_back("the LSP TCP daemon's stderr", proc.err());
  }
  EXPECT_GT(readText(logFile).size(), 0u) << "the trace log should have been written";
  expectNoSecrets();
}

TEST_F(Secrets, WorkflowRunsNeverStoreTheKeys) {
  // A workflow whose model calls succeed, then one whose calls are refused
  // with the key echoed in the error body: the run's record (the workflow
  // database under XDG_STATE_HOME), its output and the logs stay clean.
  for (Mode m : {Mode::Ok, Mode::Unauthorized}) {
    mode = m;
    auto run = runToCompletion(
        env({SB_BINARY, "workflow", "run", "review", "--task", "review shop/pricing.py",
             "--workspace", ws(), "--json", "--log-level", "trace"}),
        60s);
    EXPECT_TRUE(run.status.exited()) << run.status.describe() << run.err;
    printed.emplace_back("workflow run output", run.out + run.err);
    if (m == Mode::Unauthorized) {  // the refusal is reported, without the key it echoed
      EXPECT_NE((run.out + run.err).find("401"), std::string::npos) << run.out << run.err;
    }
  }
  mode = Mode::Ok;
  bool sawKey = false;
  for (const auto& r : backend.requests())
    sawKey |= r.header("x-api-key") == kAnthropicKey ||
              r.header("authorization") == "Bearer " + kOpenAiKey;
  EXPECT_TRUE(sawKey) << "the workflow should have called the model with a key";
  bool sawWorkflowDb = false;
  for (const auto& e : fs::recursive_directory_iterator(dir / "xdg/state"))
    sawWorkflowDb |= e.path().string().find("/workflows/") != std::string::npos &&
                     e.path().extension() == ".sqlite";
  EXPECT_TRUE(sawWorkflowDb) << "no workflow database under XDG_STATE_HOME";
  expectNoSecrets();
}

}  // namespace
}  // namespace sb::e2e
