// The LSP front end driven in-process through its JSON-RPC endpoint.
#include "server/LspServer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>

namespace sb {
namespace {

using namespace std::chrono_literals;

class LspHarness {
 public:
  explicit LspHarness(unsigned threads = 2, int diagnosticsDelayMs = 0,
                      WorkspaceRegistry* workspaces = nullptr)
      : workers_(threads) {
    endpoint_ = RpcEndpoint::create([this](std::string body) {
      std::lock_guard lock(mu_);
      inbox_.push_back(json::parse(body));
      cv_.notify_all();
    });
    SessionContext ctx{endpoint_, [this] { closed_ = true; }, "test"};
    LspOptions options;
    options.engine.diagnosticsDelay = std::chrono::milliseconds(diagnosticsDelayMs);
    options.onExit = [this](int code) { exitCode_ = code; };
    options.workspaces = workspaces;
    server_ = std::make_unique<LspServer>(ctx, workers_, options);
    endpoint_->setHandler(server_.get());
  }
  ~LspHarness() {
    endpoint_->setHandler(nullptr);
    server_.reset();
    // Work still queued (a debounced diagnostics pass) sends into inbox_:
    // let it finish before the members it writes to are destroyed.
    workers_.join();
  }

  void send(const json& message) { endpoint_->receive(message.dump()); }
  int request(const std::string& method, json params) {
    int id = nextId_++;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return id;
  }
  void notify(const std::string& method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  json waitFor(const std::function<bool(const json&)>& pred) {
    std::unique_lock lock(mu_);
    json found;
    bool ok = cv_.wait_for(lock, 10s, [&] {
      for (auto it = inbox_.begin(); it != inbox_.end(); ++it)
        if (pred(*it)) {
          found = std::move(*it);
          inbox_.erase(it);
          return true;
        }
      return false;
    });
    EXPECT_TRUE(ok) << "timed out waiting for a message";
    return found;
  }
  json response(int id) {
    return waitFor(
        [id](const json& m) { return m.contains("id") && m["id"] == id && !m.contains("method"); });
  }
  json call(const std::string& method, json params) {
    return response(request(method, std::move(params)));
  }
  json diagnosticsFor(const std::string& uri) {
    return waitFor([&](const json& m) {
      return m.value("method", "") == "textDocument/publishDiagnostics" &&
             m["params"]["uri"] == uri;
    })["params"];
  }
  json initialize(json capabilities = json::object()) {
    json r =
        call("initialize", {{"processId", nullptr}, {"capabilities", std::move(capabilities)}});
    notify("initialized", json::object());
    return r;
  }
  void open(const std::string& uri, const std::string& lang, const std::string& text,
            int version = 1) {
    notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", uri}, {"languageId", lang}, {"version", version}, {"text", text}}}});
  }

  // Whether a message like that has arrived (and not been taken yet).
  bool received(const std::function<bool(const json&)>& pred) {
    std::lock_guard lock(mu_);
    return std::any_of(inbox_.begin(), inbox_.end(), pred);
  }

  Workers& workers() { return workers_; }
  std::optional<int> exitCode() const { return exitCode_; }
  bool closed() const { return closed_; }

 private:
  Workers workers_;
  std::shared_ptr<RpcEndpoint> endpoint_;
  std::unique_ptr<LspServer> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<json> inbox_;
  int nextId_ = 1;
  std::optional<int> exitCode_;
  bool closed_ = false;
};

const json kHierarchical = {
    {"textDocument", {{"documentSymbol", {{"hierarchicalDocumentSymbolSupport", true}}}}}};

TEST(LspServer, RequestBeforeInitializeIsRefused) {
  LspHarness h;
  json r = h.call("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///a.c"}}}});
  EXPECT_EQ(r["error"]["code"], rpc::ServerNotInitialized);
}

TEST(LspServer, InitializeAdvertisesCapabilitiesAndDefaultsToUtf16) {
  LspHarness h;
  json r = h.initialize();
  EXPECT_EQ(r["result"]["capabilities"]["positionEncoding"], "utf-16");
  EXPECT_EQ(r["result"]["capabilities"]["textDocumentSync"]["change"], 2);
  EXPECT_TRUE(r["result"]["capabilities"]["documentSymbolProvider"].get<bool>());
  EXPECT_EQ(r["result"]["serverInfo"]["name"], "switchboard");
}

