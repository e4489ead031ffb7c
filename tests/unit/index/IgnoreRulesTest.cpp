// gitignore semantics: the glob matcher and the rule list.
#include "analysis/IgnoreRules.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

using V = IgnoreRules::Verdict;

TEST(GlobMatchTest, StarMatchesWithinOneSegment) {
  EXPECT_TRUE(globMatch("*.c", "main.c"));
  EXPECT_TRUE(globMatch("*.c", ".c"));
  EXPECT_TRUE(globMatch("a*b", "ab"));
  EXPECT_TRUE(globMatch("a*b", "axxxb"));
  EXPECT_FALSE(globMatch("*.c", "main.h"));
  EXPECT_FALSE(globMatch("*.c", "src/main.c")) << "* must not cross '/'";
  EXPECT_FALSE(globMatch("a*b", "a/b"));
}

TEST(GlobMatchTest, QuestionMarkMatchesOneNonSlashCharacter) {
  EXPECT_TRUE(globMatch("?.py", "a.py"));
  EXPECT_FALSE(globMatch("?.py", "ab.py"));
  EXPECT_FALSE(globMatch("?.py", ".py"));
  EXPECT_FALSE(globMatch("a?b", "a/b"));
}

TEST(GlobMatchTest, CharacterClassRangeAndNegation) {
  EXPECT_TRUE(globMatch("file[a-z].txt", "filex.txt"));
  EXPECT_FALSE(globMatch("file[a-z].txt", "fileX.txt"));
  EXPECT_FALSE(globMatch("file[a-z].txt", "file1.txt"));
  EXPECT_TRUE(globMatch("[abc]", "b"));
  EXPECT_FALSE(globMatch("[abc]", "d"));
  EXPECT_TRUE(globMatch("[!x]y", "ay"));
  EXPECT_FALSE(globMatch("[!x]y", "xy"));
  EXPECT_TRUE(globMatch("[^x]y", "ay"));
  EXPECT_FALSE(globMatch("[!x]y", "/y")) << "a class never matches '/'";
  EXPECT_FALSE(globMatch("[a-z", "a")) << "an unterminated class matches nothing";
}

TEST(GlobMatchTest, LeadingDoubleStarSlashMatchesAnyDepthIncludingZero) {
  EXPECT_TRUE(globMatch("**/foo", "foo"));
  EXPECT_TRUE(globMatch("**/foo", "a/foo"));
  EXPECT_TRUE(globMatch("**/foo", "a/b/c/foo"));
  EXPECT_FALSE(globMatch("**/foo", "a/xfoo"));
  EXPECT_FALSE(globMatch("**/foo", "foo/bar"));
}

TEST(GlobMatchTest, TrailingSlashDoubleStarMatchesEverythingInside) {
  EXPECT_TRUE(globMatch("abc/**", "abc/x"));
  EXPECT_TRUE(globMatch("abc/**", "abc/x/y/z"));
  EXPECT_FALSE(globMatch("abc/**", "abc")) << "the directory itself is not inside itself";
  EXPECT_FALSE(globMatch("abc/**", "abcd/x"));
}

