// Applying the unified diffs models write: wrong line numbers, no numbers,
// missing newlines, new files, and hunks that do not fit.
#include <gtest/gtest.h>

#include <string>

#include "agents/UnifiedDiff.h"

using namespace sb::agents;

namespace {

// Lines "l1".."ln", each with '\n'.
std::string numbered(int n) {
  std::string s;
  for (int i = 1; i <= n; ++i) s += "l" + std::to_string(i) + "\n";
  return s;
}

std::string applied(std::string_view original, std::string_view diff) {
  const DiffOutcome out = applyUnifiedDiff(original, diff);
  if (const auto* e = std::get_if<DiffError>(&out)) {
    ADD_FAILURE() << "diff did not apply: " << e->message;
    return {};
  }
  return std::get<std::string>(out);
}

std::string failure(std::string_view original, std::string_view diff) {
  const DiffOutcome out = applyUnifiedDiff(original, diff);
  if (const auto* e = std::get_if<DiffError>(&out)) return e->message;
  ADD_FAILURE() << "diff applied, giving:\n" << std::get<std::string>(out);
  return {};
}

}  // namespace

TEST(UnifiedDiff, AppliesAtTheStatedLines) {
  const std::string diff = "--- a/f\n+++ b/f\n@@ -2,3 +2,3 @@\n l2\n-l3\n+three\n l4\n";
  EXPECT_EQ(applied(numbered(5), diff), "l1\nl2\nthree\nl4\nl5\n");
}

TEST(UnifiedDiff, FindsHunksWhoseLineNumbersAreWrong) {
  // Stated at line 40 and 2; the context is at 12 and 30.
  const std::string diff =
      "@@ -40,3 +40,3 @@\n l12\n-l13\n+thirteen\n l14\n"
      "@@ -2,2 +2,3 @@\n l30\n+between\n l31\n";
  std::string want = numbered(40);
  want.replace(want.find("l13\n"), 4, "thirteen\n");
  want.insert(want.find("l31\n"), "between\n");
  EXPECT_EQ(applied(numbered(40), diff), want);
}

TEST(UnifiedDiff, RepeatedContextGoesToTheOccurrenceNearestTheStatedLine) {
  const std::string original = "x\nsame\nx\ny\nsame\ny\nz\nsame\nz\n";
  EXPECT_EQ(applied(original, "@@ -5,1 +5,1 @@\n-same\n+SECOND\n"),
            "x\nsame\nx\ny\nSECOND\ny\nz\nsame\nz\n");
  EXPECT_EQ(applied(original, "@@ -9,1 +9,1 @@\n-same\n+THIRD\n"),
            "x\nsame\nx\ny\nsame\ny\nz\nTHIRD\nz\n");
}

TEST(UnifiedDiff, ALaterHunkIsShiftedLikeTheOneBefore) {
  // Both headers are 10 lines too low; the second hunk's context also
  // appears 10 lines above its stated place, which must not be chosen.
  std::string original;
  for (int i = 0; i < 30; ++i)
    original += (i % 10 == 5 ? "tick\n" : "line" + std::to_string(i) + "\n");
  const std::string diff = "@@ -1,1 +1,1 @@\n-line10\n+LINE10\n@@ -6,1 +6,1 @@\n-tick\n+TOCK\n";
  const std::string out = applied(original, diff);
  EXPECT_NE(out.find("LINE10\n"), std::string::npos);
  // "tick" lines were at 5, 15, 25 (0-based); the shifted guess is 15.
  EXPECT_EQ(out.find("TOCK"), original.find("tick", original.find("line14")));
}

TEST(UnifiedDiff, HunksWithoutLineNumbers) {
  const std::string diff = "--- a/f\n+++ b/f\n@@ ... @@\n l3\n-l4\n+four\n@@ @@\n-l8\n+eight\n";
  EXPECT_EQ(applied(numbered(9), diff), "l1\nl2\nl3\nfour\nl5\nl6\nl7\neight\nl9\n");
}

TEST(UnifiedDiff, MultipleHunksAdjustForEachOther) {
  const std::string diff =
      "@@ -1,2 +1,4 @@\n l1\n+a\n+b\n l2\n"
      "@@ -5,2 +7,1 @@\n-l5\n l6\n";
  EXPECT_EQ(applied(numbered(6), diff), "l1\na\nb\nl2\nl3\nl4\nl6\n");
}

TEST(UnifiedDiff, CountsThatDoNotAddUpAreIgnored) {
  EXPECT_EQ(applied(numbered(4), "@@ -1,7 +1,9 @@\n l1\n-l2\n+two\n l3\n"), "l1\ntwo\nl3\nl4\n");
}

TEST(UnifiedDiff, BlankContextLineThatLostItsSpace) {
  const std::string original = "a\n\nb\nc\n";
  EXPECT_EQ(applied(original, "@@ -1,4 +1,4 @@\n a\n\n-b\n+B\n c\n"), "a\n\nB\nc\n");
}

TEST(UnifiedDiff, TrailingWhitespaceIsToleratedButOtherDifferencesAreNot) {
  const std::string original = "int a;   \nint b;\n";
  EXPECT_EQ(applied(original, "@@ -1,2 +1,2 @@\n int a;\n-int b;\n+int c;\n"),
            "int a;   \nint c;\n");
  EXPECT_NE(failure(original, "@@ -1,2 +1,2 @@\n int  a;\n-int b;\n+int c;\n"), "");
}

