// Completion building blocks: context around the cursor, FIM prompts per
// model family, and the clean-up of model output.
#include <gtest/gtest.h>

#include "agents/CompletionText.h"
#include "agents/FimPrompt.h"
#include "analysis/CompletionContext.h"

namespace sb {
namespace {

using agents::cleanCompletion;
using agents::CompletionSurroundings;

TEST(CompletionContext, SplitsAtTheCursorAndFindsTheWordPrefix) {
  Document doc("file:///a.py", "python", 1, "def f(x):\n    return x.val\n\nprint(f(1))\n");
  auto snap = doc.snapshot();
  uint32_t offset = static_cast<uint32_t>(std::string(snap->text()).find("val") + 2);
  CompletionContext ctx = buildCompletionContext(*snap, offset, nullptr, "a.py", {});
  EXPECT_EQ(ctx.prefix, "def f(x):\n    return x.va");
  EXPECT_EQ(ctx.suffix, "l\n\nprint(f(1))\n");
  EXPECT_EQ(ctx.linePrefix, "    return x.va");
  EXPECT_EQ(ctx.lineSuffix, "l");
  EXPECT_EQ(ctx.wordPrefix, "va");
  EXPECT_EQ(ctx.language, "python");
}

TEST(CompletionContext, BudgetsCutAtTopLevelBoundaries) {
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += "def f" + std::to_string(i) + "():\n    return " + std::to_string(i) + "\n\n";
  Document doc("file:///b.py", "python", 1, text);
  auto snap = doc.snapshot();
  uint32_t offset = static_cast<uint32_t>(text.size() / 2);
  offset = static_cast<uint32_t>(text.find("def ", offset));
  CompletionBudgets budgets;
  budgets.prefix = 50;  // ~200 characters
  budgets.suffix = 25;
  CompletionContext ctx = buildCompletionContext(*snap, offset, nullptr, "b.py", budgets);
  EXPECT_LE(ctx.prefix.size(), 200u);
  EXPECT_EQ(ctx.prefix.rfind("def ", 0), 0u) << "prefix starts at a definition: " << ctx.prefix;
  EXPECT_LE(ctx.suffix.size(), 100u);
  EXPECT_EQ(ctx.suffix.back(), '\n') << "suffix ends at a boundary";
}

TEST(FimPrompt, AutoSendsPrefixAndSuffixForTheServerToTemplate) {
  CompletionContext ctx;
  ctx.language = "cpp";
  ctx.path = "src/a.cpp";
  ctx.prefix = "int main() {\n  ";
  ctx.suffix = "\n}\n";
  ctx.definitions = {{"src/util.h", "int helper(int x)"}};
  agents::LlmRequest r = agents::buildFimRequest(ctx, {});
  EXPECT_EQ(r.kind, agents::LlmRequest::Kind::Fim);
  EXPECT_EQ(r.suffix, "\n}\n");
  EXPECT_NE(r.prefix.find("// From src/util.h:\n// int helper(int x)\n"), std::string::npos)
      << r.prefix;
  EXPECT_NE(r.prefix.find("// File: src/a.cpp\nint main() {"), std::string::npos) << r.prefix;
}

TEST(FimPrompt, ModelFamilyTemplatesRenderTheirTokens) {
  CompletionContext ctx;
  ctx.language = "python";
  ctx.prefix = "PRE";
  ctx.suffix = "SUF";
  agents::FimOptions o;
  o.fimTemplate = "qwen";
  EXPECT_EQ(agents::buildFimRequest(ctx, o).prefix,
            "<|fim_prefix|>PRE<|fim_suffix|>SUF<|fim_middle|>");
  o.fimTemplate = "starcoder";
  EXPECT_EQ(agents::buildFimRequest(ctx, o).prefix, "<fim_prefix>PRE<fim_suffix>SUF<fim_middle>");
  o.fimTemplate = "codellama";
  EXPECT_EQ(agents::buildFimRequest(ctx, o).prefix, "<PRE> PRE <SUF>SUF <MID>");
  o.fimTemplate = "deepseek";
  EXPECT_EQ(agents::buildFimRequest(ctx, o).prefix,
            "<｜fim▁begin｜>PRE<｜fim▁hole｜>SUF<｜fim▁end｜>");
  EXPECT_TRUE(agents::buildFimRequest(ctx, o).suffix.empty());
  o.fimTemplate = "nonsense";
  EXPECT_THROW(agents::buildFimRequest(ctx, o), std::invalid_argument);
}

TEST(CleanCompletion, NeverReturnsEmptyOrWhitespace) {
  EXPECT_FALSE(cleanCompletion("", {}));
  EXPECT_FALSE(cleanCompletion("  \n\t\n", {}));
  EXPECT_FALSE(cleanCompletion("<|endoftext|>", {}));
}

TEST(CleanCompletion, MidLineKeepsOneLineAndDropsWhatAlreadyFollows) {
  CompletionSurroundings around{"  foo(", ")", ")\nbar();\n"};
  EXPECT_EQ(cleanCompletion("a, b)\nmore();", around), "a, b");
}

TEST(CleanCompletion, BlockStopsWhereTheScopeCloses) {
  CompletionSurroundings around{"    ", "", "\n}\n"};
  EXPECT_EQ(cleanCompletion("int y = x * 2;\n    return y;\n}\n\nint other() {}", around),
            "int y = x * 2;\n    return y;");
}

TEST(CleanCompletion, DropsTrailingLinesThatRepeatTheSuffix) {
  CompletionSurroundings around{"    ", "", "\n    return total\n"};
  EXPECT_EQ(cleanCompletion("total += 1\n    return total", around), "total += 1");
}

TEST(CleanCompletion, CapsTheNumberOfLines) {
  std::string many;
  for (int i = 0; i < 100; ++i) many += "x" + std::to_string(i) + " = 1\n";
  CompletionSurroundings around{"", "", ""};
  around.maxLines = 5;
  auto text = cleanCompletion(many, around);
  ASSERT_TRUE(text);
  EXPECT_EQ(std::count(text->begin(), text->end(), '\n'), 4);
}

}  // namespace
}  // namespace sb
