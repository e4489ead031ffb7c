// planEdit / applyPlannedEdit in a scratch workspace: what is refused, and
// how an allowed write lands.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "agents/EditApplier.h"
#include "agents/Sha256.h"

using namespace sb::agents;
namespace fs = std::filesystem;

namespace {

// A scratch folder holding `ws/` (the workspace) and `outside/`.
class EditApplierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sb-edits-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    base_ = tmpl;
    ws_ = (base_ / "ws").string();
    outside_ = (base_ / "outside").string();
    fs::create_directories(ws_);
    fs::create_directories(outside_);
    write(outside_ + "/secret.txt", "secret\n");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string inWs(const std::string& rel) const { return ws_ + "/" + rel; }

  static ProposedEdit whole(std::string path, std::string content) {
    return {ProposedEdit::Kind::WholeFile, std::move(path), std::move(content), ""};
  }
  static ProposedEdit diff(std::string path, std::string text) {
    return {ProposedEdit::Kind::Diff, std::move(path), std::move(text), "diff"};
  }

  std::variant<PlannedEdit, RejectedEdit> plan(const ProposedEdit& e,
                                               const ReadLedger* ledger = nullptr,
                                               const EditLimits& limits = {}) const {
    return planEdit(ws_, e, ledger, limits);
  }

  // The reason the edit is refused (fails the test if it is not).
  std::string refusal(const ProposedEdit& e, const ReadLedger* ledger = nullptr,
                      const EditLimits& limits = {}) const {
    const auto p = plan(e, ledger, limits);
    if (const auto* r = std::get_if<RejectedEdit>(&p)) {
      EXPECT_EQ(r->path, e.path);
      EXPECT_FALSE(r->reason.empty());
      return r->reason;
    }
    ADD_FAILURE() << e.path << " was planned for writing to " << std::get<PlannedEdit>(p).absPath;
    return {};
  }

  PlannedEdit planned(const ProposedEdit& e, const ReadLedger* ledger = nullptr) const {
    auto p = plan(e, ledger);
    if (const auto* r = std::get_if<RejectedEdit>(&p)) {
      ADD_FAILURE() << e.path << " refused: " << r->reason;
      return {};
    }
    return std::get<PlannedEdit>(std::move(p));
  }

  std::vector<std::string> listing(const std::string& dir) const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path base_;
  std::string ws_, outside_;
};

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_F(EditApplierTest, PathsThatLeaveTheWorkspaceLexicallyAreRefused) {
  EXPECT_TRUE(contains(refusal(whole("../x", "x\n")), ".."));
  EXPECT_TRUE(contains(refusal(whole("a/../../x", "x\n")), ".."));
  EXPECT_TRUE(contains(refusal(whole("a/../b.txt", "x\n")), ".."));
  EXPECT_TRUE(contains(refusal(whole("/etc/x", "x\n")), "absolute"));
  EXPECT_TRUE(contains(refusal(whole(outside_ + "/secret.txt", "x\n")), "absolute"));
  EXPECT_TRUE(contains(refusal(whole("~/x", "x\n")), "~"));
  EXPECT_TRUE(contains(refusal(whole("a\\..\\..\\x", "x\n")), "backslash"));
  EXPECT_TRUE(contains(refusal(whole("", "x\n")), "empty"));
  EXPECT_TRUE(contains(refusal(whole("./", "x\n")), "names no file"));
  EXPECT_FALSE(fs::exists(base_ / "x"));
  EXPECT_EQ(read(outside_ + "/secret.txt"), "secret\n");
}

TEST_F(EditApplierTest, NormalisedPaths) {
  EXPECT_EQ(normaliseRelativePath("./src//a.py").value_or("?"), "src/a.py");
  EXPECT_EQ(normaliseRelativePath("src/./a.py/").value_or("?"), "src/a.py");
  EXPECT_FALSE(normaliseRelativePath(std::string("a\0b", 3)));
  EXPECT_FALSE(normaliseRelativePath("C:/x"));
  EXPECT_FALSE(normaliseRelativePath("src/.."));
  // Found by fuzzing: refused after "./" exactly as without it.
  EXPECT_FALSE(normaliseRelativePath("./~/x"));
  EXPECT_FALSE(normaliseRelativePath("./C:/x"));
}

