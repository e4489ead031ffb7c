#include <gtest/gtest.h>

#include <string>

#include "TestUtil.h"
#include "analysis/SyntaxInfo.h"

namespace sb {
namespace {

TEST(SyntaxDiagnostics, ValidCodeHasNone) {
  for (const char* f :
       {"outline.c", "outline.cpp", "outline.py", "outline.js", "outline.ts", "outline.tsx",
        "outline.go", "outline.rs", "outline.java", "outline.json", "outline.sh"})
    EXPECT_TRUE(syntaxDiagnostics(*test::parseFixture(f)).empty()) << f;
}

TEST(SyntaxDiagnostics, MissingSemicolonInC) {
  const std::string text = "int main(void) {\n  int x = 1\n  return x;\n}\n";
  const auto d = syntaxDiagnostics(*test::parse("x.c", text));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "Missing `;`");
  EXPECT_EQ(d[0].range.begin, d[0].range.end) << "zero width";
  EXPECT_EQ(d[0].range.begin, text.find("1\n") + 1);
}

TEST(SyntaxDiagnostics, UnclosedParenInPython) {
  const std::string text = "def f(a):\n    print((a, 2)\n\nx = 3\n";
  const auto d = syntaxDiagnostics(*test::parse("x.py", text));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message.rfind("Syntax error: unexpected `(`", 0), 0u) << d[0].message;
  EXPECT_EQ(d[0].range.begin, text.find("((")) << "the outer paren is the unclosed one";
}

TEST(SyntaxDiagnostics, ExtraParenInJavaScriptNamesTheTokenAndTheParent) {
  const std::string text = "function f() {\n  g(1));\n}\n";
  const auto d = syntaxDiagnostics(*test::parse("x.js", text));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "Syntax error: unexpected `)` in expression statement");
  EXPECT_EQ(d[0].range, (ByteRange{static_cast<uint32_t>(text.find("));") + 1),
                                   static_cast<uint32_t>(text.find("));") + 2)}));
}

TEST(SyntaxDiagnostics, MissingParenInJava) {
  const auto d = syntaxDiagnostics(*test::parse("A.java", "class A {\n  void f( {\n  }\n}\n"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "Missing `)`");
}

TEST(SyntaxDiagnostics, LongTokensAreTruncated) {
  const std::string text =
      "fn main() {\n    let x = ;\n}\nfn g() { 1 2 abcdefghijklmnopqrstuvwxyz0123456789 }\n";
  const auto d = syntaxDiagnostics(*test::parse("x.rs", text));
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].message, "Syntax error: unexpected `=` in let declaration");
  for (const auto& diag : d) EXPECT_LT(diag.message.size(), 80u) << diag.message;
}

TEST(SyntaxDiagnostics, NestedErrorsAreReportedOnceAndCapped) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "int f" + std::to_string(i) + "() { return ((( ; }\n";
  const auto snap = test::parse("x.c", text);
  const auto all = syntaxDiagnostics(*snap, 1000);
  ASSERT_GE(all.size(), 10u);
  for (size_t i = 1; i < all.size(); ++i)
    EXPECT_GE(all[i].range.begin, all[i - 1].range.end) << "no diagnostic inside another";
  EXPECT_EQ(syntaxDiagnostics(*snap, 5).size(), 5u);
  EXPECT_TRUE(syntaxDiagnostics(*snap, 0).empty());
}

TEST(SyntaxDiagnostics, NoTreeNoDiagnostics) {
  EXPECT_TRUE(syntaxDiagnostics(*test::parse("x.unknown", "((((")).empty());
}

}  // namespace
}  // namespace sb
