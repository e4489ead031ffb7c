// Shared pieces of the workflow end-to-end tests: a scratch workspace (a copy
// of tests/data/index/python) with private XDG folders, the scripted fake
// backend that plays each agent role, the CLI, an LSP daemon on a Unix
// socket with clients that answer what it asks, and an MCP stdio session
// that can have several requests in flight.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "ChildProcess.h"
#include "DaemonEnvironment.h"
#include "FakeBackend.h"
#include "LspClient.h"

namespace sb::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using fake::FakeToolCall;
using fake::RecordedRequest;
using fake::Reply;

inline std::string roleOf(const RecordedRequest& req) {
  json body = req.json();
  if (!body.is_object() || !body.contains("messages") || body["messages"].empty()) return "?";
  std::string system = body["messages"][0].value("content", "");
  if (system.find("You are the planner") != std::string::npos) return "planner";
  if (system.find("You are the developer") != std::string::npos) return "developer";
  if (system.find("You are the code reviewer") != std::string::npos) return "reviewer";
  if (system.find("You are the test engineer") != std::string::npos) return "tester";
  if (system.find("You are the technical writer") != std::string::npos) return "writer";
  return "other";
}

inline int toolResults(const RecordedRequest& req) {
  int n = 0;
  json body = req.json();  // kept: iterating a temporary's member would dangle
  for (auto& m : body["messages"]) n += m.value("role", "") == "tool";
  return n;
}

inline const char* const kNewPricing =
    "from decimal import Decimal\n\nVAT = Decimal('0.2')\n\n\ndef with_vat(amount: Decimal) -> "
    "Decimal:\n"
    "    return amount * (1 + VAT)\n\n\ndef without_vat(amount: Decimal) -> Decimal:\n    return "
    "amount / (1 + VAT)\n";

// Polls pred() every 50 ms for up to `timeout`.
inline bool eventually(const std::function<bool()>& pred, Millis timeout = 30s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

class Workflows : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sb-wf-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    ws_ = makeWorkspace("ws");
    env_.emplace(dir_, backend_.url() + "/v1");
    backend_.setResponder([this](const RecordedRequest& req) { return script(req); });
  }
  void TearDown() override {
    env_.reset();
    fs::remove_all(dir_);
  }

  // A fresh copy of the fixture project under the scratch folder; its canonical path.
  std::string makeWorkspace(const std::string& name) {
    fs::create_directories(dir_ / name);
    fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", dir_ / name, fs::copy_options::recursive);
    return fs::canonical(dir_ / name).string();
  }

  // The feature workflow: the developer reads pricing.py and rewrites it;
  // the tester writes a test file in a code block; the rest answer in text.
  std::optional<Reply> script(const RecordedRequest& req) {
    std::string role = roleOf(req);
    if (role == "developer" && holdDeveloper_) {
      Reply r;
      r.hang = true;  // until the daemon gives up the request (cancelled, killed)
      return r;
    }
    if (role == "developer" && unsafeDeveloper_) {
      if (toolResults(req) == 0)
        return fake::toolCallReply(
            req, {FakeToolCall{"propose_edit", {{"path", "../t.py"}, {"content", "t = 1\n"}}}});
      return fake::autoReply(
          req, "```python:/etc/x.py\nx = 1\n```\n\n```python:link/x.py\nx = 1\n```\n");
    }
    if (role == "planner") return fake::autoReply(req, "PLAN: add without_vat to shop/pricing.py");
    if (role == "developer") {
      if (toolResults(req) == 0)
        return fake::toolCallReply(req, {FakeToolCall{"read_file", {{"path", "shop/pricing.py"}}}});
      if (toolResults(req) == 1)
        return fake::toolCallReply(
            req, {FakeToolCall{"propose_edit",
                               {{"path", "shop/pricing.py"}, {"content", kNewPricing}}}});
      return fake::autoReply(req, "Added without_vat.");
    }
    if (role == "tester")
      return fake::autoReply(
          req, "```python:tests/test_pricing.py\nfrom shop.pricing import without_vat\n```\n");
    if (role == "reviewer") return fake::autoReply(req, "APPROVE");
    return fake::autoReply(req, "ok");
  }

  int requestsFor(const std::string& role) {
    int n = 0;
    for (auto& r : backend_.requests()) n += roleOf(r) == role;
    return n;
  }
  // Waits for the held developer's request: the plan is stored by then.
  bool developerReached(Millis timeout = 30s) {
    return eventually([&] { return requestsFor("developer") > 0; }, timeout);
  }
  std::string read(const std::string& rel, const std::string& root = {}) {
    std::ifstream in(fs::path(root.empty() ? ws_ : root) / rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  Finished cli(std::vector<std::string> args, Millis timeout = 30s, const std::string& root = {}) {
    std::vector<std::string> argv = {SB_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--workspace", root.empty() ? ws_ : root, "--index-dir",
                             (dir_ / "index").string()});
    return runToCompletion(argv, timeout);
  }
  // `switchboard lsp --listen unix:PATH`, once the socket exists.
  ChildProcess startLspDaemon(const std::string& socket) {
    fs::remove(socket);
    auto daemon = ChildProcess::start(
        {SB_BINARY, "lsp", "--listen", "unix:" + socket, "--index-dir", (dir_ / "index").string()});
    eventually([&] { return fs::exists(socket); }, 20s);
    return daemon;
  }

  fs::path dir_;
  std::string ws_;
  fake::FakeBackend backend_;
  std::optional<DaemonEnvironment> env_;
  std::atomic<bool> holdDeveloper_{false};
  std::atomic<bool> unsafeDeveloper_{false};  // proposes edits outside the workspace
};

