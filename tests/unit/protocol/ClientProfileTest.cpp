// What the server reads from a client's initialize params: each field from
// the capability that declares it, and nothing from malformed input.
#include "protocol/ClientProfile.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

using nlohmann::json;

ClientProfile profile(json capabilities) {
  return profileFromInitialize({{"processId", nullptr}, {"capabilities", std::move(capabilities)}});
}

TEST(ClientProfile, AnEmptyClientGetsTheLsp317Defaults) {
  ClientProfile p = profile(json::object());
  EXPECT_EQ(p.encoding, PositionEncoding::Utf16);
  EXPECT_FALSE(p.hierarchicalSymbols);
  EXPECT_FALSE(p.workDoneProgress);
  EXPECT_FALSE(p.lineFoldingOnly);
  EXPECT_FALSE(p.foldingRangeLimit);
  EXPECT_FALSE(p.diagnosticVersion);
  EXPECT_FALSE(p.markdown);
  EXPECT_FALSE(p.snippets);
  EXPECT_FALSE(p.applyEdit);
  EXPECT_FALSE(p.documentChanges);
  EXPECT_FALSE(p.createFiles);
  EXPECT_FALSE(p.deleteFiles);
  EXPECT_FALSE(p.watchedFilesDynamic);
  EXPECT_FALSE(p.inlineCompletion);
  EXPECT_FALSE(p.configuration);
  EXPECT_FALSE(p.showDocument);
  EXPECT_FALSE(p.codeActionLiterals);
}

TEST(ClientProfile, ClientInfoIsReadForLogsOnly) {
  ClientProfile p =
      profileFromInitialize({{"clientInfo", {{"name", "Visual Studio Code"}, {"version", "1.90"}}},
                             {"capabilities", json::object()}});
  EXPECT_EQ(p.name, "Visual Studio Code");
  EXPECT_EQ(p.version, "1.90");
  // The name decides nothing: the same capabilities as an unnamed client.
  EXPECT_FALSE(p.inlineCompletion);
  EXPECT_EQ(p.encoding, PositionEncoding::Utf16);
}

TEST(ClientProfile, EncodingPrefersUtf8ThenUtf32ThenUtf16) {
  auto offered = [](json list) {
    return profile({{"general", {{"positionEncodings", std::move(list)}}}}).encoding;
  };
  EXPECT_EQ(offered({"utf-16", "utf-32", "utf-8"}), PositionEncoding::Utf8);
  EXPECT_EQ(offered({"utf-32", "utf-16"}), PositionEncoding::Utf32);
  EXPECT_EQ(offered({"utf-16"}), PositionEncoding::Utf16);
  EXPECT_EQ(offered(json::array()), PositionEncoding::Utf16);
  EXPECT_EQ(offered({"latin-1", 8}), PositionEncoding::Utf16);
  EXPECT_EQ(offered("utf-8"), PositionEncoding::Utf16);  // not a list
  EXPECT_STREQ(encodingName(PositionEncoding::Utf8), "utf-8");
  EXPECT_STREQ(encodingName(PositionEncoding::Utf32), "utf-32");
  EXPECT_STREQ(encodingName(PositionEncoding::Utf16), "utf-16");
}

TEST(ClientProfile, MarkdownOnlyWhenHoverListsIt) {
  auto hover = [](json formats) {
    return profile({{"textDocument", {{"hover", {{"contentFormat", std::move(formats)}}}}}})
        .markdown;
  };
  EXPECT_TRUE(hover({"markdown", "plaintext"}));
  EXPECT_TRUE(hover({"plaintext", "markdown"}));
  EXPECT_FALSE(hover({"plaintext"}));
  EXPECT_FALSE(hover("markdown"));  // not a list
}

TEST(ClientProfile, SnippetsFromCompletionItemSnippetSupport) {
  json caps = {
      {"textDocument", {{"completion", {{"completionItem", {{"snippetSupport", true}}}}}}}};
  EXPECT_TRUE(profile(caps).snippets);
  caps["textDocument"]["completion"]["completionItem"]["snippetSupport"] = false;
  EXPECT_FALSE(profile(caps).snippets);
  caps["textDocument"]["completion"]["completionItem"]["snippetSupport"] = "yes";
  EXPECT_FALSE(profile(caps).snippets);  // only a JSON true counts
}

TEST(ClientProfile, InlineCompletionWhenTheClientDeclaresIt) {
  EXPECT_TRUE(profile({{"textDocument", {{"inlineCompletion", json::object()}}}}).inlineCompletion);
  EXPECT_TRUE(profile({{"textDocument", {{"inlineCompletion", {{"dynamicRegistration", false}}}}}})
                  .inlineCompletion);
  EXPECT_FALSE(profile({{"textDocument", {{"completion", json::object()}}}}).inlineCompletion);
}

TEST(ClientProfile, WorkDoneProgressFromWindow) {
  EXPECT_TRUE(profile({{"window", {{"workDoneProgress", true}}}}).workDoneProgress);
  EXPECT_FALSE(profile({{"window", {{"workDoneProgress", false}}}}).workDoneProgress);
  EXPECT_FALSE(profile({{"window", {{"showDocument", {{"support", true}}}}}}).workDoneProgress);
  EXPECT_TRUE(profile({{"window", {{"showDocument", {{"support", true}}}}}}).showDocument);
}