TEST_F(EditApplierTest, SymlinkToOutsideAsTheFileIsRefused) {
  fs::create_symlink(outside_ + "/secret.txt", inWs("link.txt"));
  EXPECT_TRUE(contains(refusal(whole("link.txt", "pwned\n")), "outside the workspace"));
  EXPECT_TRUE(contains(refusal(diff("link.txt", "@@ -1 +1 @@\n-secret\n+pwned\n")),
                       "outside the workspace"));
  EXPECT_EQ(read(outside_ + "/secret.txt"), "secret\n");
}

TEST_F(EditApplierTest, SymlinkToOutsideAsAParentDirectoryIsRefused) {
  fs::create_directories(inWs("src"));
  fs::create_directory_symlink(outside_, inWs("src/ext"));
  EXPECT_TRUE(contains(refusal(whole("src/ext/secret.txt", "pwned\n")), "outside the workspace"));
  EXPECT_TRUE(contains(refusal(whole("src/ext/new.txt", "x\n")), "outside the workspace"));
  EXPECT_TRUE(contains(refusal(whole("src/ext/deeper/new.txt", "x\n")), "outside the workspace"));
  EXPECT_EQ(listing(outside_), std::vector<std::string>{"secret.txt"});
}

TEST_F(EditApplierTest, DanglingSymlinkIsRefused) {
  fs::create_symlink(outside_ + "/nothing-here.txt", inWs("dangling.txt"));
  EXPECT_TRUE(contains(refusal(whole("dangling.txt", "x\n")), "symlink"));
  EXPECT_FALSE(fs::exists(outside_ + "/nothing-here.txt"));
}

TEST_F(EditApplierTest, SymlinkInsideTheWorkspaceWritesItsTarget) {
  write(inWs("real.txt"), "old\n");
  fs::create_symlink("real.txt", inWs("alias.txt"));
  const PlannedEdit p = planned(whole("alias.txt", "new\n"));
  EXPECT_EQ(p.relPath, "real.txt");
  ASSERT_EQ(applyPlannedEdit(ws_, p), std::nullopt);
  EXPECT_EQ(read(inWs("real.txt")), "new\n");
  EXPECT_TRUE(fs::is_symlink(inWs("alias.txt")));
}

TEST_F(EditApplierTest, FileChangedSinceTheLedgerRecordedItIsRefused) {
  write(inWs("a.py"), "x = 1\n");
  ReadLedger ledger;
  ledger.record("a.py", "x = 1\n");
  EXPECT_EQ(ledger.hashOf("./a.py"), sha256Hex("x = 1\n"));
  planned(whole("a.py", "x = 2\n"), &ledger);  // unchanged: allowed
  write(inWs("a.py"), "x = 1  # edited by the user\n");
  EXPECT_TRUE(contains(refusal(whole("a.py", "x = 2\n"), &ledger), "changed on disk"));
  EXPECT_TRUE(contains(
      refusal(diff("a.py", "@@ -1 +1 @@\n-x = 1  # edited by the user\n+x = 2\n"), &ledger),
      "changed on disk"));
  fs::remove(inWs("a.py"));
  EXPECT_TRUE(contains(refusal(whole("a.py", "x = 2\n"), &ledger), "deleted"));
}

TEST_F(EditApplierTest, UnreadFilesCanBeRequiredToBeRead) {
  write(inWs("a.py"), "x = 1\n");
  ReadLedger ledger;
  EditLimits limits;
  limits.requireRead = true;
  EXPECT_TRUE(contains(refusal(whole("a.py", "x = 2\n"), &ledger, limits), "not been read"));
  EXPECT_TRUE(std::holds_alternative<PlannedEdit>(plan(whole("new.py", "y\n"), &ledger, limits)));
}

TEST_F(EditApplierTest, NonRegularTargetsAreRefused) {
  fs::create_directories(inWs("src"));
  EXPECT_TRUE(contains(refusal(whole("src", "x\n")), "not a regular file"));
  ASSERT_EQ(::mkfifo(inWs("pipe").c_str(), 0600), 0);
  EXPECT_TRUE(contains(refusal(whole("pipe", "x\n")), "not a regular file"));
  write(inWs("file.txt"), "f\n");
  EXPECT_TRUE(contains(refusal(whole("file.txt/child.txt", "x\n")), "not a directory"));
}

