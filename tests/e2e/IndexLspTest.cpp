// The workspace index over LSP with the real binary: indexing with progress,
// workspace/symbol, definition, references, hover, highlights, rescan and
// file-watcher updates, on a scratch copy of tests/data/workspace.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "Daemon.h"
#include "ScratchDir.h"

namespace sb::e2e {
namespace {

std::string fileUri(const std::string& path) {
  return "file://" + path;
}

json position(int line, int character) {
  return {{"line", line}, {"character", character}};
}

json textDocumentPosition(const std::string& uri, int line, int character) {
  return {{"textDocument", {{"uri", uri}}}, {"position", position(line, character)}};
}

json withDeclaration(json params, bool include) {
  params["context"] = {{"includeDeclaration", include}};
  return params;
}

bool rangeStartsAt(const json& range, int line, int character) {
  return range["start"]["line"] == line && range["start"]["character"] == character;
}

// A daemon indexing a scratch copy of the workspace fixture, its index
// database in the same scratch folder (never in ~/.cache).
class IndexSession {
 public:
  explicit IndexSession(const std::function<void(const std::string& ws)>& prepare = {})
      : ws_(scratch_ / "ws"), indexDir_(scratch_ / "index") {
    copyWorkspaceFixture(ws_);
    if (prepare) prepare(ws_);
    daemon_ = std::make_unique<StdioDaemon>(std::vector<std::string>{"--index-dir", indexDir_});
  }

  LspClient& lsp() { return daemon_->lsp; }
  StdioDaemon& daemon() { return *daemon_; }
  const std::string& ws() const { return ws_; }
  const std::string& indexDir() const { return indexDir_; }
  std::string uri(const std::string& rel) const { return fileUri(ws_ + "/" + rel); }

  json initialize(bool workDoneProgress) {
    json capabilities = {
        {"workspace",
         {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}, {"workspaceFolders", true}}},
        {"window", {{"workDoneProgress", workDoneProgress}}}};
    json reply = lsp().request("initialize",
                               {{"processId", nullptr},
                                {"rootUri", fileUri(ws_)},
                                {"workspaceFolders", {{{"uri", fileUri(ws_)}, {"name", "ws"}}}},
                                {"clientInfo", {{"name", "e2e_index"}}},
                                {"capabilities", capabilities}});
    lsp().notify("initialized", json::object());
    return reply;
  }

  // Pumps messages until one satisfies `pred`, answering server requests
  // (progress tokens, watcher registration) on the way. Checks what was
  // already received first.
  std::optional<json> waitForMessage(const std::function<bool(const json&)>& pred,
                                     Millis timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      answerServerRequests();
      for (const auto& m : lsp().notifications())
        if (pred(m)) return m;
      auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return std::nullopt;
      auto msg = lsp().next(left);
      if (!msg) return std::nullopt;
      lsp().notifications().push_back(std::move(*msg));
    }
  }

