// AI code actions through the real binary, wired to the fake backend (a real
// HTTP server on 127.0.0.1): the code action list, executeCommand for each
// action with workspace/applyEdit and $/progress, the prompt's context,
// cancellation, errors, and the pipe mode.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "ChildProcess.h"
#include "FakeBackend.h"
#include "LspClient.h"

namespace sb::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kMain =
    "from shop.pricing import with_vat\n"
    "\n"
    "def total_with_tax(amount):\n"
    "    return with_vat(amount\n"
    "\n"
    "print(total_with_tax(1))\n";

json range(int l1, int c1, int l2, int c2) {
  return {{"start", {{"line", l1}, {"character", c1}}}, {"end", {{"line", l2}, {"character", c2}}}};
}

// Everything the model was asked: the system prompt and the messages.
std::string promptOf(const fake::RecordedRequest& r) {
  json body = r.json();
  std::string out;
  for (const auto& m : body.value("messages", json::array()))
    if (m.contains("content") && m["content"].is_string())
      out += m["content"].get<std::string>() + "\n";
  return out;
}

class CodeActionsLsp : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sb-actions-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ws");
    fs::create_directories(dir_ / "cache");
    fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", dir_ / "ws", fs::copy_options::recursive);
    root_ = fs::canonical(dir_ / "ws").string();
    mainUri_ = "file://" + root_ + "/main.py";
    // A private response cache: answers never leak between tests.
    ::setenv("XDG_CACHE_HOME", (dir_ / "cache").c_str(), 1);
  }
  void TearDown() override {
    proc_.reset();
    ::unsetenv("OPENAI_BASE_URL");
    ::unsetenv("XDG_CACHE_HOME");
    fs::remove_all(dir_);
  }

  void useModel(bool withModel) {
    if (withModel)
      ::setenv("OPENAI_BASE_URL", (backend_.url() + "/v1").c_str(), 1);
    else
      ::unsetenv("OPENAI_BASE_URL");
  }

  // Starts `switchboard lsp` on the workspace; answers applyEdit with
  // `applied` and progress creation with null.
  void start(bool withModel, json capabilities, json initializationOptions = nullptr) {
    useModel(withModel);
    proc_.emplace(
        ChildProcess::start({SB_BINARY, "lsp", "--index-dir", (dir_ / "index").string()}));
    lsp_.emplace(proc_->io());
    lsp_->onServerRequest([this](const json& r) -> json {
      if (r["method"] == "workspace/applyEdit") return {{"applied", true}};
      return nullptr;
    });
    json init =
        lsp_->request("initialize", {{"processId", nullptr},
                                     {"rootUri", "file://" + root_},
                                     {"capabilities", std::move(capabilities)},
                                     {"initializationOptions", std::move(initializationOptions)}});
    ASSERT_TRUE(init.contains("result")) << init.dump();
    caps_ = init["result"]["capabilities"];
    lsp_->notify("initialized", json::object());
    // Wait for the index so that cross-file context is there.
    for (int i = 0; i < 100; ++i) {
      json r = lsp_->request("workspace/symbol", {{"query", "with_vat"}});
      if (!r["result"].empty()) break;
      std::this_thread::sleep_for(50ms);
    }
    lsp_->open(mainUri_, "python", kMain);
  }

  json execute(const std::string& command, json argument, Millis timeout = 20s) {
    return lsp_->request("workspace/executeCommand",
                         {{"command", command}, {"arguments", {std::move(argument)}}}, timeout);
  }

  std::vector<json> serverRequests(const std::string& method) {
    std::vector<json> out;
    for (const auto& m : lsp_->notifications())
      if (m.contains("id") && m.value("method", "") == method) out.push_back(m);
    return out;
  }

  fs::path dir_;
  std::string root_, mainUri_;
  fake::FakeBackend backend_;
  std::optional<ChildProcess> proc_;
  std::optional<LspClient> lsp_;
  json caps_;
};

const json kEditingClient = {
    {"workspace",
     {{"applyEdit", true},
      {"workspaceEdit",
       {{"documentChanges", true}, {"resourceOperations", {"create", "rename", "delete"}}}}}},
    {"textDocument",
     {{"codeAction", {{"codeActionLiteralSupport", {{"codeActionKind", {{"valueSet", {""}}}}}}}}}},
    {"window", {{"workDoneProgress", true}}}};

