// WorkspaceIndex on real fixture repositories: what the index finds, how it
// ranks symbol search and definitions, references and the repository map.
#include "analysis/WorkspaceIndex.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "IndexTestUtil.h"

namespace sb {
namespace {

using test::TempDir;
using test::writeFile;

std::vector<std::string> names(const std::vector<SymbolHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.symbol.name);
  return out;
}

std::vector<std::string> paths(const std::vector<SymbolHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.relPath);
  return out;
}

const SymbolHit* find(const std::vector<SymbolHit>& hits, std::string_view relPath,
                      std::string_view container) {
  for (const auto& h : hits)
    if (h.relPath == relPath && h.symbol.container == container) return &h;
  return nullptr;
}

// The fixture repositories under tests/data/index, indexed once (read-only:
// only the database, in a scratch folder, is written).
class FixtureIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>();
    index_ = std::make_unique<WorkspaceIndex>(test::indexFixtureDir(), *tmp_ / "index.sqlite");
    report_ = index_->refresh();
  }
  static void TearDownTestSuite() {
    index_.reset();
    tmp_.reset();
  }
  static std::unique_ptr<TempDir> tmp_;
  static std::unique_ptr<WorkspaceIndex> index_;
  static IndexReport report_;
};
std::unique_ptr<TempDir> FixtureIndexTest::tmp_;
std::unique_ptr<WorkspaceIndex> FixtureIndexTest::index_;
IndexReport FixtureIndexTest::report_;

TEST_F(FixtureIndexTest, IndexesEveryFixtureFile) {
  EXPECT_GE(report_.scanned, 20u);
  EXPECT_EQ(report_.parsed, report_.scanned) << ::testing::PrintToString(report_.notes);
  EXPECT_EQ(report_.skipped, 0u);
  EXPECT_EQ(report_.removed, 0u);
  IndexStats stats = index_->stats();
  EXPECT_EQ(stats.files, report_.scanned);
  EXPECT_GT(stats.symbols, 50u);
  EXPECT_GT(stats.refs, 50u);
  EXPECT_GT(stats.lines, 200u);
}

TEST_F(FixtureIndexTest, PythonDefinitionsWithKindsContainersSignaturesDocs) {
  auto withVat = index_->store().symbolsNamed("with_vat", 10);
  ASSERT_EQ(withVat.size(), 1u);
  EXPECT_EQ(withVat[0].relPath, "python/shop/pricing.py");
  EXPECT_EQ(withVat[0].symbol.kind, SymbolKind::Function);
  EXPECT_EQ(withVat[0].symbol.container, "");
  EXPECT_EQ(withVat[0].symbol.signature,
            "def with_vat(amount: Decimal, rate: Decimal = VAT_RATE) -> Decimal");
  EXPECT_EQ(withVat[0].symbol.doc, "Adds VAT to `amount`.\n\nThe rate defaults to VAT_RATE.");
  EXPECT_EQ(withVat[0].symbol.nameStart.line, 23u);
  EXPECT_EQ(withVat[0].symbol.nameStart.col8, 4u);
  EXPECT_EQ(withVat[0].symbol.start.line, 23u);
  EXPECT_EQ(withVat[0].symbol.end.line, 28u);

  const auto totals = index_->store().symbolsNamed("total", 10);
  const SymbolHit* total = find(totals, "python/shop/pricing.py", "Item");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->symbol.kind, SymbolKind::Method);
  EXPECT_EQ(total->symbol.doc, "Price times quantity.");
}

TEST_F(FixtureIndexTest, CDefinitionsWithDocs) {
  auto push = index_->store().symbolsNamed("vec_push", 10);
  ASSERT_FALSE(push.empty());
  const SymbolHit* decl = nullptr;
  for (const auto& h : push)
    if (h.relPath == "c/vec.h") decl = &h;
  ASSERT_NE(decl, nullptr) << ::testing::PrintToString(paths(push));
  EXPECT_EQ(decl->symbol.kind, SymbolKind::Function);
  EXPECT_EQ(decl->symbol.signature, "int vec_push(Vec *v, int value)");
  EXPECT_EQ(decl->symbol.doc,
            "Appends `value` to `v`, growing it when full.\nReturns 0 on success, -1 when out of "
            "memory.");
}

