// Code action prompts per kind and the reading of model answers.
#include <gtest/gtest.h>

#include <string>

#include "agents/CodeActions.h"
#include "agents/EditParser.h"

using namespace sb::agents;

namespace {

ActionInput sampleInput(ActionKind kind) {
  ActionInput in;
  in.kind = kind;
  in.language = "python";
  in.path = "shop/basket.py";
  in.selected = "def total(items):\n    return sum(i.price for i in items\n";
  in.before = "from shop.pricing import with_vat\n\n";
  in.after = "\nprint(total([]))\n";
  in.firstLine = 3;
  in.diagnostics = {{4, "Missing `)`"}};
  in.definitions = {{"shop/pricing.py", "def with_vat(amount: Decimal) -> Decimal"}};
  in.imports = {"shop/pricing.py"};
  return in;
}

const std::string& userText(const sb::agents::LlmRequest& r) {
  return r.messages.at(0).content;
}

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST(CodeActions, NamesRoundTrip) {
  for (ActionKind k : {ActionKind::Explain, ActionKind::Fix, ActionKind::Document,
                       ActionKind::Tests, ActionKind::Refactor})
    EXPECT_EQ(actionFromName(actionName(k)), k);
  EXPECT_STREQ(actionName(ActionKind::Tests), "writeTests");
  EXPECT_FALSE(actionFromName("tests").has_value());
  EXPECT_TRUE(actionEditsSelection(ActionKind::Fix));
  EXPECT_FALSE(actionEditsSelection(ActionKind::Explain));
  EXPECT_FALSE(actionEditsSelection(ActionKind::Tests));
}

TEST(CodeActions, FixPromptCarriesSelectionContextDiagnosticsAndDefinitions) {
  LlmRequest r = buildActionRequest(sampleInput(ActionKind::Fix), 1000);
  EXPECT_EQ(r.kind, LlmRequest::Kind::Chat);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.maxTokens, 1000);
  const std::string& u = userText(r);
  EXPECT_TRUE(has(u, "File: shop/basket.py (python)")) << u;
  EXPECT_TRUE(has(u, "Selected code (from line 3):\n```python\ndef total(items):")) << u;
  EXPECT_TRUE(has(u, "- line 4: Missing `)`")) << u;
  EXPECT_TRUE(has(u, "# shop/pricing.py\ndef with_vat(amount: Decimal) -> Decimal")) << u;
  EXPECT_TRUE(has(u, "Code before the selection:\n```python\nfrom shop.pricing import with_vat"))
      << u;
  EXPECT_TRUE(has(u, "Code after the selection:\n```python\n\nprint(total([]))")) << u;
  EXPECT_TRUE(has(u, "Imports of this file: shop/pricing.py")) << u;
  EXPECT_TRUE(has(r.system, "ONE fenced code block")) << r.system;
  EXPECT_TRUE(has(r.system, "Fix")) << r.system;
}

TEST(CodeActions, EachKindHasItsOwnSystemPrompt) {
  ActionInput in = sampleInput(ActionKind::Explain);
  in.instruction = "extract a helper";
  std::string explain = buildActionRequest(in, 100).system;
  EXPECT_TRUE(has(explain, "Markdown")) << explain;
  EXPECT_FALSE(has(explain, "ONE fenced code block")) << explain;
  in.kind = ActionKind::Document;
  EXPECT_TRUE(has(buildActionRequest(in, 100).system, "docstrings"));
  in.kind = ActionKind::Refactor;
  LlmRequest refactor = buildActionRequest(in, 100);
  EXPECT_TRUE(has(refactor.system, "Refactor"));
  EXPECT_TRUE(has(userText(refactor), "Instruction: extract a helper")) << userText(refactor);
  in.kind = ActionKind::Tests;
  LlmRequest tests = buildActionRequest(in, 100);
  EXPECT_TRUE(has(tests.system, "```python:tests/test_app.py")) << tests.system;
  EXPECT_TRUE(has(userText(tests), "Suggested test file: tests/test_basket.py")) << userText(tests);
}

TEST(CodeActions, RefactorWithoutInstructionIsRejected) {
  ActionInput in = sampleInput(ActionKind::Refactor);
  in.instruction = "  \n";
  EXPECT_THROW(buildActionRequest(in, 100), std::invalid_argument);
}

TEST(CodeActions, EmptySelectionIsRejected) {
  ActionInput in = sampleInput(ActionKind::Explain);
  in.selected = "\n  ";
  EXPECT_THROW(buildActionRequest(in, 100), std::invalid_argument);
}

TEST(CodeActions, SelectionWithFencesGetsALongerFence) {
  ActionInput in = sampleInput(ActionKind::Document);
  in.language = "markdown";
  in.selected = "Example:\n```\ncode\n```\n";
  in.diagnostics.clear();
  const std::string u = userText(buildActionRequest(in, 100));
  EXPECT_TRUE(has(u, "````markdown\nExample:\n```\ncode\n```\n````")) << u;
}