TEST(GlobMatchTest, InnerDoubleStarMatchesZeroOrMoreSegments) {
  EXPECT_TRUE(globMatch("a/**/b", "a/b"));
  EXPECT_TRUE(globMatch("a/**/b", "a/x/b"));
  EXPECT_TRUE(globMatch("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(globMatch("a/**/b", "a/xb"));
  EXPECT_FALSE(globMatch("a/**/b", "b"));
  EXPECT_FALSE(globMatch("a/**/b", "a/x/b/c"));
}

TEST(GlobMatchTest, BackslashEscapesTheNextCharacter) {
  EXPECT_TRUE(globMatch("\\*.c", "*.c"));
  EXPECT_FALSE(globMatch("\\*.c", "x.c"));
  EXPECT_TRUE(globMatch("a\\?", "a?"));
  EXPECT_FALSE(globMatch("a\\?", "ab"));
}

TEST(IgnoreRulesTest, BasenamePatternMatchesAtAnyDepth) {
  IgnoreRules rules;
  rules.add("*.o\nbuild\n", "");
  EXPECT_EQ(rules.match("x.o", false), V::Ignored);
  EXPECT_EQ(rules.match("src/deep/x.o", false), V::Ignored);
  EXPECT_EQ(rules.match("build", true), V::Ignored);
  EXPECT_EQ(rules.match("src/build", true), V::Ignored);
  EXPECT_EQ(rules.match("src/build", false), V::Ignored) << "no trailing '/': files too";
  EXPECT_EQ(rules.match("src/x.c", false), V::None);
}

TEST(IgnoreRulesTest, AnchoredPatternMatchesRelativeToItsBaseOnly) {
  IgnoreRules rules;
  rules.add("/out\ndoc/*.txt\n", "");
  EXPECT_EQ(rules.match("out", true), V::Ignored);
  EXPECT_EQ(rules.match("src/out", true), V::None) << "a leading '/' anchors to the root";
  EXPECT_EQ(rules.match("doc/a.txt", false), V::Ignored);
  EXPECT_EQ(rules.match("x/doc/a.txt", false), V::None) << "a middle '/' anchors too";
  EXPECT_EQ(rules.match("doc/sub/a.txt", false), V::None) << "* does not cross '/'";
}

TEST(IgnoreRulesTest, DirectoryOnlyPatternSkipsFiles) {
  IgnoreRules rules;
  rules.add("build/\n", "");
  EXPECT_EQ(rules.match("build", true), V::Ignored);
  EXPECT_EQ(rules.match("sub/build", true), V::Ignored);
  EXPECT_EQ(rules.match("build", false), V::None) << "a file named build is not a directory";
}

TEST(IgnoreRulesTest, NegationAfterBroaderPatternReincludes) {
  IgnoreRules rules;
  rules.add("*.log\n!keep.log\n", "");
  EXPECT_EQ(rules.match("debug.log", false), V::Ignored);
  EXPECT_EQ(rules.match("keep.log", false), V::Included);
  EXPECT_EQ(rules.match("sub/keep.log", false), V::Included);
  // The last matching rule decides: a later pattern overrides the negation.
  rules.addPattern("keep.*", "");
  EXPECT_EQ(rules.match("keep.log", false), V::Ignored);
}

TEST(IgnoreRulesTest, NestedGitignoreIsScopedToItsDirectory) {
  IgnoreRules rules;
  rules.add("*.tmp\n/only\n", "sub");
  EXPECT_EQ(rules.match("sub/x.tmp", false), V::Ignored);
  EXPECT_EQ(rules.match("sub/deep/y.tmp", false), V::Ignored);
  EXPECT_EQ(rules.match("x.tmp", false), V::None) << "outside sub/";
  EXPECT_EQ(rules.match("other/x.tmp", false), V::None);
  EXPECT_EQ(rules.match("subway/x.tmp", false), V::None) << "base must be a whole directory name";
  EXPECT_EQ(rules.match("sub/only", false), V::Ignored);
  EXPECT_EQ(rules.match("sub/deep/only", false), V::None) << "anchored to sub/, not below";
  EXPECT_EQ(rules.match("only", false), V::None);
}

TEST(IgnoreRulesTest, MarkAndTruncateDropNestedRules) {
  IgnoreRules rules;
  rules.add("*.log\n", "");
  size_t mark = rules.mark();
  rules.add("*.py\n", "sub");
  EXPECT_EQ(rules.match("sub/a.py", false), V::Ignored);
  rules.truncate(mark);
  EXPECT_EQ(rules.match("sub/a.py", false), V::None);
  EXPECT_EQ(rules.match("sub/a.log", false), V::Ignored);
}

TEST(IgnoreRulesTest, CommentsBlanksAndEscapedHashOrBang) {
  IgnoreRules rules;
  rules.add("# a comment\n\n   \n\\#notes\n\\!important\n", "");
  EXPECT_EQ(rules.match("# a comment", false), V::None);
  EXPECT_EQ(rules.match("#notes", false), V::Ignored) << "\\# is a literal '#'";
  EXPECT_EQ(rules.match("!important", false), V::Ignored) << "\\! is a literal '!'";
  EXPECT_EQ(rules.match("notes", false), V::None);
}

TEST(IgnoreRulesTest, TrailingSpacesAndCarriageReturnsAreTrimmed) {
  IgnoreRules rules;
  rules.add("*.bak   \r\nsecret\r\n", "");
  EXPECT_EQ(rules.match("x.bak", false), V::Ignored);
  EXPECT_EQ(rules.match("secret", false), V::Ignored);
}

TEST(IgnoreRulesTest, EmptyRulesMatchNothing) {
  IgnoreRules rules;
  EXPECT_TRUE(rules.empty());
  rules.add("# only a comment\n", "");
  EXPECT_TRUE(rules.empty());
  EXPECT_EQ(rules.match("anything", false), V::None);
}

}  // namespace
}  // namespace sb