TEST_F(FixtureIndexTest, TypeScriptMethodsHaveTheirClassAsContainer) {
  auto find_ = index_->store().symbolsNamed("find", 20);
  const SymbolHit* method = find(find_, "typescript/service.ts", "UserService");
  ASSERT_NE(method, nullptr) << ::testing::PrintToString(paths(find_));
  EXPECT_EQ(method->symbol.kind, SymbolKind::Method);
  EXPECT_EQ(method->symbol.doc, "Finds a user by id.");
  auto user = index_->store().symbolsNamed("User", 10);
  ASSERT_FALSE(user.empty());
  EXPECT_EQ(user[0].relPath, "typescript/models.ts");
  EXPECT_EQ(user[0].symbol.kind, SymbolKind::Interface);
  EXPECT_EQ(user[0].symbol.doc, "A registered user.");
}

TEST_F(FixtureIndexTest, ImportsAreStored) {
  auto imports = index_->store().importsOf("c/main.c");
  std::vector<std::string> specs;
  for (const auto& i : imports) specs.push_back(i.path);
  EXPECT_EQ(specs, (std::vector<std::string>{"stdio.h", "vec.h"}));
  EXPECT_EQ(imports[1].line, 2u);
}

TEST_F(FixtureIndexTest, DefinitionFromCallSiteInAnotherFile) {
  auto defs = index_->definitions("with_vat", "python/shop/basket.py");
  ASSERT_EQ(defs.size(), 1u);
  EXPECT_EQ(defs[0].relPath, "python/shop/pricing.py");
  // main.c includes vec.h: the declaration there wins, and the farther
  // candidates are dropped.
  auto push = index_->definitions("vec_push", "c/main.c");
  ASSERT_FALSE(push.empty());
  EXPECT_EQ(push[0].relPath, "c/vec.h");
}

TEST_F(FixtureIndexTest, ReferencesAcrossFiles) {
  auto refs = index_->references("with_vat");
  ASSERT_FALSE(refs.empty());
  bool callInBasket = std::any_of(refs.begin(), refs.end(), [](const RefHit& r) {
    return r.relPath == "python/shop/basket.py" && r.ref.start.line == 21 && r.ref.start.col8 == 15;
  });
  EXPECT_TRUE(callInBasket) << "the call in Basket.checkout";
  auto sum = index_->references("vec_sum");
  EXPECT_TRUE(
      std::any_of(sum.begin(), sum.end(), [](const RefHit& r) { return r.relPath == "c/main.c"; }));
  EXPECT_TRUE(index_->references("no_such_name_anywhere").empty());
}

TEST_F(FixtureIndexTest, SearchFindsAcrossLanguages) {
  auto hits = index_->searchSymbols("UserService", 5);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].symbol.name, "UserService");
  EXPECT_EQ(hits[0].relPath, "typescript/service.ts");
  EXPECT_EQ(index_->searchSymbols("", 7).size(), 7u) << "an empty query lists up to the limit";
  EXPECT_TRUE(index_->searchSymbols("zzzzqqqq", 5).empty());
}

// A scratch workspace of small Python files.
class ScratchIndexTest : public ::testing::Test {
 protected:
  WorkspaceIndex& build() {
    index_ = std::make_unique<WorkspaceIndex>(ws_.path(), db_ / "index.sqlite");
    IndexReport r = index_->refresh();
    EXPECT_EQ(r.skipped, 0u) << ::testing::PrintToString(r.notes);
    return *index_;
  }
  TempDir ws_, db_;
  std::unique_ptr<WorkspaceIndex> index_;
};

TEST_F(ScratchIndexTest, SearchRanksExactThenPrefixThenSubstringThenFuzzy) {
  writeFile(ws_ / "a.py", "def post_and_reset():\n    pass\n\n\ndef parse_args():\n    pass\n");
  writeFile(ws_ / "b.py",
            "def reparse():\n    pass\n\n\nclass Parser:\n    pass\n\n\ndef parse():\n    pass\n");
  writeFile(ws_ / "c.py", "def unrelated():\n    pass\n");
  auto& index = build();
  EXPECT_EQ(
      names(index.searchSymbols("parse", 10)),
      (std::vector<std::string>{"parse", "parse_args", "Parser", "reparse", "post_and_reset"}));
  EXPECT_EQ(names(index.searchSymbols("parse", 2)),
            (std::vector<std::string>{"parse", "parse_args"}))
      << "the limit keeps the best";
  EXPECT_EQ(names(index.searchSymbols("Parser", 10)).front(), "Parser");
  EXPECT_EQ(names(index.searchSymbols("PARSE", 10)).front(), "parse") << "case-insensitive";
  EXPECT_EQ(
      names(index.searchSymbols("par", 10)),
      (std::vector<std::string>{"parse", "parse_args", "Parser", "reparse", "post_and_reset"}));
}

