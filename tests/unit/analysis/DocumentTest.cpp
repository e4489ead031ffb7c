#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "TestUtil.h"
#include "analysis/Document.h"

namespace sb {
namespace {

TEST(Document, ParsesAKnownLanguage) {
  Document doc("file:///a/main.c", "c", 3, "int x;\n");
  const auto snap = doc.snapshot();
  EXPECT_EQ(snap->uri(), "file:///a/main.c");
  EXPECT_EQ(snap->version(), 3);
  ASSERT_NE(snap->language(), nullptr);
  EXPECT_EQ(snap->language()->name, "c");
  EXPECT_TRUE(snap->hasTree());
  EXPECT_EQ(snap->parseSkippedReason(), "");
  EXPECT_EQ(snap->text(), "int x;\n");
  EXPECT_EQ(snap->lines().lineCount(), 2u);
}

TEST(Document, UnknownLspIdFallsBackToThePath) {
  Document doc("file:///a/lib.rs", "plaintext", 1, "fn f() {}\n");
  ASSERT_NE(doc.snapshot()->language(), nullptr);
  EXPECT_EQ(doc.snapshot()->language()->name, "rust");
  EXPECT_TRUE(doc.snapshot()->hasTree());
}

TEST(Document, UnknownLanguageHasNoTreeAndSaysWhy) {
  Document doc("file:///a/notes.txt", "foo", 1, "hello\n");
  const auto snap = doc.snapshot();
  EXPECT_EQ(snap->language(), nullptr);
  EXPECT_FALSE(snap->hasTree());
  EXPECT_EQ(snap->parseSkippedReason(), "no grammar for language 'foo'");
  // Edits still track the text.
  const TextChange change{Range{{0, 5}, {0, 5}}, " world"};
  const EditStats stats = doc.apply({&change, 1}, 2, PositionEncoding::Utf16);
  EXPECT_FALSE(stats.incremental);
  EXPECT_EQ(doc.snapshot()->text(), "hello world\n");
  EXPECT_EQ(doc.snapshot()->version(), 2);
}

TEST(Document, BinaryContentIsNotParsed) {
  std::string text = "int x;\n";
  text += '\0';
  text += "garbage";
  Document doc("file:///a/blob.c", "c", 1, text);
  EXPECT_FALSE(doc.snapshot()->hasTree());
  EXPECT_EQ(doc.snapshot()->parseSkippedReason(), "binary content");
  EXPECT_EQ(doc.snapshot()->text(), text);
}

TEST(Document, NulPastTheFirst8KbIsNotBinary) {
  std::string text(9000, ' ');
  text += '\0';
  Document doc("file:///a/x.py", "python", 1, text);
  EXPECT_TRUE(doc.snapshot()->hasTree());
}

TEST(Document, TextOverTheLimitIsNotParsed) {
  ParseLimits limits;
  limits.maxParseBytes = 100;
  Document doc("file:///a/x.py", "python", 1, std::string(150, '#'), limits);
  EXPECT_FALSE(doc.snapshot()->hasTree());
  EXPECT_EQ(doc.snapshot()->parseSkippedReason(),
            "file is 150 bytes, over the 100 bytes parse limit");

  // Shrinking it under the limit parses again, from scratch.
  const TextChange shrink{Range{{0, 10}, {0, 150}}, ""};
  const EditStats stats = doc.apply({&shrink, 1}, 2, PositionEncoding::Utf16);
  EXPECT_TRUE(doc.snapshot()->hasTree());
  EXPECT_EQ(doc.snapshot()->parseSkippedReason(), "");
  EXPECT_FALSE(stats.incremental);
}

TEST(Document, DefaultLimitIsEightMegabytes) {
  const std::string big(9 * 1024 * 1024, '\n');
  Document doc("file:///a/big.json", "json", 1, big);
  EXPECT_FALSE(doc.snapshot()->hasTree());
  EXPECT_EQ(doc.snapshot()->parseSkippedReason(), "file is 9 MB, over the 8 MB parse limit");
}

TEST(Document, ParseTimeoutLeavesNoTreeAndSaysWhy) {
  ParseLimits limits;
  limits.parseTimeoutMicros = 1;
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += "int f" + std::to_string(i) + "(int a) { return a * 2 + 1; }\n";
  Document doc("file:///a/slow.c", "c", 1, text, limits);
  EXPECT_FALSE(doc.snapshot()->hasTree());
  EXPECT_NE(doc.snapshot()->parseSkippedReason().find("abandoned"), std::string_view::npos);
}

TEST(Document, SnapshotsAreImmutable) {
  Document doc("file:///a/x.js", "javascript", 1, "let a = 1;\n");
  const auto before = doc.snapshot();
  const TextChange change{Range{{0, 8}, {0, 9}}, "2"};
  const EditStats stats = doc.apply({&change, 1}, 2, PositionEncoding::Utf16);
  EXPECT_TRUE(stats.incremental);
  EXPECT_EQ(before->text(), "let a = 1;\n");
  EXPECT_EQ(before->version(), 1);
  EXPECT_EQ(doc.snapshot()->text(), "let a = 2;\n");
  EXPECT_NE(before, doc.snapshot());
  // The old tree still describes the old text.
  const TreeHandle oldTree = before->tree();
  EXPECT_EQ(ts_node_end_byte(oldTree.root()), 11u);
}

TEST(Document, WholeTextReplacementDoesAFullParse) {
  Document doc("file:///a/x.go", "go", 1, "package a\n");
  const TextChange change{std::nullopt, "package b\n\nfunc F() {}\n"};
  const EditStats stats = doc.apply({&change, 1}, 2, PositionEncoding::Utf16);
  EXPECT_FALSE(stats.incremental);
  EXPECT_EQ(doc.snapshot()->text(), "package b\n\nfunc F() {}\n");
  EXPECT_TRUE(doc.snapshot()->hasTree());
}

TEST(Document, ChangesApplyInOrderEachRelativeToThePrevious) {
  Document doc("file:///a/x.py", "python", 1, "a = 1\nb = 2\n");
  const std::vector<TextChange> changes = {
      {Range{{0, 0}, {0, 0}}, "# top\n"},           // now "# top\na = 1\nb = 2\n"
      {Range{{2, 4}, {2, 5}}, "\xF0\x9F\x98\x80"},  // line 2 is "b = 2"
      {Range{{2, 6}, {2, 6}}, "!"},                 // after the emoji (2 UTF-16 units)
  };
  const EditStats stats = doc.apply(changes, 2, PositionEncoding::Utf16);
  EXPECT_TRUE(stats.incremental);
  EXPECT_EQ(doc.snapshot()->text(), "# top\na = 1\nb = \xF0\x9F\x98\x80!\n");
}

TEST(Document, SnapshotConvertsRanges) {
  Document doc("file:///a/x.c", "c", 1, "/* \xE4\xB8\xAD */\nint x;\n");
  const auto snap = doc.snapshot();
  EXPECT_EQ(snap->offsetAt({1, 4}, PositionEncoding::Utf16), 14u);
  EXPECT_EQ(snap->positionAt(9, PositionEncoding::Utf16), (Position{0, 7}));
  EXPECT_EQ(snap->positionAt(9, PositionEncoding::Utf8), (Position{0, 9}));
  const Range r = snap->toRange({3, 6}, PositionEncoding::Utf16);
  EXPECT_EQ(r, (Range{{0, 3}, {0, 4}}));
}

TEST(Document, TreeCopiesCanBeUsedOnSeveralThreads) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "int f" + std::to_string(i) + "(int a) { return a; }\n";
  Document doc("file:///a/x.c", "c", 1, text);
  const auto snap = doc.snapshot();
  std::vector<std::thread> threads;
  std::vector<uint32_t> counts(4);
  for (size_t t = 0; t < counts.size(); ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < 20; ++k) {
        const TreeHandle tree = snap->tree();
        counts[t] = ts_node_named_child_count(tree.root());
      }
    });
  for (auto& th : threads) th.join();
  for (uint32_t c : counts) EXPECT_EQ(c, 200u);
}

}  // namespace
}  // namespace sb