TEST(UnifiedDiff, HunkThatDoesNotApplySaysWhichAndWhere) {
  const std::string diff = "@@ -2,2 +2,2 @@\n l2\n-l3\n+x\n@@ -6,3 +6,3 @@\n l6\n-seven\n+7\n l8\n";
  const std::string message = failure(numbered(9), diff);
  EXPECT_NE(message.find("hunk 2"), std::string::npos) << message;
  EXPECT_NE(message.find("line 7"), std::string::npos) << message;
  EXPECT_NE(message.find("\"l7\""), std::string::npos) << message;
  EXPECT_NE(message.find("\"seven\""), std::string::npos) << message;
}

TEST(UnifiedDiff, HunksMustNotOverlapOrGoBackwards) {
  // The second hunk's context is only before the first one's.
  const std::string message =
      failure(numbered(5), "@@ -4 +4 @@\n-l4\n+four\n@@ -2 +2 @@\n-l2\n+two\n");
  EXPECT_NE(message.find("hunk 2"), std::string::npos) << message;
}

TEST(UnifiedDiff, NoNewlineMarkers) {
  // Removing the final newline.
  EXPECT_EQ(applied("a\nb\n", "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"),
            "a\nb");
  // Adding it back.
  EXPECT_EQ(applied("a\nb", "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"),
            "a\nb\n");
  // Changing a last line that has none, keeping it without.
  EXPECT_EQ(applied("a\nb",
                    "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at "
                    "end of file\n"),
            "a\nc");
  // A hunk away from the end leaves the missing newline alone.
  EXPECT_EQ(applied("a\nb\nc", "@@ -1 +1 @@\n-a\n+A\n"), "A\nb\nc");
}

TEST(UnifiedDiff, NewFileFromDevNull) {
  const std::string diff = "--- /dev/null\n+++ b/src/new.py\n@@ -0,0 +1,2 @@\n+x = 1\n+y = 2\n";
  const ParsedDiff parsed = parseUnifiedDiff(diff);
  ASSERT_EQ(parsed.files.size(), 1u);
  EXPECT_TRUE(parsed.files[0].newFile);
  EXPECT_EQ(parsed.files[0].path(), "src/new.py");
  EXPECT_EQ(applied("", diff), "x = 1\ny = 2\n");
  EXPECT_NE(failure("already here\n", diff).find("new file"), std::string::npos);
}

TEST(UnifiedDiff, DeletionOfAFile) {
  const ParsedDiff parsed =
      parseUnifiedDiff("--- a/old.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n");
  ASSERT_EQ(parsed.files.size(), 1u);
  EXPECT_TRUE(parsed.files[0].deletedFile);
  EXPECT_EQ(parsed.files[0].path(), "old.py");
  const DiffOutcome out = applyFileDiff("a\nb\n", parsed.files[0]);
  ASSERT_TRUE(std::holds_alternative<std::string>(out));
  EXPECT_EQ(std::get<std::string>(out), "");
}

TEST(UnifiedDiff, CrlfFilesKeepCrlf) {
  EXPECT_EQ(applied("a\r\nb\r\nc\r\n", "@@ -1,3 +1,4 @@\n a\n-b\n+B\n+B2\n c\n"),
            "a\r\nB\r\nB2\r\nc\r\n");
  // A diff that itself has CRLF line ends.
  EXPECT_EQ(applied("a\nb\n", "@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+c\r\n"), "a\nc\n");
}

TEST(UnifiedDiff, RemovedLineThatLooksLikeAHeader) {
  // Replacing "-- a/x" (an SQL comment) by "++ b/y" gives a "--- a/x" line
  // then a "+++ b/y" line; the counts say they are part of the hunk, not the
  // next file's header.
  const std::string diff = "@@ -1,2 +1,2 @@\n select 1;\n--- a/x\n+++ b/y\n";
  EXPECT_EQ(applied("select 1;\n-- a/x\n", diff), "select 1;\n++ b/y\n");
}

TEST(UnifiedDiff, PureInsertionNeedsAPlace) {
  EXPECT_EQ(applied(numbered(3), "@@ -1,0 +2,1 @@\n+after one\n"), "l1\nafter one\nl2\nl3\n");
  EXPECT_EQ(applied(numbered(2), "@@ -0,0 +1 @@\n+first\n"), "first\nl1\nl2\n");
  EXPECT_NE(failure(numbered(3), "@@ @@\n+where?\n").find("no line numbers"), std::string::npos);
}

TEST(UnifiedDiff, SeveralFilesAreParsedSeparately) {
  const std::string diff =
      "diff --git a/a.txt b/a.txt\nindex 1..2 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 "
      "@@\n-a\n+A\n"
      "Some prose between files.\n"
      "--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-b\n+B\n";
  const ParsedDiff parsed = parseUnifiedDiff(diff);
  ASSERT_EQ(parsed.files.size(), 2u);
  EXPECT_EQ(parsed.files[0].path(), "a.txt");
  EXPECT_EQ(parsed.files[0].text,
            "diff --git a/a.txt b/a.txt\nindex 1..2 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 "
            "@@\n-a\n+A\n");
  EXPECT_EQ(parsed.files[1].path(), "b.txt");
  EXPECT_EQ(parsed.files[1].text, "--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-b\n+B\n");
  EXPECT_NE(failure("a\n", diff).find("2 files"), std::string::npos);
}
