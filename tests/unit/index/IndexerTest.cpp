// Incremental refresh across restarts, and files that must not upset the
// indexer: deleted mid-run, not UTF-8, huge, binary, generated, minified.
#include "analysis/Indexer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "IndexTestUtil.h"
#include "analysis/WorkspaceIndex.h"

namespace sb {
namespace {

using test::TempDir;
using test::writeFile;
namespace fs = std::filesystem;

bool anyNoteContains(const std::vector<std::string>& notes, std::string_view a,
                     std::string_view b = "") {
  return std::any_of(notes.begin(), notes.end(), [&](const std::string& n) {
    return n.find(a) != std::string::npos && n.find(b) != std::string::npos;
  });
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// tests/data/workspace has 7 source files (and a README the scanner skips).
constexpr size_t kWorkspaceFiles = 7;

class RestartTest : public ::testing::Test {
 protected:
  void SetUp() override { test::copyTree(test::workspaceFixtureDir(), ws_.path()); }
  // A new WorkspaceIndex on the same database: what a daemon restart does.
  IndexReport restartAndRefresh() {
    index_.reset();
    index_ = std::make_unique<WorkspaceIndex>(ws_.path(), db_ / "ws.sqlite");
    EXPECT_TRUE(index_->recoveredNote().empty()) << index_->recoveredNote();
    return index_->refresh();
  }
  TempDir ws_, db_;
  std::unique_ptr<WorkspaceIndex> index_;
};

TEST_F(RestartTest, OnlyChangedAddedAndRemovedFilesAreProcessed) {
  IndexReport first = restartAndRefresh();
  EXPECT_EQ(first.scanned, kWorkspaceFiles);
  EXPECT_EQ(first.parsed, kWorkspaceFiles) << ::testing::PrintToString(first.notes);
  EXPECT_EQ(first.changedPaths.size(), kWorkspaceFiles);

  IndexReport same = restartAndRefresh();
  EXPECT_EQ(same.parsed, 0u);
  EXPECT_EQ(same.unchanged, kWorkspaceFiles);
  EXPECT_EQ(same.removed, 0u);
  EXPECT_TRUE(same.changedPaths.empty());

  // Change one file (content and mtime), delete another, add a third.
  std::string geometry = test::readFile(ws_ / "py/geometry.py");
  size_t at = geometry.find("area_of_circle");
  ASSERT_NE(at, std::string::npos);
  geometry.replace(at, std::string("area_of_circle").size(), "area_of_disc");
  writeFile(ws_ / "py/geometry.py", geometry);
  test::setMtime(ws_ / "py/geometry.py", 2'000'000'000);
  fs::remove(ws_ / "c/main.c");
  writeFile(ws_ / "ts/extra.ts", "export function extraThing(): number {\n  return 1;\n}\n");

  IndexReport after = restartAndRefresh();
  EXPECT_EQ(after.scanned, kWorkspaceFiles);
  EXPECT_EQ(after.parsed, 2u) << "changed + added";
  EXPECT_EQ(after.removed, 1u);
  EXPECT_EQ(after.unchanged, kWorkspaceFiles - 2);
  EXPECT_EQ(after.skipped, 0u);
  EXPECT_EQ(sorted(after.changedPaths),
            (std::vector<std::string>{"c/main.c", "py/geometry.py", "ts/extra.ts"}));

  EXPECT_TRUE(index_->store().symbolsNamed("area_of_circle", 10).empty());
  auto disc = index_->searchSymbols("area_of_disc", 5);
  ASSERT_FALSE(disc.empty());
  EXPECT_EQ(disc[0].relPath, "py/geometry.py");
  EXPECT_EQ(disc[0].symbol.name, "area_of_disc");
  EXPECT_EQ(index_->store().symbolsNamed("extraThing", 5).size(), 1u);
  EXPECT_TRUE(index_->store().symbolsInFile("c/main.c").empty()) << "c/main.c's rows are gone";
  for (const auto& r : index_->references("square_perimeter")) EXPECT_NE(r.relPath, "c/main.c");
  EXPECT_EQ(index_->stats().files, kWorkspaceFiles);
}

TEST_F(RestartTest, MtimeOnlyChangeIsUnchangedByHashAndNotReparsed) {
  restartAndRefresh();
  auto before = index_->store().symbolsNamed("formatPrice", 5);
  ASSERT_EQ(before.size(), 1u);
  const std::string file = ws_ / "ts/format.ts";
  test::setMtime(file, 2'100'000'000, 123);
  ASSERT_NE(index_->store().stamps()["ts/format.ts"].mtimeNs, test::mtimeNs(file));

  IndexReport touched = restartAndRefresh();
  EXPECT_EQ(touched.parsed, 0u);
  EXPECT_EQ(touched.unchanged, kWorkspaceFiles);
  EXPECT_TRUE(touched.changedPaths.empty());
  auto after = index_->store().symbolsNamed("formatPrice", 5);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, before[0].id) << "rows were rewritten: the file was re-parsed";
  // The new stamp is recorded, so the next run skips the file on size + mtime alone.
  EXPECT_EQ(index_->store().stamps()["ts/format.ts"].mtimeNs, test::mtimeNs(file));
  IndexReport again = restartAndRefresh();
  EXPECT_EQ(again.parsed, 0u);
  EXPECT_EQ(again.unchanged, kWorkspaceFiles);
}

TEST_F(RestartTest, UpdatePathsAppliesDiskChangesAndDeletions) {
  restartAndRefresh();
  writeFile(ws_ / "py/new_module.py", "def brand_new_function():\n    pass\n");
  fs::remove(ws_ / "ts/cart.ts");
  index_->updatePaths({ws_ / "py/new_module.py", ws_ / "ts/cart.ts", "/outside/the/workspace.py"});
  EXPECT_EQ(index_->searchSymbols("brand_new_function", 5).size(), 1u);
  EXPECT_TRUE(index_->store().symbolsNamed("Cart", 5).empty());
  // The stamps written match the disk: a refresh finds nothing to do.
  IndexReport r = index_->refresh();
  EXPECT_EQ(r.parsed, 0u) << ::testing::PrintToString(r.changedPaths);
  EXPECT_EQ(r.removed, 0u);
}

class RobustnessTest : public ::testing::Test {
 protected:
  TempDir ws_, db_;
};

TEST_F(RobustnessTest, FileDeletedDuringIndexingIsSkippedWithANote) {
  constexpr int kFiles = 300;
  for (int i = 0; i < kFiles; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "f%03d.py", i);
    writeFile(ws_ / name, "def fn_" + std::to_string(i) + "():\n    pass\n");
  }
  IndexerOptions options;
  options.threads = 1;  // the worker stays at most 64 files ahead of the writer
  WorkspaceIndex index(ws_.path(), db_ / "i.sqlite", options);
  bool deleted = false;
  IndexReport r = index.refresh([&](const IndexProgress& p) {
    if (!deleted && p.done < p.total) {
      // Scanned, but not read yet: the last file in scan order.
      deleted = fs::remove(ws_ / "f299.py");
    }
  });
  ASSERT_TRUE(deleted) << "the progress callback never ran mid-way";
  EXPECT_EQ(r.scanned, static_cast<size_t>(kFiles));
  EXPECT_EQ(r.parsed, static_cast<size_t>(kFiles - 1));
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_TRUE(anyNoteContains(r.notes, "f299.py", "could not be read"))
      << ::testing::PrintToString(r.notes);
  EXPECT_TRUE(index.store().symbolsNamed("fn_299", 5).empty());
  EXPECT_EQ(index.stats().files, static_cast<size_t>(kFiles - 1));
  IndexReport next = index.refresh();
  EXPECT_EQ(next.scanned, static_cast<size_t>(kFiles - 1));
  EXPECT_EQ(next.unchanged, static_cast<size_t>(kFiles - 1));
  EXPECT_EQ(next.parsed + next.removed + next.skipped, 0u);
}

TEST_F(RobustnessTest, ChangedFileDeletedDuringIndexingLeavesNoStaleRows) {
  for (int i = 0; i < 120; ++i) writeFile(ws_ / ("m" + std::to_string(100 + i) + ".py"), "x = 1\n");
  writeFile(ws_ / "z_last.py", "def soon_gone():\n    pass\n");
  IndexerOptions options;
  options.threads = 1;
  WorkspaceIndex index(ws_.path(), db_ / "i.sqlite", options);
  index.refresh();
  ASSERT_EQ(index.store().symbolsNamed("soon_gone", 5).size(), 1u);
  // Every file changes, so all are candidates; the last one vanishes mid-run.
  for (int i = 0; i < 120; ++i)
    test::setMtime(ws_ / ("m" + std::to_string(100 + i) + ".py"), 2'000'000'000);
  writeFile(ws_ / "z_last.py", "def soon_gone_v2():\n    pass\n");
  test::setMtime(ws_ / "z_last.py", 2'000'000'000);
  bool deleted = false;
  IndexReport r = index.refresh([&](const IndexProgress& p) {
    if (!deleted && p.done < p.total) deleted = fs::remove(ws_ / "z_last.py");
  });
  ASSERT_TRUE(deleted);
  EXPECT_EQ(r.skipped, 1u) << ::testing::PrintToString(r.notes);
  EXPECT_TRUE(index.store().symbolsNamed("soon_gone", 5).empty())
      << "a file that could not be read keeps no rows from before";
}

TEST_F(RobustnessTest, NonUtf8FilesIndexWithoutCrashing) {
  writeFile(ws_ / "latin1.py",
            "# Caf\xe9 cr\xe8me\n"
            "def gr\xfc\xdf"
            "e(name):\n"
            "    \"\"\"Sagt Gr\xfc\xdf Gott.\"\"\"\n"
            "    return 'na\xefve'\n"
            "\n\n"
            "def plain_after():\n"
            "    return gr\xfc\xdf"
            "e('x')\n");
  writeFile(ws_ / "latin1.c",
            "/* d\xe9j\xe0 vu */\n"
            "int caf\xe9_count(void) { return 1; }\n"
            "/* \xff\xfe */\n"
            "int normal_c(void) { return 2; }\n");
  writeFile(ws_ / "bad.ts",
            "// \xc3\x28 \xa0\xa1 \xf0\x28\x8c\xbc\nexport function tsAfter(): void {}\n");
  WorkspaceIndex index(ws_.path(), db_ / "i.sqlite");
  IndexReport r = index.refresh();
  EXPECT_EQ(r.parsed, 3u) << ::testing::PrintToString(r.notes);
  EXPECT_EQ(r.skipped, 0u);
  auto plain = index.store().symbolsNamed("plain_after", 5);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].symbol.nameStart.line, 6u);
  EXPECT_EQ(index.store().symbolsNamed("normal_c", 5).size(), 1u);
  auto ts = index.store().symbolsNamed("tsAfter", 5);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].symbol.nameStart.line, 1u);
  // Searching and mapping over names with stray bytes must not crash either.
  index.searchSymbols("gr", 10);
  index.searchSymbols("caf", 10);
  index.searchSymbols("\xe9", 10);
  index.repoMap({});
}

TEST_F(RobustnessTest, HugeFileIsOversizedByDefaultAndOverTheParseLimitWhenAllowed) {
  writeFile(ws_ / "small.py", "def small():\n    pass\n");
  {
    std::string big;
    big.reserve(50u << 20);
    const std::string line = "value_number_x = 12345678901234567890  # filler\n";  // 50 bytes
    while (big.size() + line.size() <= (50u << 20)) big += line;
    writeFile(ws_ / "big.py", big);
  }
  {
    // Default limits: the scanner leaves it out (1 MiB index limit).
    WorkspaceIndex index(ws_.path(), db_ / "a.sqlite");
    IndexReport r = index.refresh();
    EXPECT_EQ(r.scanned, 1u);
    EXPECT_EQ(r.parsed, 1u);
    EXPECT_TRUE(anyNoteContains(r.notes, "big.py", "index limit"))
        << ::testing::PrintToString(r.notes);
  }
  {
    // A raised index limit: read, but over the 8 MiB parse limit, so skipped with a note.
    IndexerOptions options;
    options.scan.maxFileBytes = 64u << 20;
    WorkspaceIndex index(ws_.path(), db_ / "b.sqlite", options);
    IndexReport r = index.refresh();
    EXPECT_EQ(r.scanned, 2u);
    EXPECT_EQ(r.parsed, 1u);
    EXPECT_EQ(r.skipped, 1u);
    EXPECT_TRUE(anyNoteContains(r.notes, "big.py", "parse limit"))
        << ::testing::PrintToString(r.notes);
    EXPECT_EQ(index.stats().files, 1u);
  }
}

TEST_F(RobustnessTest, BinaryGeneratedAndMinifiedFilesAreSkipped) {
  writeFile(ws_ / "ok.go", "package x\n\nfunc Real() {}\n");
  writeFile(ws_ / "blob.c", std::string("\x7f"
                                        "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0int x;\n",
                                        24));
  writeFile(ws_ / "gen.go",
            "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n\nfunc Generated() {}\n");
  writeFile(
      ws_ / "gen2.py",
      "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# @generated by tool\ndef gen2(): pass\n");
  std::string minified;
  while (minified.size() < 40000)
    minified += "var a" + std::to_string(minified.size()) + "=function(b){return b+1};";
  writeFile(ws_ / "bundle.js", minified + "\n");
  writeFile(ws_ / "vendor.min.js", minified);  // left out by the scanner's exclude list
  WorkspaceIndex index(ws_.path(), db_ / "i.sqlite");
  IndexReport r = index.refresh();
  EXPECT_EQ(r.scanned, 5u);
  EXPECT_EQ(r.parsed, 1u);
  EXPECT_EQ(r.skipped, 4u);
  EXPECT_TRUE(anyNoteContains(r.notes, "blob.c", "binary")) << ::testing::PrintToString(r.notes);
  EXPECT_TRUE(anyNoteContains(r.notes, "gen.go", "generated"));
  EXPECT_TRUE(anyNoteContains(r.notes, "gen2.py", "generated"));
  EXPECT_TRUE(anyNoteContains(r.notes, "bundle.js", "minified"));
  EXPECT_EQ(index.stats().files, 1u);
  EXPECT_TRUE(index.store().symbolsNamed("Generated", 5).empty());
}

TEST_F(RobustnessTest, FileThatBecomesGeneratedLosesItsRows) {
  writeFile(ws_ / "model.py", "def handwritten():\n    pass\n");
  WorkspaceIndex index(ws_.path(), db_ / "i.sqlite");
  index.refresh();
  ASSERT_EQ(index.store().symbolsNamed("handwritten", 5).size(), 1u);
  writeFile(ws_ / "model.py",
            "# Code generated by x. DO NOT EDIT.\ndef handwritten():\n    pass\n");
  test::setMtime(ws_ / "model.py", 2'000'000'000);
  IndexReport r = index.refresh();
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_TRUE(index.store().symbolsNamed("handwritten", 5).empty())
      << "the index still answers from a file it now skips";
  EXPECT_TRUE(index.searchSymbols("handwritten", 5).empty());
}

TEST_F(RobustnessTest, IndexTextReportsWhyItSkips) {
  IndexedFile f;
  std::string why;
  EXPECT_FALSE(indexText("a.c", "file:///a.c", std::string("int\0x;", 6), {}, f, why));
  EXPECT_EQ(why, "binary content");
  EXPECT_FALSE(indexText("a.go", "file:///a.go",
                         "// Code generated by x. DO NOT EDIT.\npackage a\n", {}, f, why));
  EXPECT_EQ(why, "generated file");
  ASSERT_TRUE(indexText("a.py", "file:///a.py", "def f():\n    pass\n", {}, f, why)) << why;
  EXPECT_EQ(f.relPath, "a.py");
  EXPECT_EQ(f.language, "python");
  EXPECT_EQ(f.lines, 3u);
  ASSERT_EQ(f.symbols.size(), 1u);
  EXPECT_EQ(f.symbols[0].name, "f");
  EXPECT_EQ(f.hash, contentHash("def f():\n    pass\n"));
}

TEST_F(RobustnessTest, CancelledRefreshStopsEarlyAndResumesLater) {
  for (int i = 0; i < 200; ++i)
    writeFile(ws_ / ("c" + std::to_string(1000 + i) + ".py"), "def g():\n    pass\n");
  IndexerOptions options;
  options.threads = 1;
  WorkspaceIndex index(ws_.path(), db_ / "i.sqlite", options);
  CancelSource cancel;
  IndexReport r = index.refresh([&](const IndexProgress&) { cancel.cancel(); }, cancel.token());
  EXPECT_TRUE(r.cancelled);
  EXPECT_LT(r.parsed, 200u);
  IndexReport rest = index.refresh();
  EXPECT_FALSE(rest.cancelled);
  EXPECT_EQ(rest.parsed + rest.unchanged, 200u);
  EXPECT_EQ(rest.parsed, 200u - r.parsed);
  EXPECT_EQ(index.stats().files, 200u);
}

}  // namespace
}  // namespace sb
