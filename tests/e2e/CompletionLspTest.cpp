// Completions through the real binary, wired to the fake backend (a real
// HTTP server on 127.0.0.1): items or inline items by client capability, the
// prompt carries cross-file context from the index, newer requests supersede
// older ones, and offline mode still answers with identifiers.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ChildProcess.h"
#include "FakeBackend.h"
#include "LspClient.h"

namespace sb::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class CompletionLsp : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sb-complete-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ws");
    fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", dir_ / "ws", fs::copy_options::recursive);
    mainUri_ = "file://" + (fs::canonical(dir_ / "ws") / "main.py").string();
  }
  void TearDown() override {
    proc_.reset();
    ::unsetenv("OPENAI_BASE_URL");
    fs::remove_all(dir_);
  }

  void start(bool withModel, json capabilities, json initializationOptions = nullptr) {
    if (withModel)
      ::setenv("OPENAI_BASE_URL", (backend_.url() + "/v1").c_str(), 1);
    else
      ::unsetenv("OPENAI_BASE_URL");
    proc_.emplace(
        ChildProcess::start({SB_BINARY, "lsp", "--index-dir", (dir_ / "index").string()}));
    lsp_.emplace(proc_->io());
    json init =
        lsp_->request("initialize", {{"processId", nullptr},
                                     {"rootUri", "file://" + fs::canonical(dir_ / "ws").string()},
                                     {"capabilities", capabilities},
                                     {"initializationOptions", initializationOptions}});
    ASSERT_TRUE(init.contains("result")) << init.dump();
    caps_ = init["result"]["capabilities"];
    lsp_->notify("initialized", json::object());
    // Wait for the index so that cross-file context is there.
    for (int i = 0; i < 100; ++i) {
      json r = lsp_->request("workspace/symbol", {{"query", "with_vat"}});
      if (!r["result"].empty()) break;
      std::this_thread::sleep_for(50ms);
    }
    lsp_->open(mainUri_, "python",
               "from shop.pricing import with_vat\n\ndef total_with_tax(amount):\n    "
               "ret\n\nprint(total_with_tax(1))\n");
  }

  json completeAt(const std::string& method, int line, int character) {
    return lsp_->request(method, {{"textDocument", {{"uri", mainUri_}}},
                                  {"position", {{"line", line}, {"character", character}}}});
  }

  fs::path dir_;
  std::string mainUri_;
  fake::FakeBackend backend_;
  std::optional<ChildProcess> proc_;
  std::optional<LspClient> lsp_;
  json caps_;
};

TEST_F(CompletionLsp, CompletionItemsCarryTheModelTextAndThePromptHasCrossFileContext) {
  backend_.setDefaultText("urn with_vat(amount)");
  start(true, json::object());
  ASSERT_TRUE(caps_.contains("completionProvider")) << caps_.dump();
  EXPECT_FALSE(caps_.contains("inlineCompletionProvider"));
  json r = completeAt("textDocument/completion", 3, 7);
  ASSERT_TRUE(r.contains("result")) << r.dump();
  ASSERT_FALSE(r["result"]["items"].empty()) << r.dump();
  EXPECT_EQ(r["result"]["items"][0]["textEdit"]["newText"], "urn with_vat(amount)");
  ASSERT_TRUE(backend_.waitForRequests(1, 5s));
  auto sent = backend_.requests().back();
  EXPECT_NE(sent.body.find("def with_vat(amount: Decimal"), std::string::npos)
      << "the definition from shop/pricing.py should be in the prompt: " << sent.body;
  EXPECT_NE(sent.body.find("print(total_with_tax(1))"), std::string::npos)
      << "the suffix: " << sent.body;
}

// A snippet-capable client gets the model's text as a snippet whose `$`, `}`
// and `\` are escaped (so inserting it gives exactly the text); a client
// without snippet support gets the same text as plain text.
TEST_F(CompletionLsp, SnippetClientsGetTheModelTextEscapedOthersPlainText) {
  const std::string text = "urn f\"${amount}\" + '\\\\'";  // a format string and a backslash
  backend_.setDefaultText(text);
  start(true,
        {{"textDocument", {{"completion", {{"completionItem", {{"snippetSupport", true}}}}}}}});
  json r = completeAt("textDocument/completion", 3, 7);
  ASSERT_FALSE(r["result"]["items"].empty()) << r.dump();
  const json& snippet = r["result"]["items"][0];
  EXPECT_EQ(snippet["insertTextFormat"], 2) << snippet.dump();
  EXPECT_EQ(snippet["textEdit"]["newText"], "urn f\"\\${amount\\}\" + '\\\\\\\\'")
      << snippet.dump();

  lsp_.reset();
  proc_.reset();
  start(true,
        {{"textDocument", {{"completion", {{"completionItem", {{"snippetSupport", false}}}}}}}});
  r = completeAt("textDocument/completion", 3, 7);
  ASSERT_FALSE(r["result"]["items"].empty()) << r.dump();
  const json& plain = r["result"]["items"][0];
  EXPECT_EQ(plain["insertTextFormat"], 1) << plain.dump();
  EXPECT_EQ(plain["textEdit"]["newText"], text) << plain.dump();
}

