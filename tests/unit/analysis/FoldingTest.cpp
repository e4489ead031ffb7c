#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "TestUtil.h"
#include "analysis/SyntaxInfo.h"

namespace sb {
namespace {

using Regions = std::vector<FoldingRegion>;

void expectSortedUnique(const Regions& regions) {
  for (size_t i = 0; i < regions.size(); ++i) {
    EXPECT_LT(regions[i].startLine, regions[i].endLine);
    if (i > 0) {
      EXPECT_LT(regions[i - 1].startLine, regions[i].startLine);
    }
  }
}

TEST(Folding, CBlocksCommentsAndIncludes) {
  const auto snap = test::parse("f.c",
                                "#include <stdio.h>\n"   // 0
                                "#include <stdlib.h>\n"  // 1
                                "\n"                     // 2
                                "/*\n"                   // 3
                                " * Block comment.\n"    // 4
                                " */\n"                  // 5
                                "int main(void)\n"       // 6
                                "{\n"                    // 7
                                "  int a[] = {\n"        // 8
                                "    1, 2,\n"            // 9
                                "  };\n"                 // 10
                                "  if (a[0]) {\n"        // 11
                                "    return 1;\n"        // 12
                                "  }\n"                  // 13
                                "  return 0;\n"          // 14
                                "}\n"                    // 15
                                "// one\n"               // 16
                                "// two\n");             // 17
  const Regions r = foldingRegions(*snap);
  expectSortedUnique(r);
  EXPECT_EQ(r, (Regions{{0, 1, FoldKind::Imports},
                        {3, 5, FoldKind::Comment},
                        {7, 14, FoldKind::Region},  // the closing brace stays visible
                        {8, 9, FoldKind::Region},
                        {11, 12, FoldKind::Region},
                        {16, 17, FoldKind::Comment}}));
}

TEST(Folding, PythonBlocksFoldFromTheirHeaderLine) {
  const auto snap = test::parse("f.py",
                                "import os\n"             // 0
                                "import sys\n"            // 1
                                "\n"                      // 2
                                "# one\n"                 // 3
                                "# two\n"                 // 4
                                "x = 1  # trailing\n"     // 5
                                "# lone\n"                // 6
                                "\n"                      // 7
                                "class A:\n"              // 8
                                "    def f(self, a,\n"    // 9
                                "          b):\n"         // 10
                                "        if a:\n"         // 11
                                "            return [\n"  // 12
                                "                1,\n"    // 13
                                "            ]\n"         // 14
                                "        return b\n");    // 15
  const Regions r = foldingRegions(*snap);
  expectSortedUnique(r);
  EXPECT_EQ(r,
            (Regions{{0, 1, FoldKind::Imports},
                     {3, 4, FoldKind::Comment},
                     {8, 15, FoldKind::Region},
                     {9, 15, FoldKind::Region},  // longer than the parameter list on the same line
                     {11, 14, FoldKind::Region},
                     {12, 13, FoldKind::Region}}));
}

TEST(Folding, GoImportBlockIsOneImportsRegion) {
  const auto snap = test::parse("f.go",
                                "package main\n"
                                "\n"
                                "import (\n"  // 2
                                "\t\"fmt\"\n"
                                "\t\"os\"\n"
                                ")\n"  // 5
                                "\n"
                                "func main() {\n"  // 7
                                "\tfmt.Println(os.Args)\n"
                                "}\n");
  EXPECT_EQ(foldingRegions(*snap), (Regions{{2, 4, FoldKind::Imports}, {7, 8, FoldKind::Region}}));
}

TEST(Folding, JsonObjectsAndArrays) {
  const auto snap = test::parseFixture("outline.json");
  const Regions r = foldingRegions(*snap);
  expectSortedUnique(r);
  EXPECT_EQ(r, (Regions{{0, 9, FoldKind::Region}, {6, 8, FoldKind::Region}}));
}

TEST(Folding, BashKeywordBlocks) {
  const auto snap = test::parse("f.sh",
                                "for f in *; do\n"
                                "  echo \"$f\"\n"
                                "done\n"
                                "if true; then\n"
                                "  echo y\n"
                                "fi\n");
  EXPECT_EQ(foldingRegions(*snap), (Regions{{0, 1, FoldKind::Region}, {3, 4, FoldKind::Region}}));
}

TEST(Folding, CrLfAndLoneCrLinesCount) {
  const auto crlf = test::parse("f.js", "function f() {\r\n  return 1;\r\n}\r\n");
  EXPECT_EQ(foldingRegions(*crlf), (Regions{{0, 1, FoldKind::Region}}));
}

TEST(Folding, EveryFixtureGivesSortedValidRegions) {
  for (const char* f :
       {"outline.c", "outline.cpp", "outline.py", "outline.js", "outline.ts", "outline.tsx",
        "outline.go", "outline.rs", "outline.java", "outline.json", "outline.sh"}) {
    SCOPED_TRACE(f);
    const auto snap = test::parseFixture(f);
    const Regions r = foldingRegions(*snap);
    EXPECT_FALSE(r.empty());
    expectSortedUnique(r);
    for (const FoldingRegion& region : r) EXPECT_LT(region.endLine, snap->lines().lineCount());
  }
}

TEST(Folding, NoTreeNoRegions) {
  EXPECT_TRUE(foldingRegions(*test::parse("x.unknown", "{\n}\n")).empty());
}

}  // namespace
}  // namespace sb