TEST_F(ScratchIndexTest, OpenFileAndNearbyHintsRankFirst) {
  for (const char* p : {"x/one.py", "y/two.py", "z/deep/three.py"})
    writeFile(ws_ / p, "def handler():\n    pass\n");
  auto& index = build();
  EXPECT_EQ(paths(index.searchSymbols("handler", 10)),
            (std::vector<std::string>{"x/one.py", "y/two.py", "z/deep/three.py"}))
      << "ties broken by path";
  SymbolSearchHints open;
  open.openFiles = {"y/two.py"};
  EXPECT_EQ(paths(index.searchSymbols("handler", 10, open)).front(), "y/two.py");
  SymbolSearchHints near;
  near.nearFile = "z/deep/other.py";
  EXPECT_EQ(paths(index.searchSymbols("handler", 10, near)).front(), "z/deep/three.py");
  // The hint never lifts a weaker match over a stronger one.
  writeFile(ws_ / "y/two.py", "def handler_of_things():\n    pass\n");
  index.updatePaths({ws_ / "y/two.py"});
  auto hits = index.searchSymbols("handler", 10, open);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits.back().symbol.name, "handler_of_things");
}

TEST_F(ScratchIndexTest, DefinitionsPreferSameFileThenImportedThenSameDirectory) {
  writeFile(ws_ / "pkg/own.py", "def helper():\n    pass\n\n\ndef use():\n    helper()\n");
  writeFile(ws_ / "pkg/main.py", "import lib.tools\n\n\ndef run():\n    lib.tools.helper()\n");
  writeFile(ws_ / "pkg/plain.py", "def run2():\n    helper()\n");
  writeFile(ws_ / "pkg/sibling.py", "def helper():\n    pass\n");
  writeFile(ws_ / "lib/tools.py", "def helper():\n    pass\n");
  writeFile(ws_ / "other/far.py", "def helper():\n    pass\n");
  auto& index = build();
  EXPECT_EQ(paths(index.definitions("helper", "pkg/own.py")),
            std::vector<std::string>{"pkg/own.py"})
      << "same file only";
  EXPECT_EQ(paths(index.definitions("helper", "pkg/main.py")),
            std::vector<std::string>{"lib/tools.py"})
      << "the imported module only";
  auto fromPlain = paths(index.definitions("helper", "pkg/plain.py"));
  ASSERT_EQ(fromPlain.size(), 4u) << ::testing::PrintToString(fromPlain);
  EXPECT_EQ(fromPlain[0].substr(0, 4), "pkg/");
  EXPECT_EQ(fromPlain[1].substr(0, 4), "pkg/");
  EXPECT_EQ(fromPlain[2], "lib/tools.py");
  EXPECT_EQ(fromPlain[3], "other/far.py");
  EXPECT_EQ(paths(index.definitions("helper", "pkg/plain.py", 1)).size(), 1u) << "limit";
  EXPECT_TRUE(index.definitions("nothing_like_this", "pkg/own.py").empty());

  auto refs = index.references("helper");
  std::vector<std::string> refFiles;
  for (const auto& r : refs) refFiles.push_back(r.relPath);
  EXPECT_EQ(refFiles, (std::vector<std::string>{"pkg/main.py", "pkg/own.py", "pkg/plain.py"}));
}

TEST_F(ScratchIndexTest, DefinitionsOfEachMatchesOneLookupPerNameAcrossManyNames) {
  writeFile(ws_ / "pkg/main.py", "import lib.tools\n\n\ndef run():\n    lib.tools.helper()\n");
  writeFile(ws_ / "lib/tools.py", "def helper():\n    pass\n");
  writeFile(ws_ / "pkg/sibling.py", "def helper():\n    pass\n");
  std::string many;
  for (int i = 0; i < 150; ++i) many += "def fn_" + std::to_string(i) + "():\n    pass\n\n";
  writeFile(ws_ / "other/many.py", many);
  auto& index = build();
  std::vector<std::string> names = {"helper", "nothing_like_this"};
  for (int i = 149; i >= 0; --i)
    names.push_back("fn_" + std::to_string(i));  // over two rounds of 64
  auto each = index.definitionsOfEach(names, "pkg/main.py", 2);
  EXPECT_FALSE(each.contains("nothing_like_this"));
  EXPECT_EQ(each.size(), 151u);
  for (const auto& name : names) {
    auto one = index.definitions(name, "pkg/main.py", 2);
    EXPECT_EQ(paths(each[name]), paths(one)) << name;
  }
  EXPECT_EQ(paths(each["helper"]), std::vector<std::string>{"lib/tools.py"})
      << "ranked as definitions()";
}