TEST(LspServer, InitializeNegotiatesUtf8AndUtf32WhenOffered) {
  {
    LspHarness h;
    json r = h.initialize({{"general", {{"positionEncodings", {"utf-16", "utf-8"}}}}});
    EXPECT_EQ(r["result"]["capabilities"]["positionEncoding"], "utf-8");
  }
  {
    LspHarness h;
    json r = h.initialize({{"general", {{"positionEncodings", {"utf-32", "utf-16"}}}}});
    EXPECT_EQ(r["result"]["capabilities"]["positionEncoding"], "utf-32");
  }
}

TEST(LspServer, SecondInitializeIsInvalid) {
  LspHarness h;
  h.initialize();
  EXPECT_EQ(h.call("initialize", {{"capabilities", json::object()}})["error"]["code"],
            rpc::InvalidRequest);
}

TEST(LspServer, UnknownMethodIsMethodNotFound) {
  LspHarness h;
  h.initialize();
  EXPECT_EQ(h.call("textDocument/noSuchThing", json::object())["error"]["code"],
            rpc::MethodNotFound);
}

TEST(LspServer, BadParamsAreInvalidParams) {
  LspHarness h;
  h.initialize();
  json bad = h.call("textDocument/documentSymbol", {{"textDocument", 3}});
  EXPECT_EQ(bad["error"]["code"], rpc::InvalidParams) << bad.dump();
  EXPECT_EQ(bad["error"]["code"], rpc::InvalidParams);
  EXPECT_EQ(
      h.call("textDocument/selectionRange", {{"textDocument", {{"uri", "file:///x.c"}}},
                                             {"positions", {{{"line", -1}}}}})["error"]["code"],
      rpc::InvalidParams);
}

TEST(LspServer, DocumentSymbolIsHierarchicalWhenSupported) {
  LspHarness h;
  h.initialize(kHierarchical);
  h.open("file:///t/a.py", "python", "class Greeter:\n    def hello(self):\n        pass\n");
  json r = h.call("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///t/a.py"}}}});
  ASSERT_EQ(r["result"].size(), 1u) << r.dump();
  EXPECT_EQ(r["result"][0]["name"], "Greeter");
  EXPECT_EQ(r["result"][0]["kind"], 5);  // Class
  ASSERT_EQ(r["result"][0]["children"].size(), 1u);
  EXPECT_EQ(r["result"][0]["children"][0]["name"], "hello");
  EXPECT_EQ(r["result"][0]["children"][0]["selectionRange"]["start"],
            json({{"line", 1}, {"character", 8}}));
}

TEST(LspServer, DocumentSymbolIsFlatSymbolInformationOtherwise) {
  LspHarness h;
  h.initialize();
  h.open("file:///t/a.py", "python", "class Greeter:\n    def hello(self):\n        pass\n");
  json r = h.call("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///t/a.py"}}}});
  ASSERT_EQ(r["result"].size(), 2u) << r.dump();
  EXPECT_EQ(r["result"][1]["name"], "hello");
  EXPECT_EQ(r["result"][1]["containerName"], "Greeter");
  EXPECT_EQ(r["result"][1]["location"]["uri"], "file:///t/a.py");
}