TEST_F(CodeActionsLsp, CodeActionsForARangeWithADiagnostic) {
  start(true, kEditingClient);
  ASSERT_TRUE(caps_.contains("codeActionProvider")) << caps_.dump();
  EXPECT_EQ(caps_["codeActionProvider"]["codeActionKinds"][0], "quickfix");
  const json commands = caps_["executeCommandProvider"]["commands"];
  for (const char* c : {"switchboard.rescan", "switchboard.explain", "switchboard.fix",
                        "switchboard.document", "switchboard.writeTests", "switchboard.refactor"})
    EXPECT_NE(std::find(commands.begin(), commands.end(), c), commands.end())
        << c << " in " << commands.dump();

  json diagnostic = {
      {"range", range(3, 19, 3, 20)}, {"message", "\"(\" was not closed"}, {"source", "pyright"}};
  json r = lsp_->request("textDocument/codeAction", {{"textDocument", {{"uri", mainUri_}}},
                                                     {"range", range(2, 0, 4, 0)},
                                                     {"context", {{"diagnostics", {diagnostic}}}}});
  ASSERT_TRUE(r["result"].is_array()) << r.dump();
  std::vector<std::string> titles;
  for (const auto& a : r["result"]) titles.push_back(a["title"]);
  EXPECT_EQ(titles,
            (std::vector<std::string>{"Switchboard: Explain", "Switchboard: Fix",
                                      "Switchboard: Document", "Switchboard: Write tests"}));
  const json& fix = r["result"][1];
  EXPECT_EQ(fix["kind"], "quickfix");
  EXPECT_EQ(fix["diagnostics"][0]["message"], "\"(\" was not closed");
  EXPECT_EQ(fix["command"]["command"], "switchboard.fix");
  EXPECT_EQ(fix["command"]["arguments"][0]["uri"], mainUri_);
  EXPECT_EQ(fix["command"]["arguments"][0]["range"], range(2, 0, 4, 0));
  EXPECT_EQ(r["result"][0]["command"]["arguments"][0],
            json({{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}}));
  EXPECT_EQ(r["result"][3]["kind"], "source.switchboard.writeTests");

  // `only` filters by kind.
  json onlyFix =
      lsp_->request("textDocument/codeAction",
                    {{"textDocument", {{"uri", mainUri_}}},
                     {"range", range(2, 0, 4, 0)},
                     {"context", {{"diagnostics", json::array()}, {"only", {"quickfix"}}}}});
  ASSERT_EQ(onlyFix["result"].size(), 1u) << onlyFix.dump();
  EXPECT_EQ(onlyFix["result"][0]["title"], "Switchboard: Fix");
  EXPECT_EQ(backend_.requestCount(), 0u) << "listing actions asks no model";
}