TEST_F(ScratchIndexTest, RepoMapListsMostReferencedFirstWithinBudget) {
  writeFile(ws_ / "core.py", "def compute_everything_important(x):\n    return x\n");
  writeFile(ws_ / "rare.py", "def rarely_used_function(y):\n    return y\n");
  for (int i = 0; i < 5; ++i)
    writeFile(ws_ / ("user" + std::to_string(i) + ".py"),
              "import core\n\n\ndef f" + std::to_string(i) +
                  "():\n    return core.compute_everything_important(1)\n");
  writeFile(ws_ / "lonely.py",
            "import rare\n\n\ndef g():\n    return rare.rarely_used_function(2)\n");
  auto& index = build();
  std::string full = index.repoMap({});
  size_t core = full.find("core.py:\n  1: def compute_everything_important(x)\n");
  size_t rare = full.find("rare.py:\n  1: def rarely_used_function(y)\n");
  ASSERT_NE(core, std::string::npos) << full;
  ASSERT_NE(rare, std::string::npos) << full;
  EXPECT_LT(core, rare) << "referenced from five files beats one\n" << full;
  EXPECT_EQ(full.find("def f0"), std::string::npos) << "unreferenced definitions stay out\n"
                                                    << full;

  RepoMapOptions tight;
  tight.tokenBudget = 20;  // 80 characters: room for one entry
  std::string small = index.repoMap(tight);
  EXPECT_EQ(small, "core.py:\n  1: def compute_everything_important(x)\n");

  RepoMapOptions focus;
  focus.focusFiles = {"core.py"};
  EXPECT_EQ(index.repoMap(focus).find("core.py"), std::string::npos) << "focus files are left out";
}

TEST_F(ScratchIndexTest, RepoMapNeverExceedsItsBudget) {
  // Definitions far down a file (three-digit line numbers) and many users.
  std::string lib(150, '\n');
  for (int i = 0; i < 12; ++i)
    lib += "def library_function_" + std::to_string(i) +
           "(argument_one, argument_two):\n    return 1\n\n";
  writeFile(ws_ / "pkg/library_module.py", lib);
  for (int u = 0; u < 4; ++u) {
    std::string user = "import library_module\n\n\ndef use" + std::to_string(u) + "():\n";
    for (int i = 0; i < 12; ++i)
      user += "    library_module.library_function_" + std::to_string(i) + "(1, 2)\n";
    writeFile(ws_ / ("pkg/user" + std::to_string(u) + ".py"), user);
  }
  auto& index = build();
  ASSERT_NE(index.repoMap({}).find("  151: def library_function_0"), std::string::npos)
      << index.repoMap({});
  for (size_t tokens = 1; tokens <= 200; ++tokens) {
    RepoMapOptions o;
    o.tokenBudget = tokens;
    std::string map = index.repoMap(o);
    EXPECT_LE(map.size(), tokens * 4) << "budget " << tokens << " tokens:\n" << map;
  }
}

TEST_F(ScratchIndexTest, RelativeAndAbsolutePaths) {
  writeFile(ws_ / "a.py", "x = 1\n");
  auto& index = build();
  EXPECT_EQ(index.relativePath(ws_ / "sub/a.py"), "sub/a.py");
  EXPECT_EQ(index.relativePath(ws_.path()), "");
  EXPECT_EQ(index.relativePath(ws_.path() + "x/a.py"), "") << "a sibling folder with a longer name";
  EXPECT_EQ(index.relativePath(ws_ / "../a.py"), "");
  EXPECT_EQ(index.relativePath(ws_ / "sub/../../a.py"), "");
  EXPECT_EQ(index.relativePath("/etc/passwd"), "");
  EXPECT_EQ(index.absolutePath("sub/a.py"), ws_ / "sub/a.py");
}

TEST(DefaultIndexPathTest, UsesXdgCacheHomeAndIsStablePerRoot) {
  const char* old = std::getenv("XDG_CACHE_HOME");
  std::string saved = old ? old : "";
  ::setenv("XDG_CACHE_HOME", "/tmp/xdg-test-cache", 1);
  std::string a = defaultIndexPath("/home/u/proj");
  EXPECT_EQ(a.rfind("/tmp/xdg-test-cache/switchboard/index/proj-", 0), 0u) << a;
  EXPECT_EQ(a.substr(a.size() - 7), ".sqlite");
  EXPECT_EQ(defaultIndexPath("/home/u/proj"), a);
  EXPECT_NE(defaultIndexPath("/home/v/proj"), a) << "same name, other root";
  if (old)
    ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  else
    ::unsetenv("XDG_CACHE_HOME");
}

}  // namespace
}  // namespace sb
