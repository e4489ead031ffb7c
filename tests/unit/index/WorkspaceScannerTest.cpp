// The workspace scanner: ignore rules, the exclude list, size limits and
// symlinks that must never lead out of the workspace.
#include "analysis/WorkspaceScanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>

#include "IndexTestUtil.h"

namespace sb {
namespace {

using test::TempDir;
using test::writeFile;

std::vector<std::string> relPaths(const ScanResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.files) out.push_back(f.relPath);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool anyNoteContains(const ScanResult& r, std::string_view a, std::string_view b = "") {
  return std::any_of(r.notes.begin(), r.notes.end(), [&](const std::string& n) {
    return n.find(a) != std::string::npos && n.find(b) != std::string::npos;
  });
}

TEST(WorkspaceScannerTest, HonoursGitignoreFilesAtEveryLevel) {
  TempDir dir;
  writeFile(dir / ".gitignore", "*.gen.py\nout/\n");
  writeFile(dir / "keep.py", "x = 1\n");
  writeFile(dir / "skip.gen.py", "x = 1\n");
  writeFile(dir / "out/a.py", "x = 1\n");
  writeFile(dir / "src/.gitignore", "local.py\n");
  writeFile(dir / "src/local.py", "x = 1\n");
  writeFile(dir / "src/main.py", "x = 1\n");
  writeFile(dir / "lib/local.py", "x = 1\n");  // the src/.gitignore does not reach here
  ScanResult r = scanWorkspace(dir.path(), {});
  auto paths = relPaths(r);
  EXPECT_TRUE(contains(paths, "keep.py"));
  EXPECT_TRUE(contains(paths, "src/main.py"));
  EXPECT_TRUE(contains(paths, "lib/local.py"));
  EXPECT_FALSE(contains(paths, "skip.gen.py"));
  EXPECT_FALSE(contains(paths, "out/a.py"));
  EXPECT_FALSE(contains(paths, "src/local.py"));
  EXPECT_EQ(r.ignored, 3u) << "skip.gen.py, out/, src/local.py";
}

TEST(WorkspaceScannerTest, GitignoreCanBeTurnedOff) {
  TempDir dir;
  writeFile(dir / ".gitignore", "*.py\n");
  writeFile(dir / "a.py", "x = 1\n");
  ScanOptions options;
  options.honourGitignore = false;
  EXPECT_EQ(relPaths(scanWorkspace(dir.path(), options)), std::vector<std::string>{"a.py"});
  EXPECT_TRUE(scanWorkspace(dir.path(), {}).files.empty());
}

TEST(WorkspaceScannerTest, ExcludeListSkipsNodeModulesGitAndMinified) {
  TempDir dir;
  writeFile(dir / "app.js", "let a = 1;\n");
  writeFile(dir / "node_modules/pkg/index.js", "let b = 1;\n");
  writeFile(dir / "web/node_modules/x.js", "let c = 1;\n");
  writeFile(dir / ".git/hooks/pre-commit.py", "x = 1\n");
  writeFile(dir / "dist/app.min.js", "let d=1;\n");
  ScanResult r = scanWorkspace(dir.path(), {});
  EXPECT_EQ(relPaths(r), std::vector<std::string>{"app.js"});
  EXPECT_EQ(r.ignored, 4u);

  ScanOptions custom;
  custom.exclude = {"web/"};
  auto paths = relPaths(scanWorkspace(dir.path(), custom));
  EXPECT_TRUE(contains(paths, "node_modules/pkg/index.js"))
      << "only the given exclude list applies";
  EXPECT_FALSE(contains(paths, "web/node_modules/x.js"));
}

TEST(WorkspaceScannerTest, GitInfoExcludeIsHonoured) {
  TempDir dir;
  writeFile(dir / ".git/info/exclude", "private.py\n");
  writeFile(dir / "private.py", "x = 1\n");
  writeFile(dir / "public.py", "x = 1\n");
  EXPECT_EQ(relPaths(scanWorkspace(dir.path(), {})), std::vector<std::string>{"public.py"});
}

TEST(WorkspaceScannerTest, SkipsOversizedFilesWithANote) {
  TempDir dir;
  writeFile(dir / "small.py", "x = 1\n");
  writeFile(dir / "big.py", std::string(500, '#'));
  ScanOptions options;
  options.maxFileBytes = 100;
  ScanResult r = scanWorkspace(dir.path(), options);
  EXPECT_EQ(relPaths(r), std::vector<std::string>{"small.py"});
  EXPECT_EQ(r.oversized, 1u);
  EXPECT_TRUE(anyNoteContains(r, "big.py", "500 bytes")) << ::testing::PrintToString(r.notes);
}

TEST(WorkspaceScannerTest, FollowsSymlinkToFileInsideWorkspace) {
  TempDir dir;
  writeFile(dir / "real/mod.py", "def f(): pass\n");
  std::filesystem::create_symlink("real/mod.py", dir / "alias.py");
  ScanResult r = scanWorkspace(dir.path(), {});
  ASSERT_EQ(relPaths(r), (std::vector<std::string>{"alias.py", "real/mod.py"}));
  EXPECT_EQ(r.files[0].path, dir / "real/mod.py") << "a followed link is read at its target";
  EXPECT_EQ(r.escapingLinks, 0u);
  EXPECT_GT(r.files[0].size, 0u);
}

TEST(WorkspaceScannerTest, RefusesSymlinksLeadingOutside) {
  TempDir outside;
  writeFile(outside / "secret.py", "password = 1\n");
  writeFile(outside / "lib/other.py", "x = 1\n");
  TempDir dir;
  writeFile(dir / "main.py", "x = 1\n");
  std::filesystem::create_symlink(outside / "lib", dir / "vendor");
  std::filesystem::create_symlink(outside / "secret.py", dir / "secret.py");
  std::filesystem::create_symlink("../../etc/passwd.py",
                                  dir / "relative.py");  // dangling: noted apart
  ScanResult r = scanWorkspace(dir.path(), {});
  EXPECT_EQ(relPaths(r), std::vector<std::string>{"main.py"});
  EXPECT_EQ(r.escapingLinks, 2u);
  EXPECT_TRUE(anyNoteContains(r, "relative.py", "dangling"));
  EXPECT_TRUE(anyNoteContains(r, "vendor", "outside")) << ::testing::PrintToString(r.notes);
  EXPECT_TRUE(anyNoteContains(r, "secret.py", "outside"));
  for (const auto& f : r.files) EXPECT_EQ(f.path.rfind(dir.path(), 0), 0u) << f.path;
}

TEST(WorkspaceScannerTest, SurvivesSymlinkLoops) {
  TempDir dir;
  writeFile(dir / "a/x.py", "x = 1\n");
  writeFile(dir / "b/y.py", "y = 1\n");
  std::filesystem::create_symlink("..", dir / "a/loop");
  std::filesystem::create_symlink("../b", dir / "a/b_again");
  std::filesystem::create_symlink("self", dir / "self");  // a link to itself
  // Run on another thread so a hang fails the test instead of the whole binary.
  auto future = std::async(std::launch::async, [&] { return scanWorkspace(dir.path(), {}); });
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "scan hangs";
  ScanResult r = future.get();
  auto paths = relPaths(r);
  EXPECT_TRUE(contains(paths, "a/x.py"));
  EXPECT_TRUE(contains(paths, "b/y.py") || contains(paths, "a/b_again/y.py"));
  // Each real directory is walked once: no file appears twice.
  EXPECT_LE(paths.size(), 2u) << ::testing::PrintToString(paths);
}

TEST(WorkspaceScannerTest, ReturnsOnlyKnownLanguages) {
  TempDir dir;
  for (const char* name :
       {"a.c", "b.cpp", "c.py", "d.js", "e.ts", "f.tsx", "g.go", "h.rs", "i.java", "j.sh"})
    writeFile(dir / name, "\n");
  for (const char* name : {"README.md", "Makefile", "image.png", "notes.txt", "noext"})
    writeFile(dir / name, "\n");
  ScanResult r = scanWorkspace(dir.path(), {});
  EXPECT_EQ(relPaths(r), (std::vector<std::string>{"a.c", "b.cpp", "c.py", "d.js", "e.ts", "f.tsx",
                                                   "g.go", "h.rs", "i.java", "j.sh"}));
  for (const auto& f : r.files) {
    ASSERT_NE(f.language, nullptr) << f.relPath;
    EXPECT_GT(f.mtimeNs, 0) << f.relPath;
  }
}

TEST(WorkspaceScannerTest, ResultsAreSortedAndDeterministic) {
  TempDir dir;
  // Created in an order unlike the sorted one.
  for (const char* name : {"z.py", "m/b.py", "a.py", "m/a.py", "b/z.py", "B.py"})
    writeFile(dir / name, "x = 1\n");
  ScanResult first = scanWorkspace(dir.path(), {});
  // Depth first, each directory's entries sorted by name (bytewise).
  EXPECT_EQ(relPaths(first),
            (std::vector<std::string>{"B.py", "a.py", "b/z.py", "m/a.py", "m/b.py", "z.py"}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(relPaths(scanWorkspace(dir.path(), {})), relPaths(first));
}

TEST(WorkspaceScannerTest, StopsAtMaxFilesWithANote) {
  TempDir dir;
  for (int i = 0; i < 10; ++i) writeFile(dir / ("f" + std::to_string(i) + ".py"), "x = 1\n");
  ScanOptions options;
  options.maxFiles = 4;
  ScanResult r = scanWorkspace(dir.path(), options);
  EXPECT_EQ(r.files.size(), 4u);
  EXPECT_TRUE(anyNoteContains(r, "stopped at 4 files"));
}

TEST(WorkspaceScannerTest, RootThatIsNotADirectoryGivesANote) {
  TempDir dir;
  writeFile(dir / "file.py", "x = 1\n");
  ScanResult r = scanWorkspace(dir / "file.py", {});
  EXPECT_TRUE(r.files.empty());
  EXPECT_TRUE(anyNoteContains(r, "not a directory"));
  EXPECT_TRUE(scanWorkspace(dir / "missing", {}).files.empty());
}

TEST(WorkspaceScannerTest, ResolveInsideConfinesPaths) {
  TempDir dir;
  TempDir outside;
  writeFile(dir / "a.py", "\n");
  writeFile(outside / "b.py", "\n");
  std::filesystem::create_symlink(outside / "b.py", dir / "link.py");
  EXPECT_EQ(resolveInside(dir.path(), dir / "a.py"), dir / "a.py");
  EXPECT_EQ(resolveInside(dir.path(), dir / "sub/../a.py"), "") << "sub/ does not exist";
  EXPECT_EQ(resolveInside(dir.path(), dir / "link.py"), "");
  EXPECT_EQ(resolveInside(
                dir.path(),
                dir / "../" + std::filesystem::path(outside.path()).filename().string() + "/b.py"),
            "");
  EXPECT_EQ(resolveInside(dir.path(), dir / "missing.py"), "");
}

}  // namespace
}  // namespace sb
