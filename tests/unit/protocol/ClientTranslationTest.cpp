// The shapes the translation layer picks from a client's profile.
#include "protocol/ClientTranslation.h"

#include <gtest/gtest.h>

namespace sb::lsp {
namespace {

ClientProfile profile(json capabilities) {
  return profileFromInitialize({{"capabilities", std::move(capabilities)}});
}

const json kSnippets = {
    {"textDocument", {{"completion", {{"completionItem", {{"snippetSupport", true}}}}}}}};

std::vector<CompletionChoice> modelThenIdentifier() {
  return {{"${x}\\n$HOME }", Range{{3, 4}, {3, 4}}, "${x}", "llama qwen", SymbolKind::String, true},
          {"greeting", Range{{3, 2}, {3, 4}}, "greeting", "def greeting()", SymbolKind::Function,
           false}};
}

TEST(ClientTranslation, SnippetEscapeQuotesDollarBraceAndBackslash) {
  EXPECT_EQ(snippetEscape("a$b}c\\d{e"), "a\\$b\\}c\\\\d{e");
  EXPECT_EQ(snippetEscape(""), "");
  EXPECT_EQ(snippetEscape("plain text\n"), "plain text\n");
}

TEST(ClientTranslation, SnippetClientsGetEscapedSnippetItems) {
  json list = completionListToJson(modelThenIdentifier(), profile(kSnippets));
  EXPECT_TRUE(list["isIncomplete"].get<bool>());
  ASSERT_EQ(list["items"].size(), 2u);
  const json& model = list["items"][0];
  EXPECT_EQ(model["insertTextFormat"], 2);
  EXPECT_EQ(model["textEdit"]["newText"], "\\${x\\}\\\\n\\$HOME \\}");
  EXPECT_TRUE(model["preselect"].get<bool>());
  EXPECT_EQ(model["kind"], 1);  // Text
  EXPECT_EQ(model["label"], "${x}");
  const json& ident = list["items"][1];
  EXPECT_EQ(ident["insertTextFormat"], 2);
  EXPECT_EQ(ident["textEdit"]["newText"], "greeting");
  EXPECT_EQ(ident["kind"], 3);  // Function
  EXPECT_FALSE(ident.contains("preselect"));
  EXPECT_LT(model["sortText"].get<std::string>(), ident["sortText"].get<std::string>());
}

TEST(ClientTranslation, OtherClientsGetThePlainText) {
  json list = completionListToJson(modelThenIdentifier(), profile(json::object()));
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0]["insertTextFormat"], 1);
  EXPECT_EQ(list["items"][0]["textEdit"]["newText"], "${x}\\n$HOME }");
  EXPECT_EQ(list["items"][0]["textEdit"]["range"]["start"]["character"], 4);
  EXPECT_EQ(list["items"][1]["insertTextFormat"], 1);
}

TEST(ClientTranslation, InlineCompletionIsTheModelsTextElseTheBestIdentifier) {
  json withModel = inlineCompletionToJson(modelThenIdentifier());
  ASSERT_EQ(withModel["items"].size(), 1u);
  EXPECT_EQ(withModel["items"][0]["insertText"], "${x}\\n$HOME }");  // never a snippet
  auto offline = modelThenIdentifier();
  offline.erase(offline.begin());
  offline.push_back({"greet", Range{}, "greet", "", SymbolKind::Function, false});
  json identifiers = inlineCompletionToJson(offline);
  ASSERT_EQ(identifiers["items"].size(), 1u);
  EXPECT_EQ(identifiers["items"][0]["insertText"], "greeting");
}

TEST(ClientTranslation, CapabilitiesOfferInlineCompletionOrItemsNeverBoth) {
  json inlineCaps =
      serverCapabilities(profile({{"textDocument", {{"inlineCompletion", json::object()}}}}), {});
  EXPECT_TRUE(inlineCaps.contains("inlineCompletionProvider"));
  EXPECT_FALSE(inlineCaps.contains("completionProvider"));
  json items = serverCapabilities(profile(json::object()), {"switchboard.rescan"});
  EXPECT_FALSE(items.contains("inlineCompletionProvider"));
  EXPECT_TRUE(items.contains("completionProvider"));
  EXPECT_EQ(items["executeCommandProvider"]["commands"], json({"switchboard.rescan"}));
  EXPECT_EQ(items["positionEncoding"], "utf-16");
  EXPECT_EQ(serverCapabilities(profile({{"general", {{"positionEncodings", {"utf-8"}}}}}),
                               {})["positionEncoding"],
            "utf-8");
}