TEST_F(EditApplierTest, FilesAboveTheSizeCapAreRefused) {
  write(inWs("big.txt"), std::string(100, 'x') + "\n");
  EditLimits limits;
  limits.maxFileBytes = 64;
  EXPECT_TRUE(
      contains(refusal(whole("big.txt", "small\n"), nullptr, limits), "larger than the limit"));
  EXPECT_TRUE(contains(refusal(whole("new.txt", std::string(65, 'y')), nullptr, limits),
                       "larger than the limit"));
}

TEST_F(EditApplierTest, GitDirectoryIsOffLimits) {
  fs::create_directories(inWs(".git/hooks"));
  EXPECT_TRUE(contains(refusal(whole(".git/hooks/pre-commit", "#!/bin/sh\n")), ".git"));
  fs::create_directory_symlink(".git", inWs("hooks-link"));
  EXPECT_TRUE(contains(refusal(whole("hooks-link/config", "x\n")), ".git"));
}

TEST_F(EditApplierTest, DiffThatDoesNotApplyIsRefusedWithTheHunk) {
  write(inWs("a.txt"), "one\ntwo\nthree\n");
  const std::string reason = refusal(diff("a.txt", "@@ -2 +2 @@\n-TWO\n+2\n"));
  EXPECT_TRUE(contains(reason, "hunk 1")) << reason;
  EXPECT_TRUE(contains(refusal(diff("missing.txt", "@@ -1 +1 @@\n-a\n+b\n")), "does not exist"));
  EXPECT_TRUE(contains(refusal(diff("a.txt", "--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+x\n")),
                       "already exists"));
}

TEST_F(EditApplierTest, ElidedWholeFileOverAnExistingFileIsRefused) {
  write(inWs("a.js"), "function a() {}\nfunction b() {}\n");
  EXPECT_TRUE(
      contains(refusal(whole("a.js", "function a() { return 1; }\n// ... existing code ...\n")),
               "leaves out"));
}

TEST_F(EditApplierTest, AllowedWriteIsAtomicKeepsTheModeAndLeavesNoTempFile) {
  fs::create_directories(inWs("src"));
  write(inWs("src/run.sh"), "#!/bin/sh\necho old\n");
  ASSERT_EQ(::chmod(inWs("src/run.sh").c_str(), 0754), 0);
  struct stat before {};
  ASSERT_EQ(::stat(inWs("src/run.sh").c_str(), &before), 0);

  ReadLedger ledger;
  ledger.record("src/run.sh", "#!/bin/sh\necho old\n");
  const PlannedEdit p = planned(
      diff("src/run.sh", "--- a/src/run.sh\n+++ b/src/run.sh\n@@ -2 +2 @@\n-echo old\n+echo new\n"),
      &ledger);
  EXPECT_EQ(p.relPath, "src/run.sh");
  EXPECT_EQ(p.oldText, "#!/bin/sh\necho old\n");
  EXPECT_EQ(p.newText, "#!/bin/sh\necho new\n");
  ASSERT_EQ(applyPlannedEdit(ws_, p), std::nullopt);

  struct stat after {};
  ASSERT_EQ(::stat(inWs("src/run.sh").c_str(), &after), 0);
  EXPECT_EQ(read(inWs("src/run.sh")), "#!/bin/sh\necho new\n");
  EXPECT_EQ(after.st_mode & 07777, 0754u);
  EXPECT_NE(after.st_ino, before.st_ino) << "replaced by rename, not rewritten in place";
  EXPECT_EQ(listing(inWs("src")), std::vector<std::string>{"run.sh"});
}

TEST_F(EditApplierTest, NewFileCreatesItsParentDirectories) {
  const PlannedEdit p = planned(whole("pkg/sub/mod.py", "x = 1\n"));
  EXPECT_FALSE(p.oldText);
  ASSERT_EQ(applyPlannedEdit(ws_, p), std::nullopt);
  EXPECT_EQ(read(inWs("pkg/sub/mod.py")), "x = 1\n");
  EXPECT_EQ(listing(inWs("pkg/sub")), std::vector<std::string>{"mod.py"});

  const PlannedEdit d = planned(
      diff("docs/new.md", "--- /dev/null\n+++ b/docs/new.md\n@@ -0,0 +1,2 @@\n+# New\n+text\n"));
  ASSERT_EQ(applyPlannedEdit(ws_, d), std::nullopt);
  EXPECT_EQ(read(inWs("docs/new.md")), "# New\ntext\n");
}