// "😀" is 2 UTF-16 units and 4 UTF-8 bytes: an incremental edit after it must
// land in the right place in every encoding.
TEST(LspServer, IncrementalEditsUseTheNegotiatedEncoding) {
  struct Case {
    const char* name;
    json caps;
    int column;  // of `x` on line 0, in the negotiated unit
  };
  for (const Case& c : {Case{"utf-16", json::object(), 12},
                        Case{"utf-8", {{"general", {{"positionEncodings", {"utf-8"}}}}}, 14},
                        Case{"utf-32", {{"general", {{"positionEncodings", {"utf-32"}}}}}, 11}}) {
    LspHarness h;
    json caps = c.caps;
    caps["textDocument"] = kHierarchical["textDocument"];
    h.initialize(caps);
    std::string uri = "file:///t/e.py";
    // Line 0 is `s = "ab😀"; x = 1`: rename `x` to `yy` with a range after the emoji.
    h.open(uri, "python", "s = \"ab\xF0\x9F\x98\x80\"; x = 1\n");
    int col = c.column;
    h.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                        {"contentChanges",
                                         {{{"range",
                                            {{"start", {{"line", 0}, {"character", col}}},
                                             {"end", {{"line", 0}, {"character", col + 1}}}}},
                                           {"text", "yy"}}}}});
    json r = h.call("textDocument/documentSymbol", {{"textDocument", {{"uri", uri}}}});
    ASSERT_TRUE(r.contains("result")) << c.name << r.dump();
    std::vector<std::string> names;
    for (const auto& s : r["result"]) names.push_back(s["name"]);
    EXPECT_EQ(names, (std::vector<std::string>{"s", "yy"})) << c.name << ": " << r.dump();
    EXPECT_EQ(r["result"][1]["selectionRange"]["start"]["character"], col) << c.name;
  }
}

TEST(LspServer, FullTextChangeReplacesDocument) {
  LspHarness h;
  h.initialize(kHierarchical);
  h.open("file:///t/a.go", "go", "package main\nfunc A() {}\n");
  h.notify("textDocument/didChange",
           {{"textDocument", {{"uri", "file:///t/a.go"}, {"version", 2}}},
            {"contentChanges", {{{"text", "package main\nfunc B() {}\n"}}}}});
  json r = h.call("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///t/a.go"}}}});
  ASSERT_GE(r["result"].size(), 1u) << r.dump();
  EXPECT_EQ(r["result"].back()["name"], "B");
}

TEST(LspServer, PublishesSyntaxDiagnosticsAndClearsThemWhenFixed) {
  LspHarness h;
  h.initialize({{"textDocument", {{"publishDiagnostics", {{"versionSupport", true}}}}}});
  std::string uri = "file:///t/b.c";
  h.open(uri, "c", "int main() { return 0 }\n");
  json d = h.diagnosticsFor(uri);
  ASSERT_GE(d["diagnostics"].size(), 1u) << d.dump();
  EXPECT_EQ(d["version"], 1);
  EXPECT_EQ(d["diagnostics"][0]["severity"], 1);
  h.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                      {"contentChanges",
                                       {{{"range",
                                          {{"start", {{"line", 0}, {"character", 21}}},
                                           {"end", {{"line", 0}, {"character", 21}}}}},
                                         {"text", ";"}}}}});
  d = h.diagnosticsFor(uri);
  EXPECT_EQ(d["version"], 2);
  EXPECT_TRUE(d["diagnostics"].empty()) << d.dump();
}

TEST(LspServer, DidCloseClearsDiagnostics) {
  LspHarness h;
  h.initialize();
  std::string uri = "file:///t/c.c";
  h.open(uri, "c", "int x = ;\n");
  EXPECT_FALSE(h.diagnosticsFor(uri)["diagnostics"].empty());
  h.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
  EXPECT_TRUE(h.diagnosticsFor(uri)["diagnostics"].empty());
}

TEST(LspServer, CancelledRequestAnswersRequestCancelled) {
  LspHarness h(1);
  h.initialize(kHierarchical);
  h.open("file:///t/a.py", "python", "def f():\n    pass\n");
  h.call("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///t/a.py"}}}});
  // Occupy the only worker so the request is still queued when the cancel lands.
  std::promise<void> release;
  auto gate = release.get_future().share();
  boost::asio::post(h.workers().executor(), [gate] { gate.wait(); });
  int id =
      h.request("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///t/a.py"}}}});
  h.notify("$/cancelRequest", {{"id", id}});
  release.set_value();
  EXPECT_EQ(h.response(id)["error"]["code"], rpc::RequestCancelled);
}