TEST_F(CompletionLsp, InlineCompletionWhenTheClientSupportsIt) {
  backend_.setDefaultText("urn with_vat(amount)\n\nprint('done')");
  start(true, {{"textDocument", {{"inlineCompletion", json::object()}}}});
  ASSERT_TRUE(caps_.contains("inlineCompletionProvider")) << caps_.dump();
  json r = completeAt("textDocument/inlineCompletion", 3, 7);
  ASSERT_EQ(r["result"]["items"].size(), 1u) << r.dump();
  // Post-processing stops where the function's block ends (dedent).
  EXPECT_EQ(r["result"]["items"][0]["insertText"], "urn with_vat(amount)");
}

TEST_F(CompletionLsp, ANewerRequestSupersedesTheOlderOne) {
  backend_.setDefaultText("urn amount");
  start(true, json::object());
  // Both in one write, as an editor sends them while typing fast.
  json params = {{"textDocument", {{"uri", mainUri_}}},
                 {"position", {{"line", 3}, {"character", 7}}}};
  json first = 9001, second = 9002;
  lsp_->sendRaw(frame(json({{"jsonrpc", "2.0"},
                            {"id", first},
                            {"method", "textDocument/completion"},
                            {"params", params}})
                          .dump()) +
                frame(json({{"jsonrpc", "2.0"},
                            {"id", second},
                            {"method", "textDocument/completion"},
                            {"params", params}})
                          .dump()));
  json a = lsp_->awaitResponse(first, nullptr, 10s);
  json b = lsp_->awaitResponse(second, nullptr, 10s);
  EXPECT_TRUE(a["result"]["items"].empty()) << "superseded: " << a.dump();
  ASSERT_FALSE(b["result"]["items"].empty()) << b.dump();
  EXPECT_EQ(b["result"]["items"][0]["textEdit"]["newText"], "urn amount");
  // The debounce means the superseded request never reached the model (the
  // GET /props before it is the check for llama-server).
  int posts = 0;
  for (auto& r : backend_.requests()) posts += r.method == "POST";
  EXPECT_EQ(posts, 1);
}

TEST_F(CompletionLsp, InitializationOptionsChooseTheFimTemplate) {
  backend_.setDefaultText("urn 1");
  start(true, json::object(),
        {{"switchboard", {{"completion", {{"fimTemplate", "qwen"}, {"maxTokens", 64}}}}}});
  json r = completeAt("textDocument/completion", 3, 7);
  ASSERT_FALSE(r["result"]["items"].empty()) << r.dump();
  ASSERT_TRUE(backend_.waitForRequests(1, 5s));
  std::string body = backend_.requests().back().body;
  EXPECT_NE(body.find("<|fim_prefix|>"), std::string::npos) << body;
  EXPECT_NE(body.find("<|fim_middle|>"), std::string::npos) << body;
  EXPECT_NE(body.find("64"), std::string::npos) << body;
}

TEST_F(CompletionLsp, OfflineModeStillCompletesIdentifiers) {
  start(false, json::object());
  lsp_->notify(
      "textDocument/didChange",
      {{"textDocument", {{"uri", mainUri_}, {"version", 2}}},
       {"contentChanges", {{{"text", "from shop.pricing import with_vat\n\nx = with_\n"}}}}});
  json r = completeAt("textDocument/completion", 2, 9);
  ASSERT_TRUE(r.contains("result")) << r.dump();
  bool found = false;
  for (const auto& item : r["result"]["items"]) found |= item["label"] == "with_vat";
  EXPECT_TRUE(found) << r.dump();
  EXPECT_EQ(backend_.requestCount(), 0u);
}

}  // namespace
}  // namespace sb::e2e