TEST_F(EditApplierTest, FileChangedBetweenPlanAndWriteIsLeftAlone) {
  write(inWs("a.txt"), "v1\n");
  const PlannedEdit p = planned(whole("a.txt", "model\n"));
  write(inWs("a.txt"), "user\n");
  const auto err = applyPlannedEdit(ws_, p);
  ASSERT_TRUE(err);
  EXPECT_TRUE(contains(*err, "changed since"));
  EXPECT_EQ(read(inWs("a.txt")), "user\n");

  const PlannedEdit fresh = planned(whole("b.txt", "model\n"));
  write(inWs("b.txt"), "user\n");
  ASSERT_TRUE(applyPlannedEdit(ws_, fresh));
  EXPECT_EQ(read(inWs("b.txt")), "user\n");
}

TEST_F(EditApplierTest, SymlinkSwappedInAfterPlanningIsRefused) {
  const PlannedEdit p = planned(whole("sub/new.txt", "x\n"));
  fs::create_directory_symlink(outside_, inWs("sub"));
  const auto err = applyPlannedEdit(ws_, p);
  ASSERT_TRUE(err);
  EXPECT_TRUE(contains(*err, "sub")) << *err;
  EXPECT_EQ(listing(outside_), std::vector<std::string>{"secret.txt"});

  write(inWs("f.txt"), "f\n");
  const PlannedEdit q = planned(whole("f.txt", "g\n"));
  fs::remove(inWs("f.txt"));
  fs::create_symlink(outside_ + "/secret.txt", inWs("f.txt"));
  ASSERT_TRUE(applyPlannedEdit(ws_, q));
  EXPECT_EQ(read(outside_ + "/secret.txt"), "secret\n");
}

TEST_F(EditApplierTest, DeleteRemovesTheFileWhenTheDiffMatches) {
  write(inWs("old.py"), "a\nb\n");
  ProposedEdit del{ProposedEdit::Kind::Delete, "old.py",
                   "--- a/old.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n", ""};
  const PlannedEdit p = planned(del);
  EXPECT_TRUE(p.remove);
  ASSERT_EQ(applyPlannedEdit(ws_, p), std::nullopt);
  EXPECT_FALSE(fs::exists(inWs("old.py")));

  write(inWs("old.py"), "a\nb\nc\n");
  EXPECT_TRUE(contains(refusal(del), "does not remove all"));
}

TEST_F(EditApplierTest, ParsedOutputEndToEnd) {
  write(inWs("calc.py"), "def add(a, b):\n    return a - b\n");
  const std::string output =
      "The bug is the operator:\n\n```diff\n--- a/calc.py\n+++ b/calc.py\n@@ -2 +2 @@\n-    return "
      "a - b\n"
      "+    return a + b\n```\n\nAnd a test:\n\n```python:tests/test_calc.py\nfrom calc import "
      "add\n```\n";
  for (const ProposedEdit& e : parseProposedEdits(output)) {
    auto p = plan(e);
    ASSERT_TRUE(std::holds_alternative<PlannedEdit>(p)) << std::get<RejectedEdit>(p).reason;
    ASSERT_EQ(applyPlannedEdit(ws_, std::get<PlannedEdit>(p)), std::nullopt);
  }
  EXPECT_EQ(read(inWs("calc.py")), "def add(a, b):\n    return a + b\n");
  EXPECT_EQ(read(inWs("tests/test_calc.py")), "from calc import add\n");
}

TEST(ReadLedger, ConcurrentRecordsAndLookups) {
  ReadLedger ledger;
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&ledger, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string path = "f" + std::to_string(i % 50);
        ledger.record(path, std::to_string(t));
        EXPECT_TRUE(ledger.hashOf(path));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ledger.size(), 50u);
  ledger.forget("f0");
  EXPECT_FALSE(ledger.hashOf("f0"));
}