TEST_F(CodeActionsLsp, FixAppliesTheReplacementThroughApplyEdit) {
  backend_.setDefaultText(
      "```python\ndef total_with_tax(amount):\n    return with_vat(amount)\n```\nClosed the call "
      "to with_vat.\n");
  start(true, kEditingClient);
  json diagnostic = {
      {"range", range(3, 19, 3, 20)}, {"message", "\"(\" was not closed"}, {"source", "pyright"}};
  json r =
      execute("switchboard.fix",
              {{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}, {"diagnostics", {diagnostic}}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"]["kind"], "fix");
  EXPECT_EQ(r["result"]["applied"], true);
  EXPECT_EQ(r["result"]["markdown"], "Closed the call to with_vat.");

  auto applies = serverRequests("workspace/applyEdit");
  ASSERT_EQ(applies.size(), 1u);
  const json& params = applies[0]["params"];
  EXPECT_EQ(params["label"], "Switchboard: Fix");
  const json& change = params["edit"]["documentChanges"][0];
  EXPECT_EQ(change["textDocument"]["uri"], mainUri_);
  EXPECT_EQ(change["textDocument"]["version"], 1);
  EXPECT_EQ(change["edits"][0]["range"], range(2, 0, 4, 0));
  EXPECT_EQ(change["edits"][0]["newText"],
            "def total_with_tax(amount):\n    return with_vat(amount)\n");
  EXPECT_EQ(r["result"]["edit"], params["edit"]);

  ASSERT_TRUE(backend_.waitForRequests(1, 5s));
  const std::string prompt = promptOf(backend_.requests().back());
  EXPECT_NE(prompt.find("def total_with_tax(amount):\n    return with_vat(amount\n"),
            std::string::npos)
      << prompt;
  EXPECT_NE(prompt.find("pyright: \"(\" was not closed"), std::string::npos)
      << "the diagnostic: " << prompt;
  EXPECT_NE(prompt.find("def with_vat(amount: Decimal"), std::string::npos)
      << "the definition from shop/pricing.py: " << prompt;
}

TEST_F(CodeActionsLsp, WithoutApplyEditSupportTheEditIsReturned) {
  backend_.setDefaultText("```python\n    return with_vat(amount)\n```\n");
  start(true, json::object());
  json r = execute("switchboard.fix", {{"uri", mainUri_}, {"range", range(3, 4, 3, 26)}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"]["applied"], false);
  // `changes` (no documentChanges support); the range starting in the
  // indentation takes the whole indentation.
  const json& edits = r["result"]["edit"]["changes"][mainUri_];
  ASSERT_EQ(edits.size(), 1u) << r.dump();
  EXPECT_EQ(edits[0]["range"], range(3, 0, 3, 26));
  EXPECT_EQ(edits[0]["newText"], "    return with_vat(amount)");
  EXPECT_TRUE(serverRequests("workspace/applyEdit").empty());
}

TEST_F(CodeActionsLsp, ExplainAnswersMarkdownAndStreamsProgress) {
  const std::string text =
      "**total_with_tax** adds VAT to `amount` by calling `with_vat` from the pricing module.";
  backend_.setResponder([text](const fake::RecordedRequest& req) -> std::optional<fake::Reply> {
    fake::Reply r = fake::autoReply(req, text);
    r.chunkDelay = 120ms;
    return r;
  });
  start(true, kEditingClient);
  json r = execute("switchboard.explain", {{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"], json({{"kind", "explain"}, {"markdown", text}}));

  auto creates = serverRequests("window/workDoneProgress/create");
  // The indexing progress has its own token.
  std::erase_if(creates, [](const json& c) {
    return c["params"]["token"].get<std::string>().rfind("switchboard/action/", 0) != 0;
  });
  ASSERT_EQ(creates.size(), 1u);
  const json token = creates[0]["params"]["token"];
  std::vector<std::string> kinds;
  std::string streamed;
  for (const auto& m : lsp_->notifications()) {
    if (m.value("method", "") != "$/progress" || m["params"]["token"] != token) continue;
    const json& v = m["params"]["value"];
    kinds.push_back(v["kind"]);
    if (v["kind"] == "report") streamed += v.value("message", "");
    if (v["kind"] == "begin") {
      EXPECT_EQ(v["title"], "Switchboard: Explain");
    }
  }
  ASSERT_GE(kinds.size(), 3u);
  EXPECT_EQ(kinds.front(), "begin");
  EXPECT_EQ(kinds.back(), "end");
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "report"), kinds.end());
  EXPECT_EQ(streamed, text) << "the reports carry the streamed text";
}

TEST_F(CodeActionsLsp, WriteTestsCreatesTheTestFile) {
  backend_.setDefaultText(
      "```python:tests/test_main.py\nfrom main import total_with_tax\n\n\ndef test_zero():\n"
      "    assert total_with_tax(0) == 0\n```\nOne test.\n");
  start(true, kEditingClient);
  json r = execute("switchboard.writeTests", {{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"]["kind"], "writeTests");
  EXPECT_EQ(r["result"]["path"], "tests/test_main.py");
  EXPECT_EQ(r["result"]["applied"], true);
  auto applies = serverRequests("workspace/applyEdit");
  ASSERT_EQ(applies.size(), 1u);
  const json& changes = applies[0]["params"]["edit"]["documentChanges"];
  const std::string testUri = "file://" + root_ + "/tests/test_main.py";
  EXPECT_EQ(changes[0]["kind"], "create");
  EXPECT_EQ(changes[0]["uri"], testUri);
  EXPECT_EQ(changes[1]["textDocument"]["uri"], testUri);
  EXPECT_EQ(
      changes[1]["edits"][0]["newText"],
      "from main import total_with_tax\n\n\ndef test_zero():\n    assert total_with_tax(0) == 0\n");
  EXPECT_EQ(changes[1]["edits"][0]["range"], range(0, 0, 0, 0));
  EXPECT_FALSE(fs::exists(root_ + "/tests/test_main.py"))
      << "the client writes the file, not the server";
}

TEST_F(CodeActionsLsp, ATestPathOutsideTheWorkspaceIsAnError) {
  backend_.setDefaultText("```python:../outside.py\ndef test_x():\n    pass\n```\n");
  start(true, kEditingClient);
  json r = execute("switchboard.writeTests", {{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}});
  ASSERT_TRUE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("../outside.py"), std::string::npos)
      << r.dump();
  EXPECT_TRUE(serverRequests("workspace/applyEdit").empty());
}

TEST_F(CodeActionsLsp, RefactorWithoutInstructionIsAnError) {
  start(true, kEditingClient);
  json r = execute("switchboard.refactor", {{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}});
  ASSERT_TRUE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("instruction"), std::string::npos)
      << r.dump();
  json bad = lsp_->request("workspace/executeCommand",
                           {{"command", "switchboard.fix"}, {"arguments", {42}}});
  EXPECT_EQ(bad["error"]["code"], -32602) << bad.dump();
  EXPECT_EQ(backend_.requestCount(), 0u);
}

TEST_F(CodeActionsLsp, RefactorFollowsTheInstruction) {
  backend_.setDefaultText(
      "```python\ndef total_with_tax(amount):\n    return with_vat(amount)\n```\n");
  start(true, kEditingClient);
  json r = execute(
      "switchboard.refactor",
      {{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}, {"instruction", "rename amount to net"}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"]["kind"], "refactor");
  ASSERT_TRUE(backend_.waitForRequests(1, 5s));
  EXPECT_NE(promptOf(backend_.requests().back()).find("Instruction: rename amount to net"),
            std::string::npos);
}

TEST_F(CodeActionsLsp, NoBackendConfiguredSaysWhatToSet) {
  start(false, kEditingClient);
  json r = execute("switchboard.explain", {{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}});
  ASSERT_TRUE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["error"]["code"], -32803);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("OPENAI_BASE_URL"), std::string::npos)
      << r.dump();
}

TEST_F(CodeActionsLsp, CancelRequestAbortsTheModelCall) {
  fake::Reply hang;
  hang.hang = true;
  backend_.enqueue(hang);
  start(true, kEditingClient);
  json id = lsp_->sendRequest("workspace/executeCommand",
                              {{"command", "switchboard.explain"},
                               {"arguments", {{{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}}}}});
  ASSERT_TRUE(backend_.waitForRequests(1, 10s));
  lsp_->notify("$/cancelRequest", {{"id", id}});
  json r = lsp_->awaitResponse(id, nullptr, 10s);
  EXPECT_EQ(r["error"]["code"], -32800) << r.dump();
  EXPECT_TRUE(backend_.waitForClosedByClient(1, 5s)) << "the HTTP transfer is aborted";
}

TEST_F(CodeActionsLsp, ActionsStartWithTheChatBackend) {
  backend_.setDefaultText("It adds VAT.");
  const std::string url = backend_.url() + "/v1";
  start(false, kEditingClient,
        {{"switchboard",
          {{"backends",
            {{{"name", "fast"}, {"provider", "openai"}, {"baseUrl", url}, {"model", "small-coder"}},
             {{"name", "chat"}, {"provider", "openai"}, {"baseUrl", url}, {"model", "big-chat"}}}},
           {"chatBackend", "chat"}}}});
  json r = execute("switchboard.explain", {{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  ASSERT_TRUE(backend_.waitForRequests(1, 5s));
  EXPECT_EQ(backend_.requests().back().json()["model"], "big-chat");
}

// `switchboard pipe`: one JSON line in, the explanation out.
TEST_F(CodeActionsLsp, PipeModeExplains) {
  backend_.setDefaultText("It adds VAT.");
  useModel(true);
  std::ofstream(root_ + "/main.py") << kMain;
  auto p = ChildProcess::start(
      {SB_BINARY, "pipe", "--workspace", root_, "--index-dir", (dir_ / "index").string()});
  p.io().write(json({{"jsonrpc", "2.0"},
                     {"id", 1},
                     {"method", "workspace/executeCommand"},
                     {"params",
                      {{"command", "switchboard.explain"},
                       {"arguments", {{{"uri", mainUri_}, {"range", range(2, 0, 4, 0)}}}}}}})
                   .dump() +
               "\n");
  p.io().closeWrite();
  ASSERT_TRUE(p.wait(20s)) << "pipe did not exit at end of input";
  std::istringstream out(p.out());
  std::string line;
  ASSERT_TRUE(std::getline(out, line)) << p.err();
  json r = json::parse(line);
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"], json({{"kind", "explain"}, {"markdown", "It adds VAT."}}));
}

}  // namespace
}  // namespace sb::e2e
