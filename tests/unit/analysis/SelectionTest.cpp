#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "TestUtil.h"
#include "analysis/SyntaxInfo.h"

namespace sb {
namespace {

std::vector<std::string> texts(const DocumentSnapshot& doc, const std::vector<ByteRange>& chain) {
  std::vector<std::string> out;
  out.reserve(chain.size());
  for (const ByteRange& r : chain) out.emplace_back(doc.text().substr(r.begin, r.end - r.begin));
  return out;
}

void expectStrictlyGrowing(const std::vector<ByteRange>& chain, size_t size) {
  ASSERT_FALSE(chain.empty());
  for (size_t i = 1; i < chain.size(); ++i) {
    EXPECT_LE(chain[i].begin, chain[i - 1].begin);
    EXPECT_GE(chain[i].end, chain[i - 1].end);
    EXPECT_FALSE(chain[i] == chain[i - 1]);
  }
  EXPECT_EQ(chain.back(), (ByteRange{0, static_cast<uint32_t>(size)}));
}

TEST(SelectionChain, GrowsFromTheIdentifierToTheDocument) {
  const std::string text = "int f(int a) {\n  return a + 1;\n}\n";
  const auto snap = test::parse("x.c", text);
  const uint32_t at = static_cast<uint32_t>(text.find("a + 1"));
  const auto chain = selectionChain(*snap, at);
  expectStrictlyGrowing(chain, text.size());
  EXPECT_EQ(texts(*snap, chain),
            (std::vector<std::string>{"a", "a + 1", "return a + 1;", "{\n  return a + 1;\n}",
                                      "int f(int a) {\n  return a + 1;\n}", text}));
}

TEST(SelectionChain, PythonCall) {
  const std::string text = "x = foo(bar, 2)\n";
  const auto snap = test::parse("x.py", text);
  const auto chain = selectionChain(*snap, static_cast<uint32_t>(text.find("bar") + 1));
  expectStrictlyGrowing(chain, text.size());
  EXPECT_EQ(texts(*snap, chain),
            (std::vector<std::string>{"bar", "(bar, 2)", "foo(bar, 2)", "x = foo(bar, 2)", text}));
}

TEST(SelectionChain, EveryOffsetOfAFixtureGivesAValidChain) {
  const auto snap = test::parseFixture("outline.ts");
  const auto size = static_cast<uint32_t>(snap->text().size());
  for (uint32_t at = 0; at <= size; at += 7) {
    SCOPED_TRACE(at);
    const auto chain = selectionChain(*snap, at);
    expectStrictlyGrowing(chain, size);
    EXPECT_LE(chain.front().begin, at);
    EXPECT_GE(chain.front().end, at);
  }
}

TEST(SelectionChain, OffsetPastTheEndIsClamped) {
  const auto snap = test::parse("x.json", "[1]");
  const auto chain = selectionChain(*snap, 1000);
  expectStrictlyGrowing(chain, 3);
}

TEST(SelectionChain, NoTreeGivesTheWholeDocument) {
  const auto snap = test::parse("x.txt", "hello");
  EXPECT_EQ(selectionChain(*snap, 2), (std::vector<ByteRange>{{0, 5}}));
}

}  // namespace
}  // namespace sb