TEST(CodeActions, SuggestedTestPathsFollowEachLanguage) {
  EXPECT_EQ(suggestedTestPath("python", "shop/basket.py"), "tests/test_basket.py");
  EXPECT_EQ(suggestedTestPath("typescript", "src/app.ts"), "src/app.test.ts");
  EXPECT_EQ(suggestedTestPath("go", "pkg/util.go"), "pkg/util_test.go");
  EXPECT_EQ(suggestedTestPath("cpp", "src/Foo.cpp"), "tests/Foo_test.cpp");
}

TEST(CodeActions, FixReplyGivesTheFirstBlockAndTheProse) {
  ActionReply r = parseActionReply(
      ActionKind::Fix,
      "Here is the fix:\n\n```python\ndef total(items):\n    return sum(items)\n```\n\n"
      "Closed the parenthesis.\n",
      "def total(items):\n    return sum(items\n");
  ASSERT_TRUE(r.replacement.has_value());
  EXPECT_EQ(*r.replacement, "def total(items):\n    return sum(items)\n");
  EXPECT_EQ(r.message, "Here is the fix:\n\nClosed the parenthesis.");
  EXPECT_TRUE(r.files.empty());
}

TEST(CodeActions, ReplacementFollowsTheSelectionsTrailingNewlineAndLineEnds) {
  const std::string reply = "```js\nfoo(a,\n  b)\n```\n";
  EXPECT_EQ(parseActionReply(ActionKind::Refactor, reply, "foo(a, b)").replacement, "foo(a,\n  b)");
  EXPECT_EQ(parseActionReply(ActionKind::Refactor, reply, "foo(a, b)\n").replacement,
            "foo(a,\n  b)\n");
  EXPECT_EQ(parseActionReply(ActionKind::Refactor, reply, "x\r\ny\r\n").replacement,
            "foo(a,\r\n  b)\r\n");
}

TEST(CodeActions, ReplyWithoutCodeBlockHasNoReplacement) {
  ActionReply r = parseActionReply(ActionKind::Fix, "  The code is already correct.\n", "x = 1\n");
  EXPECT_FALSE(r.replacement.has_value());
  EXPECT_EQ(r.message, "The code is already correct.");
}

TEST(CodeActions, SeveralBlocksTakeTheFirstAndKeepTheOthersInTheMessage) {
  ActionReply r = parseActionReply(
      ActionKind::Document,
      "```python\ndef f():\n    \"\"\"Doc.\"\"\"\n```\nUsage:\n```python\nf()\n```\n",
      "def f():\n");
  ASSERT_TRUE(r.replacement.has_value());
  EXPECT_EQ(*r.replacement, "def f():\n    \"\"\"Doc.\"\"\"\n");
  EXPECT_EQ(r.message, "Usage:\n```python\nf()\n```");
}

TEST(CodeActions, UnclosedBlockIsNotAReplacement) {
  ActionReply r = parseActionReply(ActionKind::Fix, "```python\ndef f(:\n", "def f(:\n");
  EXPECT_FALSE(r.replacement.has_value());
}

TEST(CodeActions, ExplainReplyIsTheMarkdown) {
  ActionReply r =
      parseActionReply(ActionKind::Explain, "\n**Sums** prices.\n\n```python\nx\n```\n", "x");
  EXPECT_EQ(r.message, "**Sums** prices.\n\n```python\nx\n```");
  EXPECT_FALSE(r.replacement.has_value());
}

TEST(CodeActions, TestsReplyWithPathGivesTheFile) {
  ActionReply r =
      parseActionReply(ActionKind::Tests,
                       "```python:tests/test_basket.py\nimport pytest\n\ndef test_total():\n"
                       "    assert total([]) == 0\n```\nOne test for the empty basket.\n");
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].path, "tests/test_basket.py");
  EXPECT_EQ(r.files[0].kind, ProposedEdit::Kind::WholeFile);
  EXPECT_EQ(r.files[0].content, "import pytest\n\ndef test_total():\n    assert total([]) == 0\n");
  EXPECT_EQ(r.message, "One test for the empty basket.");
}

TEST(CodeActions, TestsReplyWithoutPathIsOnlyMarkdown) {
  const std::string reply = "```python\ndef test_total():\n    assert True\n```\n";
  ActionReply r = parseActionReply(ActionKind::Tests, reply);
  EXPECT_TRUE(r.files.empty());
  EXPECT_EQ(r.message, "```python\ndef test_total():\n    assert True\n```");
}

TEST(FencedBlocks, OffsetsPointIntoTheOriginalTextWithCrlf) {
  const std::string text = "intro\r\n```c\r\nint x;\r\n```\r\nafter";
  auto blocks = fencedBlocks(text);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].info, "c");
  EXPECT_EQ(blocks[0].content, "int x;\n");
  EXPECT_EQ(text.substr(blocks[0].begin, blocks[0].end - blocks[0].begin),
            "```c\r\nint x;\r\n```\r\n");
}

TEST(FencedBlocks, NestedFencesStayInTheOuterContent) {
  const std::string text = "````md\n```py\nx\n```\n````\n";
  auto blocks = fencedBlocks(text);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].content, "```py\nx\n```\n");
  EXPECT_EQ(blocks[0].end, text.size());
}