TEST(ClientTranslation, CodeActionsAreLiteralsOnlyWhereSupported) {
  json command = {{"title", "Switchboard: Fix"}, {"command", "switchboard.fix"}};
  json diagnostics = json::array({{{"message", "boom"}}});
  EXPECT_EQ(codeActionToJson("Switchboard: Fix", "quickfix", command, diagnostics,
                             profile(json::object())),
            command);
  json literal = codeActionToJson(
      "Switchboard: Fix", "quickfix", command, diagnostics,
      profile(
          {{"textDocument", {{"codeAction", {{"codeActionLiteralSupport", json::object()}}}}}}));
  EXPECT_EQ(literal["kind"], "quickfix");
  EXPECT_EQ(literal["command"], command);
  EXPECT_EQ(literal["diagnostics"], diagnostics);
  EXPECT_FALSE(literal["isPreferred"].get<bool>());
  json explain = codeActionToJson(
      "Switchboard: Explain", "refactor.switchboard.explain", command, json::array(),
      profile(
          {{"textDocument", {{"codeAction", {{"codeActionLiteralSupport", json::object()}}}}}}));
  EXPECT_FALSE(explain.contains("diagnostics"));
  EXPECT_FALSE(explain.contains("isPreferred"));
}

TEST(ClientTranslation, EditsAreSentOnlyToClientsThatApplyThem) {
  EXPECT_TRUE(sendsApplyEdit(profile({{"workspace", {{"applyEdit", true}}}})));
  EXPECT_STREQ(defaultWorkflowApply(profile({{"workspace", {{"applyEdit", true}}}})), "client");
  EXPECT_FALSE(sendsApplyEdit(profile(json::object())));
  EXPECT_STREQ(defaultWorkflowApply(profile(json::object())), "none");
}

TEST(ClientTranslation, DocumentEditsAreVersionedWhereTheClientTakesDocumentChanges) {
  json edits = json::array({{{"newText", "x"}}});
  json versioned =
      documentEdit("file:///a.py", 3, edits,
                   profile({{"workspace", {{"workspaceEdit", {{"documentChanges", true}}}}}}));
  EXPECT_EQ(versioned["documentChanges"][0]["textDocument"]["version"], 3);
  EXPECT_EQ(versioned["documentChanges"][0]["edits"], edits);
  json plain = documentEdit("file:///a.py", 3, edits, profile(json::object()));
  EXPECT_EQ(plain["changes"]["file:///a.py"], edits);
}

TEST(ClientTranslation, FileCreationAndDeletionNeedResourceOperations) {
  std::string why;
  EXPECT_FALSE(createFileEdit("file:///t.py", "x", profile(json::object()), why));
  EXPECT_NE(why.find("cannot create"), std::string::npos);
  EXPECT_FALSE(deleteFileEdit("file:///t.py", profile(json::object()), why));
  EXPECT_NE(why.find("cannot delete"), std::string::npos);
  ClientProfile both =
      profile({{"workspace",
                {{"workspaceEdit",
                  {{"documentChanges", true}, {"resourceOperations", {"create", "delete"}}}}}}});
  auto create = createFileEdit("file:///t.py", "x = 1\n", both, why);
  ASSERT_TRUE(create);
  EXPECT_EQ((*create)["documentChanges"][0]["kind"], "create");
  EXPECT_FALSE((*create)["documentChanges"][0]["options"]["ignoreIfExists"].get<bool>());
  EXPECT_EQ((*create)["documentChanges"][1]["edits"][0]["newText"], "x = 1\n");
  auto remove = deleteFileEdit("file:///t.py", both, why);
  ASSERT_TRUE(remove);
  EXPECT_EQ((*remove)["documentChanges"][0]["kind"], "delete");
}

TEST(ClientTranslation, ProgressAndWatcherRegistrationFollowTheCapabilities) {
  EXPECT_TRUE(createsProgress(profile({{"window", {{"workDoneProgress", true}}}})));
  EXPECT_FALSE(createsProgress(profile(json::object())));
  EXPECT_FALSE(fileWatcherRegistration(profile(json::object()), {"py", "c"}));
  auto r = fileWatcherRegistration(
      profile({{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}}}),
      {"py", "c"});
  ASSERT_TRUE(r);
  const json& reg = (*r)["registrations"][0];
  EXPECT_EQ(reg["method"], "workspace/didChangeWatchedFiles");
  EXPECT_EQ(reg["registerOptions"]["watchers"][0]["globPattern"], "**/*.{py,c}");
}

}  // namespace
}  // namespace sb::lsp