TEST(LspServer, ShutdownThenExitReportsCleanExit) {
  LspHarness h;
  h.initialize();
  EXPECT_TRUE(h.call("shutdown", nullptr)["result"].is_null());
  EXPECT_EQ(h.call("textDocument/documentSymbol",
                   {{"textDocument", {{"uri", "file:///a"}}}})["error"]["code"],
            rpc::InvalidRequest);
  h.notify("exit", nullptr);
  EXPECT_EQ(h.exitCode(), 0);
  EXPECT_TRUE(h.closed());
}

TEST(LspServer, ExitWithoutShutdownIsCodeOne) {
  LspHarness h;
  h.initialize();
  h.notify("exit", nullptr);
  EXPECT_EQ(h.exitCode(), 1);
}

TEST(LspServer, UnknownLanguageStillAnswers) {
  LspHarness h;
  h.initialize(kHierarchical);
  h.open("file:///t/notes.xyz", "plaintext", "just words\n");
  json r =
      h.call("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///t/notes.xyz"}}}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_TRUE(r["result"].empty());
  r = h.call("textDocument/foldingRange", {{"textDocument", {{"uri", "file:///t/notes.xyz"}}}});
  EXPECT_TRUE(r["result"].empty());
}

TEST(LspServer, SelectionRangeNestsOutward) {
  LspHarness h;
  h.initialize();
  h.open("file:///t/s.js", "javascript", "function f() { return a + b; }\n");
  json r =
      h.call("textDocument/selectionRange", {{"textDocument", {{"uri", "file:///t/s.js"}}},
                                             {"positions", {{{"line", 0}, {"character", 22}}}}});
  ASSERT_EQ(r["result"].size(), 1u) << r.dump();
  json node = r["result"][0];
  EXPECT_EQ(node["range"]["start"]["character"], 22);  // `a`
  int depth = 0;
  while (node.contains("parent")) {
    node = node["parent"];
    ++depth;
  }
  EXPECT_GE(depth, 3);
  EXPECT_EQ(node["range"]["start"], json({{"line", 0}, {"character", 0}}));
}

TEST(LspServer, CodeActionsAreBareCommandsWithoutLiteralSupport) {
  LspHarness h;
  json init = h.initialize();
  EXPECT_TRUE(init["result"]["capabilities"].contains("codeActionProvider"));
  json r = h.call(
      "textDocument/codeAction",
      {{"textDocument", {{"uri", "file:///t/a.py"}}},
       {"range",
        {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 1}, {"character", 0}}}}},
       {"context", {{"diagnostics", json::array()}}}});
  ASSERT_EQ(r["result"].size(), 4u) << r.dump();
  for (const auto& c : r["result"]) {
    EXPECT_FALSE(c.contains("kind")) << c.dump();
    EXPECT_EQ(c["command"].get<std::string>().rfind("switchboard.", 0), 0u) << c.dump();
    EXPECT_EQ(c["arguments"][0]["uri"], "file:///t/a.py");
  }
}

// Hover text for a definition in the same document, as the client asks.
json hoverOn(const json& capabilities) {
  LspHarness h;
  h.initialize(capabilities);
  h.open("file:///t/h.py", "python", "def greet(name):\n    \"\"\"Says hi.\"\"\"\n\ngreet(1)\n");
  json r = h.call("textDocument/hover", {{"textDocument", {{"uri", "file:///t/h.py"}}},
                                         {"position", {{"line", 3}, {"character", 1}}}});
  EXPECT_TRUE(r["result"].is_object()) << r.dump();
  return r["result"];
}

TEST(LspServer, HoverIsMarkdownWhenTheClientListsIt) {
  json hover = hoverOn({{"textDocument", {{"hover", {{"contentFormat", {"markdown"}}}}}}});
  EXPECT_EQ(hover["contents"]["kind"], "markdown");
  EXPECT_NE(hover["contents"]["value"].get<std::string>().find("```python\ndef greet(name)"),
            std::string::npos)
      << hover.dump();
}