  void answerServerRequests() {
    for (const auto& m : lsp().notifications()) {
      if (!m.contains("id") || !m.contains("method")) continue;
      if (!answered_.insert(m["id"].dump()).second) continue;
      lsp().send({{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", nullptr}});
    }
  }

  // A request whose reply is the result; fails the test on an error reply.
  json call(const std::string& method, json params) {
    json reply = lsp().request(method, std::move(params));
    answerServerRequests();
    EXPECT_TRUE(reply.contains("result")) << method << ": " << reply.dump() << "\n"
                                          << daemon().describe();
    return reply.value("result", json());
  }

  // workspace/symbol until it finds `name` (indexing runs in the background).
  json pollSymbol(const std::string& name, Millis timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      json result = call("workspace/symbol", {{"query", name}});
      if (result.is_array())
        for (const auto& s : result)
          if (s["name"] == name) return result;
      if (std::chrono::steady_clock::now() > deadline) return result;
      std::this_thread::sleep_for(50ms);
    }
  }

  void shutdownCleanly() {
    call("shutdown", nullptr);
    lsp().notify("exit", nullptr);
    auto status = daemon().proc.wait(10s);
    ASSERT_TRUE(status) << "daemon did not exit";
    EXPECT_EQ(status->code, 0) << status->describe() << "\n" << daemon().describe();
  }

 private:
  ScratchDir scratch_;
  std::string ws_, indexDir_;
  std::unique_ptr<StdioDaemon> daemon_;
  std::set<std::string> answered_;
};

bool isProgress(const json& m, const std::string& kind) {
  return m.value("method", "") == "$/progress" && m["params"]["value"].value("kind", "") == kind;
}

TEST(IndexLspTest, NavigatesAcrossFilesOfAnIndexedWorkspace) {
  IndexSession s;
  json init = s.initialize(true);
  ASSERT_TRUE(init.contains("result")) << init.dump();
  const json& caps = init["result"]["capabilities"];
  EXPECT_EQ(caps["workspaceSymbolProvider"], true);
  EXPECT_EQ(caps["definitionProvider"], true);
  EXPECT_EQ(caps["referencesProvider"], true);
  EXPECT_EQ(caps["hoverProvider"], true);
  EXPECT_EQ(caps["documentHighlightProvider"], true);

  // Indexing reports progress: a token is created, then begin ... end.
  auto created = s.waitForMessage(
      [](const json& m) { return m.value("method", "") == "window/workDoneProgress/create"; });
  ASSERT_TRUE(created) << s.daemon().describe();
  auto begin = s.waitForMessage([](const json& m) { return isProgress(m, "begin"); });
  ASSERT_TRUE(begin) << s.daemon().describe();
  EXPECT_EQ((*begin)["params"]["token"], (*created)["params"]["token"]);
  auto end = s.waitForMessage([](const json& m) { return isProgress(m, "end"); });
  ASSERT_TRUE(end) << "indexing did not finish\n" << s.daemon().describe();
  EXPECT_EQ((*end)["params"]["value"]["message"], "7 files, 7 indexed");
  auto watch = s.waitForMessage(
      [](const json& m) { return m.value("method", "") == "client/registerCapability"; }, 2s);
  ASSERT_TRUE(watch) << "no file watcher registration";
  EXPECT_EQ((*watch)["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles");
  EXPECT_TRUE(std::filesystem::is_directory(s.indexDir()));
  EXPECT_FALSE(std::filesystem::is_empty(s.indexDir())) << "the index lives under --index-dir";

  // workspace/symbol finds the function defined in py/geometry.py.
  json symbols = s.call("workspace/symbol", {{"query", "area_of_circle"}});
  ASSERT_TRUE(symbols.is_array() && !symbols.empty()) << symbols.dump();
  EXPECT_EQ(symbols[0]["name"], "area_of_circle");
  EXPECT_EQ(symbols[0]["kind"], 12);
  EXPECT_EQ(symbols[0]["location"]["uri"], s.uri("py/geometry.py"));
  EXPECT_TRUE(rangeStartsAt(symbols[0]["location"]["range"], 5, 4)) << symbols[0].dump();

  // From the call site in py/app.py to the definition in py/geometry.py.
  const std::string app = s.uri("py/app.py");
  s.lsp().open(app, "python", readText(s.ws() + "/py/app.py"));
  json defs = s.call("textDocument/definition", textDocumentPosition(app, 4, 25));
  ASSERT_TRUE(defs.is_array() && defs.size() == 1) << defs.dump();
  EXPECT_EQ(defs[0]["uri"], s.uri("py/geometry.py"));
  EXPECT_EQ(defs[0]["range"], json({{"start", position(5, 4)}, {"end", position(5, 18)}}));

  // References: both call sites; with the declaration, its name too.
  json refs =
      s.call("textDocument/references", withDeclaration(textDocumentPosition(app, 4, 21), false));
  ASSERT_TRUE(refs.is_array()) << refs.dump();
  ASSERT_EQ(refs.size(), 2u) << refs.dump();
  EXPECT_EQ(refs[0]["uri"], app);
  EXPECT_TRUE(rangeStartsAt(refs[0]["range"], 4, 21)) << refs.dump();
  EXPECT_TRUE(rangeStartsAt(refs[1]["range"], 5, 21)) << refs.dump();
  json withDecl =
      s.call("textDocument/references", withDeclaration(textDocumentPosition(app, 5, 30), true));
  ASSERT_EQ(withDecl.size(), 3u) << withDecl.dump();
  bool hasDecl = false;
  for (const auto& l : withDecl)
    hasDecl |= l["uri"] == s.uri("py/geometry.py") && rangeStartsAt(l["range"], 5, 4);
  EXPECT_TRUE(hasDecl) << withDecl.dump();

  // Hover: the signature and the docstring of the definition in the other file.
  json hover = s.call("textDocument/hover", textDocumentPosition(app, 5, 22));
  ASSERT_TRUE(hover.is_object()) << hover.dump();
  std::string contents = hover["contents"].dump();
  EXPECT_NE(contents.find("def area_of_circle(radius: float) -> float"), std::string::npos)
      << contents;
  EXPECT_NE(contents.find("Area of a circle of the given radius."), std::string::npos) << contents;
  EXPECT_EQ(hover["range"], json({{"start", position(5, 21)}, {"end", position(5, 35)}}));

  // Highlights within py/app.py.
  json highlights = s.call("textDocument/documentHighlight", textDocumentPosition(app, 4, 21));
  ASSERT_EQ(highlights.size(), 2u) << highlights.dump();
  EXPECT_TRUE(rangeStartsAt(highlights[0]["range"], 4, 21));
  EXPECT_TRUE(rangeStartsAt(highlights[1]["range"], 5, 21));
  json none = s.call("textDocument/documentHighlight", textDocumentPosition(app, 0, 0));
  EXPECT_TRUE(none.is_array() && none.size() <= 1) << "'import' is a keyword: " << none.dump();

  // C: from main.c to the prototype in the header it includes.
  const std::string mainC = s.uri("c/main.c");
  s.lsp().open(mainC, "c", readText(s.ws() + "/c/main.c"));
  json cdefs = s.call("textDocument/definition", textDocumentPosition(mainC, 5, 20));
  ASSERT_TRUE(cdefs.is_array() && !cdefs.empty()) << cdefs.dump();
  EXPECT_EQ(cdefs[0]["uri"], s.uri("c/shapes.h"));
  EXPECT_TRUE(rangeStartsAt(cdefs[0]["range"], 4, 4)) << cdefs.dump();

  // switchboard.rescan: totals of a second pass that finds nothing changed.
  json totals = s.call("workspace/executeCommand", {{"command", "switchboard.rescan"}});
  ASSERT_TRUE(totals.is_array() && totals.size() == 1) << totals.dump();
  EXPECT_EQ(totals[0]["files"], 7);
  EXPECT_EQ(totals[0]["unchanged"], 7);
  EXPECT_EQ(totals[0]["indexed"], 0);
  EXPECT_EQ(totals[0]["removed"], 0);
  json map = s.call("workspace/executeCommand",
                    {{"command", "switchboard.repoMap"}, {"arguments", {{{"tokens", 100}}}}});
  ASSERT_TRUE(map.is_string()) << map.dump();
  EXPECT_NE(map.get<std::string>().find("py/geometry.py:"), std::string::npos) << map.dump();
  EXPECT_LE(map.get<std::string>().size(), 400u);

  // A file created on disk becomes findable after didChangeWatchedFiles.
  writeText(s.ws() + "/py/extra.py", "def freshly_added_function():\n    return 1\n");
  s.lsp().notify("workspace/didChangeWatchedFiles",
                 {{"changes", {{{"uri", s.uri("py/extra.py")}, {"type", 1}}}}});
  json fresh = s.pollSymbol("freshly_added_function", 5s);
  ASSERT_TRUE(fresh.is_array() && !fresh.empty()) << fresh.dump() << "\n" << s.daemon().describe();
  EXPECT_EQ(fresh[0]["location"]["uri"], s.uri("py/extra.py"));
  // ... and gone after it is deleted.
  std::filesystem::remove(s.ws() + "/py/extra.py");
  s.lsp().notify("workspace/didChangeWatchedFiles",
                 {{"changes", {{{"uri", s.uri("py/extra.py")}, {"type", 3}}}}});
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = s.call("workspace/symbol", {{"query", "freshly_added_function"}}).empty();
    if (!gone) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(gone);

  s.shutdownCleanly();
}

TEST(IndexLspTest, WithoutProgressSupportTheIndexStillFills) {
  IndexSession s;
  s.initialize(false);
  json symbols = s.pollSymbol("formatPrice");
  ASSERT_TRUE(symbols.is_array() && !symbols.empty()) << symbols.dump() << "\n"
                                                      << s.daemon().describe();
  EXPECT_EQ(symbols[0]["location"]["uri"], s.uri("ts/format.ts"));
  for (const auto& m : s.lsp().notifications()) {
    EXPECT_NE(m.value("method", ""), "$/progress") << "progress sent to a client that did not ask";
    EXPECT_NE(m.value("method", ""), "window/workDoneProgress/create");
  }
  s.shutdownCleanly();
}

TEST(IndexLspTest, RestartedDaemonReusesTheIndex) {
  ScratchDir scratch;
  const std::string ws = scratch / "ws", indexDir = scratch / "index";
  copyWorkspaceFixture(ws);
  for (int run = 0; run < 2; ++run) {
    SCOPED_TRACE(run == 0 ? "first daemon" : "restarted daemon");
    StdioDaemon daemon({"--index-dir", indexDir});
    daemon.lsp.request(
        "initialize",
        {{"processId", nullptr}, {"rootUri", fileUri(ws)}, {"capabilities", json::object()}});
    daemon.lsp.notify("initialized", json::object());
    json totals =
        daemon.lsp.request("workspace/executeCommand", {{"command", "switchboard.rescan"}});
    ASSERT_TRUE(totals.contains("result")) << totals.dump() << daemon.describe();
    // The first daemon's initial pass may or may not have finished before the
    // rescan; either way the restarted one finds everything unchanged.
    if (run == 1) {
      EXPECT_EQ(totals["result"][0]["indexed"], 0) << totals.dump();
      EXPECT_EQ(totals["result"][0]["unchanged"], 7) << totals.dump();
    }
    daemon.lsp.request("shutdown", nullptr);
    daemon.lsp.notify("exit", nullptr);
    auto status = daemon.proc.wait(10s);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->code, 0) << daemon.describe();
  }
}

TEST(IndexLspTest, NonUtf8DocCommentsDoNotBreakReplies) {
  IndexSession s([](const std::string& ws) {
    writeText(ws + "/py/legacy.py",
              "def legacy_helper():\n    \"\"\"Caf\xe9 au lait \xff.\"\"\"\n    return 1\n");
  });
  s.initialize(false);
  json symbols = s.pollSymbol("legacy_helper");
  ASSERT_TRUE(symbols.is_array() && !symbols.empty()) << symbols.dump() << "\n"
                                                      << s.daemon().describe();
  const std::string uses = s.uri("py/uses.py");
  s.lsp().open(uses, "python", "import legacy\nlegacy.legacy_helper()\n");
  json hover = s.call("textDocument/hover", textDocumentPosition(uses, 1, 10));
  ASSERT_TRUE(hover.is_object()) << hover.dump() << "\n" << s.daemon().describe();
  EXPECT_NE(hover["contents"].dump().find("Caf"), std::string::npos) << hover.dump();
  s.shutdownCleanly();
}

}  // namespace
}  // namespace sb::e2e