TEST(ClientProfile, ApplyEditFromWorkspace) {
  EXPECT_TRUE(profile({{"workspace", {{"applyEdit", true}}}}).applyEdit);
  EXPECT_FALSE(profile({{"workspace", {{"applyEdit", false}}}}).applyEdit);
  EXPECT_FALSE(profile({{"applyEdit", true}}).applyEdit);  // at the wrong level
  EXPECT_TRUE(profile({{"workspace", {{"configuration", true}}}}).configuration);
}

TEST(ClientProfile, CreateAndDeleteFilesNeedDocumentChanges) {
  json ops = {"create", "rename", "delete"};
  ClientProfile with =
      profile({{"workspace",
                {{"workspaceEdit", {{"documentChanges", true}, {"resourceOperations", ops}}}}}});
  EXPECT_TRUE(with.documentChanges);
  EXPECT_TRUE(with.createFiles);
  EXPECT_TRUE(with.deleteFiles);
  // Resource operations are documentChanges entries: without it, none.
  ClientProfile without =
      profile({{"workspace", {{"workspaceEdit", {{"resourceOperations", ops}}}}}});
  EXPECT_FALSE(without.documentChanges);
  EXPECT_FALSE(without.createFiles);
  EXPECT_FALSE(without.deleteFiles);
  ClientProfile createOnly = profile(
      {{"workspace",
        {{"workspaceEdit", {{"documentChanges", true}, {"resourceOperations", {"create"}}}}}}});
  EXPECT_TRUE(createOnly.createFiles);
  EXPECT_FALSE(createOnly.deleteFiles);
}

TEST(ClientProfile, FoldingRangeLimitAndLineFoldingOnly) {
  ClientProfile p = profile(
      {{"textDocument", {{"foldingRange", {{"rangeLimit", 5000}, {"lineFoldingOnly", true}}}}}});
  ASSERT_TRUE(p.foldingRangeLimit);
  EXPECT_EQ(*p.foldingRangeLimit, 5000u);
  EXPECT_TRUE(p.lineFoldingOnly);
  // A negative, fractional or textual limit is no limit.
  for (json bad : {json(-1), json(2.5), json("100")})
    EXPECT_FALSE(
        profile({{"textDocument", {{"foldingRange", {{"rangeLimit", bad}}}}}}).foldingRangeLimit)
        << bad.dump();
}

TEST(ClientProfile, CodeActionLiteralsWhenLiteralSupportIsDeclared) {
  json literal = {{"codeActionKind", {{"valueSet", {"quickfix", "refactor"}}}}};
  EXPECT_TRUE(profile({{"textDocument", {{"codeAction", {{"codeActionLiteralSupport", literal}}}}}})
                  .codeActionLiterals);
  EXPECT_FALSE(profile({{"textDocument", {{"codeAction", {{"dynamicRegistration", true}}}}}})
                   .codeActionLiterals);
}

TEST(ClientProfile, HierarchicalSymbolsAndDiagnosticVersions) {
  ClientProfile p = profile({{"textDocument",
                              {{"documentSymbol", {{"hierarchicalDocumentSymbolSupport", true}}},
                               {"publishDiagnostics", {{"versionSupport", true}}}}}});
  EXPECT_TRUE(p.hierarchicalSymbols);
  EXPECT_TRUE(p.diagnosticVersion);
}

TEST(ClientProfile, DynamicRegistrationOfWatchedFiles) {
  EXPECT_TRUE(profile({{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}}})
                  .watchedFilesDynamic);
  EXPECT_FALSE(
      profile({{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", false}}}}}})
          .watchedFilesDynamic);
  // Another feature's dynamic registration says nothing about file watching.
  EXPECT_FALSE(profile({{"textDocument", {{"completion", {{"dynamicRegistration", true}}}}}})
                   .watchedFilesDynamic);
}

TEST(ClientProfile, MalformedInputGivesTheDefaults) {
  for (const json& params :
       {json(nullptr), json(42), json("initialize"), json::array({1, 2}),
        json{{"capabilities", nullptr}}, json{{"capabilities", "all"}},
        json{{"capabilities", json::array()}},
        json{{"clientInfo", "vim"}, {"capabilities", {{"textDocument", 7}}}},
        json{{"capabilities", {{"workspace", {{"applyEdit", 1}}}}}},
        json{{"capabilities", {{"general", {{"positionEncodings", nullptr}}}}}}}) {
    ClientProfile p = profileFromInitialize(params);
    EXPECT_EQ(p.encoding, PositionEncoding::Utf16) << params.dump();
    EXPECT_FALSE(p.applyEdit) << params.dump();
    EXPECT_FALSE(p.markdown) << params.dump();
    EXPECT_FALSE(p.inlineCompletion) << params.dump();
    EXPECT_TRUE(p.name.empty()) << params.dump();
  }
}

}  // namespace
}  // namespace sb
