// parseProposedEdits over outputs shaped like the ones models produce.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agents/EditParser.h"

using namespace sb::agents;
using Kind = ProposedEdit::Kind;

namespace {

struct Want {
  Kind kind;
  std::string path, content, language;
};

struct Case {
  const char* name;
  std::string output;
  std::vector<Want> want;
};

const char* kindName(Kind k) {
  switch (k) {
    case Kind::WholeFile:
      return "WholeFile";
    case Kind::Diff:
      return "Diff";
    case Kind::Delete:
      return "Delete";
  }
  return "?";
}

void expectEdits(const Case& c) {
  SCOPED_TRACE(c.name);
  const std::vector<ProposedEdit> got = parseProposedEdits(c.output);
  ASSERT_EQ(got.size(), c.want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE("edit " + std::to_string(i));
    EXPECT_STREQ(kindName(got[i].kind), kindName(c.want[i].kind));
    EXPECT_EQ(got[i].path, c.want[i].path);
    EXPECT_EQ(got[i].content, c.want[i].content);
    EXPECT_EQ(got[i].language, c.want[i].language);
  }
}

const std::string kPy = "def add(a, b):\n    return a + b\n";

}  // namespace

TEST(EditParser, FenceInfoStringNamesTheFile) {
  const Case cases[] = {
      {"lang:path",
       "Here is the new module:\n\n```python:src/calc.py\n" + kPy + "```\n\nDone.",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"lang path=",
       "```python path=src/calc.py\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"lang filename=\"...\"",
       "```python filename=\"src/calc.py\"\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"lang title=",
       "```ts title=\"web/app.ts\"\nlet x = 1;\n```\n",
       {{Kind::WholeFile, "web/app.ts", "let x = 1;\n", "ts"}}},
      {"lang {file=}",
       "```json {file=config/settings.json}\n{}\n```\n",
       {{Kind::WholeFile, "config/settings.json", "{}\n", "json"}}},
      {"lang path",
       "```python src/calc.py\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"path alone",
       "```src/calc.py\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, ""}}},
      {"dotfile alone",
       "```.gitignore\nbuild/\n```\n",
       {{Kind::WholeFile, ".gitignore", "build/\n", ""}}},
      {"c++ language",
       "```c++:src/main.cpp\nint main() {}\n```\n",
       {{Kind::WholeFile, "src/main.cpp", "int main() {}\n", "c++"}}},
  };
  for (const Case& c : cases) expectEdits(c);
}

TEST(EditParser, LineBeforeTheFenceNamesTheFile) {
  const Case cases[] = {
      {"File: path",
       "I'll add a helper.\n\nFile: src/calc.py\n```python\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"**File:** `path`",
       "**File:** `src/calc.py`\n\n```python\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"heading",
       "### src/calc.py\n\n```python\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"heading with backticks and note",
       "## 2. `src/calc.py` (new file)\n```python\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"bold",
       "**src/calc.py**\n```python\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"bold with colon",
       "**src/calc.py:**\n```python\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"backticks alone",
       "`src/calc.py`\n```python\n" + kPy + "```\n",
       {{Kind::WholeFile, "src/calc.py", kPy, "python"}}},
      {"backticked path with a space",
       "`docs/user guide.md`\n```markdown\n# Guide\n```\n",
       {{Kind::WholeFile, "docs/user guide.md", "# Guide\n", "markdown"}}},
      {"list item",
       "- `Makefile.am`:\n```make\nall:\n```\n",
       {{Kind::WholeFile, "Makefile.am", "all:\n", "make"}}},
      {"info string wins over the line",
       "File: a.py\n```python:b.py\nx = 1\n```\n",
       {{Kind::WholeFile, "b.py", "x = 1\n", "python"}}},
  };
  for (const Case& c : cases) expectEdits(c);
}

TEST(EditParser, BlocksWithoutAPathAreNotEdits) {
  const Case cases[] = {
      {"plain block", "Run this:\n\n```bash\nmake test\n```\n", {}},
      {"prose sentence naming a file",
       "Here is the updated `app.py`, which now validates input:\n```python\nx = 1\n```\n",
       {}},
      {"technology heading", "### Node.js\n```js\nconsole.log(1)\n```\n", {}},
      {"version number", "v1.2\n```text\nnotes\n```\n", {}},
      {"citation of existing lines", "```12:15:app/components/Todo.tsx\nreturn null;\n```\n", {}},
      {"url", "https://example.com/a.py\n```python\nx\n```\n", {}},
      {"unclosed block (truncated output)", "```python:src/calc.py\ndef add(a, b):\n", {}},
      {"empty output", "", {}},
      {"fence only", "```", {}},
      {"inline backticks", "Use ```python:a.py``` to name files.\n", {}},
  };
  for (const Case& c : cases) expectEdits(c);
}

TEST(EditParser, AHintLineBelongsToOneBlockOnly) {
  expectEdits({"second block has no name",
               "File: a.py\n```python\none = 1\n```\n```python\ntwo = 2\n```\n",
               {{Kind::WholeFile, "a.py", "one = 1\n", "python"}}});
  expectEdits({"hint two lines up, across a blank",
               "File: a.py\n\n```python\none = 1\n```\n",
               {{Kind::WholeFile, "a.py", "one = 1\n", "python"}}});
  expectEdits({"hint too far up", "File: a.py\n\n\n```python\none = 1\n```\n", {}});
}

TEST(EditParser, FencesOfAllShapes) {
  const std::string readme = "# Tool\n\nInstall:\n\n```bash\nmake install\n```\n";
  const Case cases[] = {
      {"four-backtick outer fence",
       "````markdown:README.md\n" + readme + "````\n",
       {{Kind::WholeFile, "README.md", readme, "markdown"}}},
      {"same-length outer fence, inner block has an info string",
       "```markdown:README.md\n" + readme + "```\n",
       {{Kind::WholeFile, "README.md", readme, "markdown"}}},
      {"tildes",
       "~~~js:web/a.js\nconst a = 1;\n~~~\n",
       {{Kind::WholeFile, "web/a.js", "const a = 1;\n", "js"}}},
      {"tilde block holding backticks",
       "~~~md:NOTES.md\n```\nraw\n```\n~~~\n",
       {{Kind::WholeFile, "NOTES.md", "```\nraw\n```\n", "md"}}},
      {"closing fence longer than the opening",
       "```py:a.py\nx = 1\n`````\n",
       {{Kind::WholeFile, "a.py", "x = 1\n", "py"}}},
      {"indented in a list item",
       "1. Create the module:\n\n   ```python:pkg/mod.py\n   x = 1\n     y = 2\n   ```\n",
       {{Kind::WholeFile, "pkg/mod.py", "x = 1\n  y = 2\n", "python"}}},
      {"empty file",
       "```python:pkg/__init__.py\n```\n",
       {{Kind::WholeFile, "pkg/__init__.py", "", "python"}}},
      {"last line of output is the closing fence",
       "```python:a.py\nx = 1\n```",
       {{Kind::WholeFile, "a.py", "x = 1\n", "python"}}},
      {"two files",
       "```python:a.py\nA = 1\n```\nand\n```python:b/b.py\nB = 2\n```\n",
       {{Kind::WholeFile, "a.py", "A = 1\n", "python"},
        {Kind::WholeFile, "b/b.py", "B = 2\n", "python"}}},
  };
  for (const Case& c : cases) expectEdits(c);
}

TEST(EditParser, CrlfOutputGivesLfContent) {
  expectEdits({"crlf",
               "File: src/calc.py\r\n```python\r\ndef add(a, b):\r\n    return a + b\r\n```\r\n",
               {{Kind::WholeFile, "src/calc.py", kPy, "python"}}});
}

TEST(EditParser, FencedUnifiedDiffs) {
  const std::string one =
      "--- a/src/calc.py\n"
      "+++ b/src/calc.py\n"
      "@@ -1,2 +1,2 @@\n"
      " def add(a, b):\n"
      "-    return a + b\n"
      "+    return b + a\n";
  const std::string two =
      "--- a/README.md\n"
      "+++ b/README.md\n"
      "@@ -3 +3 @@\n"
      "-Old line\n"
      "+New line\n";
  const std::string hunkOnly = "@@ -10,3 +10,3 @@\n ctx\n-old\n+new\n";
  const std::string gitNew =
      "diff --git a/docs/new.md b/docs/new.md\n"
      "new file mode 100644\n"
      "index 0000000..e69de29\n"
      "--- /dev/null\n"
      "+++ b/docs/new.md\n"
      "@@ -0,0 +1,2 @@\n"
      "+# New\n"
      "+text\n";
  const std::string deletion = "--- a/old.py\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-x = 1\n";
  const Case cases[] = {
      {"one file",
       "Apply this patch:\n\n```diff\n" + one + "```\n",
       {{Kind::Diff, "src/calc.py", one, "diff"}}},
      {"two files in one block",
       "```diff\n" + one + two + "```\n",
       {{Kind::Diff, "src/calc.py", one, "diff"}, {Kind::Diff, "README.md", two, "diff"}}},
      {"hunks only, path from the fence",
       "```diff:src/x.py\n" + hunkOnly + "```\n",
       {{Kind::Diff, "src/x.py", hunkOnly, "diff"}}},
      {"hunks only, path from the line before",
       "File: `src/x.py`\n```diff\n" + hunkOnly + "```\n",
       {{Kind::Diff, "src/x.py", hunkOnly, "diff"}}},
      {"hunks only, no path", "```diff\n" + hunkOnly + "```\n", {}},
      {"patch fence, git headers, new file",
       "```patch\n" + gitNew + "```\n",
       {{Kind::Diff, "docs/new.md", gitNew, "patch"}}},
      {"diff in a fence of another language",
       "```python\n" + one + "```\n",
       {{Kind::Diff, "src/calc.py", one, "python"}}},
      {"deletion", "```diff\n" + deletion + "```\n", {{Kind::Delete, "old.py", deletion, "diff"}}},
      {"headers without a/ b/",
       "```diff\n--- src/x.py\n+++ src/x.py\n" + hunkOnly + "```\n",
       {{Kind::Diff, "src/x.py", "--- src/x.py\n+++ src/x.py\n" + hunkOnly, "diff"}}},
      {"diff fence without hunks", "```diff\nno changes needed\n```\n", {}},
  };
  for (const Case& c : cases) expectEdits(c);
}

TEST(EditParser, BareUnifiedDiffsInProse) {
  const std::string diff =
      "--- a/src/calc.py\n"
      "+++ b/src/calc.py\n"
      "@@ -1,3 +1,3 @@\n"
      " def add(a, b):\n"
      "-    return a + b\n"
      "+    return b + a\n"
      " \n";
  const std::string second =
      "diff --git a/b.txt b/b.txt\n"
      "--- a/b.txt\n"
      "+++ b/b.txt\n"
      "@@ -1 +1 @@\n"
      "-b\n"
      "+B\n";
  expectEdits({"bare diff then prose",
               "The fix:\n\n" + diff + "\nThis swaps the operands.\n- note one\n",
               {{Kind::Diff, "src/calc.py", diff, "diff"}}});
  expectEdits({"two bare diffs",
               diff + "\nand\n\n" + second + "\nDone.",
               {{Kind::Diff, "src/calc.py", diff, "diff"}, {Kind::Diff, "b.txt", second, "diff"}}});
  expectEdits({"crlf bare diff",
               "--- a/b.txt\r\n+++ b/b.txt\r\n@@ -1 +1 @@\r\n-b\r\n+B\r\n",
               {{Kind::Diff, "b.txt", "--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-b\n+B\n", "diff"}}});
  expectEdits({"headers without hunks", "--- a/x\n+++ b/x\nnothing else\n", {}});
}

TEST(EditParser, ElidedContentIsDetected) {
  EXPECT_TRUE(looksElided("int a;\n// ... existing code ...\nint b;\n"));
  EXPECT_TRUE(looksElided("x = 1\n# ... rest of the file unchanged\n"));
  EXPECT_TRUE(looksElided("<div>\n  <!-- ... other items ... -->\n</div>\n"));
  EXPECT_TRUE(looksElided("a\n  /* \xe2\x80\xa6 keep the remaining methods */\n"));
  EXPECT_FALSE(looksElided("x = 1\nprint('...')\n"));
  EXPECT_FALSE(looksElided("def f(*args):\n    ...\n"));
  EXPECT_FALSE(looksElided(""));
}