TEST(LspServer, HoverIsPlainTextOtherwise) {
  for (const json& caps :
       {json::object(), json{{"textDocument", {{"hover", {{"contentFormat", {"plaintext"}}}}}}}}) {
    json hover = hoverOn(caps);
    EXPECT_EQ(hover["contents"]["kind"], "plaintext") << caps.dump();
    const std::string value = hover["contents"]["value"];
    EXPECT_EQ(value.find("```"), std::string::npos) << value;
    EXPECT_NE(value.find("def greet(name)"), std::string::npos) << value;
  }
}

// Identifier completion (no model here) in each client's format.
TEST(LspServer, CompletionItemsAreSnippetsOnlyForSnippetClients) {
  for (bool snippets : {true, false}) {
    LspHarness h;
    h.initialize(
        {{"textDocument", {{"completion", {{"completionItem", {{"snippetSupport", snippets}}}}}}}});
    h.open("file:///t/c.js", "javascript", "const $price = 1;\n$pr\n");
    json r = h.call("textDocument/completion", {{"textDocument", {{"uri", "file:///t/c.js"}}},
                                                {"position", {{"line", 1}, {"character", 3}}}});
    ASSERT_TRUE(r["result"].is_object()) << r.dump();
    const json& items = r["result"]["items"];
    auto it = std::find_if(items.begin(), items.end(),
                           [](const json& i) { return i["label"] == "$price"; });
    ASSERT_NE(it, items.end()) << r.dump();
    EXPECT_EQ((*it)["insertTextFormat"], snippets ? 2 : 1);
    EXPECT_EQ((*it)["textEdit"]["newText"], snippets ? "\\$price" : "$price");
  }
}

// The file watcher registration goes only to clients that register
// workspace/didChangeWatchedFiles dynamically.
class WatcherRegistration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(SB_TEST_TMP_DIR) /
           ("watch-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "ws");
    std::ofstream(dir_ / "ws" / "a.py") << "def alpha():\n    return 1\n";
    registry_.emplace(RegistryOptions{.indexer = {}, .indexDir = (dir_ / "index").string()});
  }
  void TearDown() override {
    registry_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Initializes with the workspace folder, then answers whatever the server
  // asked and says whether one of those was client/registerCapability.
  bool registersWatchers(const json& capabilities) {
    LspHarness h(2, 0, &*registry_);
    json init = h.call("initialize", {{"processId", nullptr},
                                      {"rootUri", "file://" + (dir_ / "ws").string()},
                                      {"capabilities", capabilities}});
    EXPECT_TRUE(init.contains("result")) << init.dump();
    h.notify("initialized", json::object());
    // Every answer after `initialized` was handled: anything it sent is in.
    EXPECT_TRUE(h.call("shutdown", nullptr).contains("result"));
    return h.received([](const json& m) {
      return m.value("method", "") == "client/registerCapability" &&
             m["params"]["registrations"][0]["method"] == "workspace/didChangeWatchedFiles";
    });
  }

  std::filesystem::path dir_;
  std::optional<WorkspaceRegistry> registry_;
};

TEST_F(WatcherRegistration, SentToAClientWithDynamicRegistration) {
  EXPECT_TRUE(registersWatchers(
      {{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}}}));
}

TEST_F(WatcherRegistration, NotSentToAClientWithoutIt) {
  EXPECT_FALSE(registersWatchers(json::object()));
  EXPECT_FALSE(registersWatchers(
      {{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", false}}}}}}));
}

TEST(LspServer, ActionCommandsWithoutAModelSayWhatToConfigure) {
  LspHarness h;
  h.initialize();
  h.open("file:///t/a.py", "python", "x = 1\n");
  json range = {{"start", {{"line", 0}, {"character", 0}}},
                {"end", {{"line", 0}, {"character", 5}}}};
  json argument = {{"uri", "file:///t/a.py"}, {"range", range}};
  json r = h.call("workspace/executeCommand",
                  {{"command", "switchboard.explain"}, {"arguments", json::array({argument})}});
  EXPECT_EQ(r["error"]["code"], rpc::RequestFailed) << r.dump();
  EXPECT_NE(r["error"]["message"].get<std::string>().find("OPENAI_BASE_URL"), std::string::npos)
      << r.dump();
}

}  // namespace
}  // namespace sb