// An LSP client that answers what the daemon asks: progress tokens and
// registrations accepted, applyEdit requests recorded and accepted (and,
// with writeEdits, written to disk like an editor saving them).
struct ClientSide {
  LspClient lsp;
  std::vector<json> applied, progress, logs;
  json awaited, response;  // the id of the request being waited for, and its answer
  bool writeEdits = false;
  explicit ClientSide(FdStream& io) : lsp(io) {}

  static json capabilities() {
    return {{"workspace",
             {{"applyEdit", true},
              {"workspaceEdit", {{"documentChanges", true}, {"resourceOperations", {"create"}}}}}},
            {"window", {{"workDoneProgress", true}}}};
  }
  // initialize (rootUri `root`) and initialized; the initialize answer.
  json initialize(const std::string& root) {
    json init = lsp.request(
        "initialize",
        {{"processId", nullptr}, {"rootUri", "file://" + root}, {"capabilities", capabilities()}});
    lsp.notify("initialized", json::object());
    return init;
  }
  // Reads messages until pred() holds or the time runs out.
  bool pumpUntil(const std::function<bool()>& pred, Millis timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      auto m = lsp.next(200ms);
      if (!m) continue;
      handle(*m);
    }
    return true;
  }
  void handle(const json& m) {
    if (!m.contains("method") && m.contains("id") && m["id"] == awaited) response = m;
    std::string method = m.value("method", "");
    if (method == "workspace/applyEdit") {
      applied.push_back(m["params"]);
      if (writeEdits) write(m["params"]["edit"]);
      lsp.send({{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", {{"applied", true}}}});
    } else if (method == "window/workDoneProgress/create" ||
               method == "client/registerCapability") {
      lsp.send({{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", nullptr}});
    } else if (method == "$/progress") {
      progress.push_back(m["params"]);
    } else if (method == "window/logMessage") {
      logs.push_back(m["params"]);
    }
  }
  // The daemon sends whole-file edits (created files get their text inserted
  // at 0:0): the last edit's text is the file's content.
  static void write(const json& edit) {
    for (auto& change : edit.value("documentChanges", json::array())) {
      if (!change.contains("textDocument")) continue;
      std::string path = change["textDocument"]["uri"].get<std::string>().substr(7);
      fs::create_directories(fs::path(path).parent_path());
      for (auto& e : change["edits"]) {
        EXPECT_EQ(e["range"]["start"], (json{{"line", 0}, {"character", 0}})) << e.dump();
        std::ofstream(path, std::ios::binary | std::ios::trunc) << e["newText"].get<std::string>();
      }
    }
  }
  json request(const std::string& method, json params, Millis timeout = 20s) {
    response = nullptr;
    awaited = lsp.sendRequest(method, std::move(params));
    pumpUntil([&] { return !response.is_null(); }, timeout);
    return response;
  }
  json command(const std::string& name, json argument = nullptr) {
    json args = argument.is_null() ? json::array() : json::array({std::move(argument)});
    return request("workspace/executeCommand", {{"command", name}, {"arguments", args}});
  }
  // Whether the progress of workflow `id` (any workflow if empty) has ended.
  bool progressEnded(const std::string& id = {}) const {
    std::string prefix = "switchboard/workflow/" + id;
    for (auto& p : progress)
      if (p["token"].get<std::string>().rfind(prefix, 0) == 0 && p["value"]["kind"] == "end")
        return true;
    return false;
  }
};

// `switchboard mcp WS` on stdio. Responses are kept by id, so a test can
// send a request and another before the first is answered.
class McpSession {
 public:
  McpSession(const std::string& root, const std::string& indexDir)
      : proc_(ChildProcess::start({SB_BINARY, "mcp", root, "--index-dir", indexDir})) {
    call("initialize", {{"protocolVersion", "2025-06-18"},
                        {"capabilities", json::object()},
                        {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}});
    proc_.io().write(json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}.dump() +
                     "\n");
  }
  int send(const std::string& method, json params) {
    int id = next_++;
    proc_.io().write(
        json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}
            .dump() +
        "\n");
    return id;
  }
  // The response to `id`; null (and a test failure) if none comes in time.
  json await(int id, Millis timeout = 30s) {
    bool ok = proc_.io().waitUntil(
        [&] {
          drain();
          return responses_.count(id) > 0;
        },
        timeout);
    EXPECT_TRUE(ok) << "no answer to request " << id << "; stderr: " << proc_.err();
    return ok ? responses_[id] : json();
  }
  json call(const std::string& method, json params, Millis timeout = 30s) {
    return await(send(method, std::move(params)), timeout);
  }
  int sendTool(const std::string& name, json args, json meta = nullptr) {
    json params{{"name", name}, {"arguments", std::move(args)}};
    if (!meta.is_null()) params["_meta"] = meta;
    return send("tools/call", params);
  }
  json tool(const std::string& name, json args, json meta = nullptr) {
    return await(sendTool(name, std::move(args), std::move(meta)))["result"];
  }
  const std::vector<json>& progress() const { return progress_; }
  ChildProcess& process() { return proc_; }

 private:
  void drain() {
    std::string& in = proc_.io().inbox();
    size_t nl;
    while ((nl = in.find('\n')) != std::string::npos) {
      json m = json::parse(in.substr(0, nl));
      in.erase(0, nl + 1);
      if (m.value("method", "") == "notifications/progress") progress_.push_back(m["params"]);
      if (m.contains("id") && !m.contains("method")) responses_[m["id"].get<int>()] = m;
    }
  }

  ChildProcess proc_;
  std::map<int, json> responses_;
  std::vector<json> progress_;
  int next_ = 1;
};

}  // namespace sb::e2e
