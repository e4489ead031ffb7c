// The SQLite index store: writes, queries, persistence, and recovery from
// files that are not (or no longer) a usable index.
#include "analysis/IndexStore.h"

#include <gtest/gtest.h>

#include <random>

#include "IndexTestUtil.h"

namespace sb {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

IndexedSymbol symbol(std::string name, SymbolKind kind, uint32_t line, std::string container = "") {
  IndexedSymbol s;
  s.name = std::move(name);
  s.kind = kind;
  s.container = std::move(container);
  s.signature = "sig " + s.name;
  s.doc = "doc of " + s.name;
  s.start = {line, 0, 0};
  s.end = {line + 2, 1, 1};
  s.nameStart = {line, 4, 3};  // a UTF-16 column differing from the UTF-8 one survives
  s.nameEnd = {line, 4 + static_cast<uint32_t>(s.name.size()),
               3 + static_cast<uint32_t>(s.name.size())};
  return s;
}

IndexedRef ref(std::string name, uint32_t line, uint32_t col) {
  IndexedRef r;
  r.name = std::move(name);
  r.kind = SymbolKind::Function;
  r.start = {line, col, col};
  r.end = {line, col + static_cast<uint32_t>(r.name.size()),
           col + static_cast<uint32_t>(r.name.size())};
  return r;
}

std::vector<IndexedFile> sampleFiles() {
  IndexedFile a;
  a.relPath = "src/a.py";
  a.language = "python";
  a.size = 120;
  a.mtimeNs = 1'700'000'000'000'000'001;
  a.hash = contentHash("a");
  a.lines = 10;
  a.symbols = {symbol("Widget", SymbolKind::Class, 0),
               symbol("draw", SymbolKind::Method, 3, "Widget")};
  a.refs = {ref("helper", 5, 8)};
  a.imports = {{"lib.util", 0}, {"os", 1}};
  IndexedFile b;
  b.relPath = "lib/util.py";
  b.language = "python";
  b.size = 40;
  b.mtimeNs = 5;
  b.hash = 0xfedcba9876543210ull;  // above INT64_MAX: must round-trip through SQLite
  b.lines = 4;
  b.symbols = {symbol("helper", SymbolKind::Function, 1)};
  b.refs = {ref("helper", 3, 2), ref("Widget", 2, 0)};
  return {a, b};
}

TEST(IndexStoreTest, CreatesWritesAndQueries) {
  TempDir dir;
  IndexStore store(dir / "sub/dir/index.sqlite", "/ws");  // parent folders are created
  EXPECT_TRUE(store.recovered().empty()) << store.recovered();
  EXPECT_TRUE(fs::exists(dir / "sub/dir/index.sqlite"));
  auto files = sampleFiles();
  store.write(files, {});

  auto widget = store.symbolsNamed("Widget", 10);
  ASSERT_EQ(widget.size(), 1u);
  EXPECT_EQ(widget[0].relPath, "src/a.py");
  EXPECT_EQ(widget[0].symbol.kind, SymbolKind::Class);
  EXPECT_EQ(widget[0].symbol.signature, "sig Widget");
  EXPECT_EQ(widget[0].symbol.doc, "doc of Widget");
  EXPECT_EQ(widget[0].symbol.nameStart.col8, 4u);
  EXPECT_EQ(widget[0].symbol.nameStart.col16, 3u);
  EXPECT_EQ(widget[0].symbol.end.line, 2u);

  auto draw = store.symbolsNamed("draw", 10);
  ASSERT_EQ(draw.size(), 1u);
  EXPECT_EQ(draw[0].symbol.container, "Widget");
  EXPECT_EQ(draw[0].symbol.kind, SymbolKind::Method);
  EXPECT_TRUE(store.symbolsNamed("missing", 10).empty());

  auto refs = store.refsNamed("helper", 10);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].relPath, "lib/util.py") << "ordered by path";
  EXPECT_EQ(refs[1].relPath, "src/a.py");
  EXPECT_EQ(refs[1].ref.start.line, 5u);
  EXPECT_EQ(refs[1].ref.start.col8, 8u);
  EXPECT_EQ(store.refsNamed("helper", 1).size(), 1u) << "limit";

  auto imports = store.importsOf("src/a.py");
  ASSERT_EQ(imports.size(), 2u);
  EXPECT_EQ(imports[0].path, "lib.util");
  EXPECT_EQ(imports[1].path, "os");
  EXPECT_EQ(imports[1].line, 1u);
  EXPECT_TRUE(store.importsOf("lib/util.py").empty());

  auto inFile = store.symbolsInFile("src/a.py");
  ASSERT_EQ(inFile.size(), 2u);
  EXPECT_EQ(inFile[0].symbol.name, "Widget");
  EXPECT_EQ(inFile[1].symbol.name, "draw");

  IndexStats stats = store.stats();
  EXPECT_EQ(stats.files, 2u);
  EXPECT_EQ(stats.symbols, 3u);
  EXPECT_EQ(stats.refs, 3u);
  EXPECT_EQ(stats.lines, 14u);

  auto stamps = store.stamps();
  ASSERT_EQ(stamps.size(), 2u);
  EXPECT_EQ(stamps["src/a.py"].mtimeNs, 1'700'000'000'000'000'001);
  EXPECT_EQ(stamps["lib/util.py"].hash, 0xfedcba9876543210ull);

  auto byId = store.symbolsByIds(std::vector<int64_t>{draw[0].id, 999999, widget[0].id});
  ASSERT_EQ(byId.size(), 2u) << "unknown ids are left out";
  EXPECT_EQ(byId[0].symbol.name, "draw") << "in the order asked";
  EXPECT_EQ(byId[1].symbol.name, "Widget");
  EXPECT_EQ(store.symbolById(draw[0].id).symbol.name, "draw");
  EXPECT_EQ(store.allDefinitions().size(), 3u);
}

// symbolsNamedAny takes any number of names in one statement (a JSON list),
// whatever characters they hold, and keeps at most `limitPerName` hits of
// each, first by path.
TEST(IndexStoreTest, SymbolsNamedAnyTakesManyNamesOfAnyCharacters) {
  TempDir dir;
  IndexStore store(dir / "index.sqlite", "/ws");
  IndexedFile f;
  f.relPath = "src/many.py";
  f.language = "python";
  f.lines = 1000;
  std::vector<std::string> names;
  names.reserve(153);
  for (int i = 0; i < 150; ++i) names.push_back("name" + std::to_string(i));
  names.push_back("quote\"back\\slash");
  names.push_back(std::string("tab\tcontrol\x01"));
  names.push_back("caf\xC3\xA9");
  for (uint32_t i = 0; i < names.size(); ++i) {
    f.symbols.push_back(symbol(names[i], SymbolKind::Function, i * 3));
    f.symbols.push_back(symbol(names[i], SymbolKind::Function, i * 3 + 1));
  }
  IndexedFile g = f;
  g.relPath = "a/first.py";
  store.write(std::vector<IndexedFile>{f, g}, {});

  std::vector<std::string> asked = names;
  asked.push_back("not_there");
  auto found = store.symbolsNamedAny(asked, 3);
  EXPECT_EQ(found.size(), names.size()) << "every stored name, none of the unknown one";
  for (const auto& name : names) {
    ASSERT_EQ(found[name].size(), 3u) << name;
    EXPECT_EQ(found[name][0].relPath, "a/first.py") << "ordered by path";
    EXPECT_EQ(found[name][2].relPath, "src/many.py");
  }
  EXPECT_TRUE(store.symbolsNamedAny({}, 3).empty());
}

TEST(IndexStoreTest, RewriteReplacesAndRemoveDeletes) {
  TempDir dir;
  IndexStore store(dir / "index.sqlite", "/ws");
  auto files = sampleFiles();
  store.write(files, {});
  IndexedFile a = files[0];
  a.symbols = {symbol("Gadget", SymbolKind::Class, 0)};
  a.refs.clear();
  a.imports.clear();
  store.write({&a, 1}, std::vector<std::string>{"lib/util.py"});
  EXPECT_TRUE(store.symbolsNamed("Widget", 10).empty());
  EXPECT_EQ(store.symbolsNamed("Gadget", 10).size(), 1u);
  EXPECT_TRUE(store.symbolsNamed("helper", 10).empty());
  EXPECT_TRUE(store.refsNamed("helper", 10).empty());
  EXPECT_TRUE(store.importsOf("src/a.py").empty());
  EXPECT_EQ(store.stats().files, 1u);
  EXPECT_EQ(store.stamps().count("lib/util.py"), 0u);
}

TEST(IndexStoreTest, TouchUpdatesOnlyTheStamp) {
  TempDir dir;
  IndexStore store(dir / "index.sqlite", "/ws");
  store.write(sampleFiles(), {});
  IndexedFile t;
  t.relPath = "src/a.py";
  t.size = 121;
  t.mtimeNs = 42;
  store.touch({&t, 1});
  auto stamp = store.stamps()["src/a.py"];
  EXPECT_EQ(stamp.size, 121u);
  EXPECT_EQ(stamp.mtimeNs, 42);
  EXPECT_EQ(stamp.hash, contentHash("a")) << "the hash is kept";
  EXPECT_EQ(store.symbolsInFile("src/a.py").size(), 2u) << "rows are kept";
}

TEST(IndexStoreTest, ReopenKeepsData) {
  TempDir dir;
  {
    IndexStore store(dir / "index.sqlite", "/ws");
    store.write(sampleFiles(), {});
  }
  IndexStore again(dir / "index.sqlite", "/ws");
  EXPECT_TRUE(again.recovered().empty()) << again.recovered();
  EXPECT_EQ(again.stats().files, 2u);
  EXPECT_EQ(again.stats().symbols, 3u);
  EXPECT_EQ(again.symbolsNamed("helper", 10).size(), 1u);
  EXPECT_FALSE(fs::exists(dir / "index.sqlite.corrupt"));
}

TEST(IndexStoreTest, ContentHashIsStableAndOrderSensitive) {
  EXPECT_EQ(contentHash("hello"), contentHash(std::string("hel") + "lo"));
  EXPECT_NE(contentHash("ab"), contentHash("ba"));
  EXPECT_NE(contentHash(""), contentHash(std::string(1, '\0')));
}

// Opens a store on a bad file and checks the recovery contract: the bad file
// is kept at PATH.corrupt, a fresh index works, recovered() says why.
void expectRecovered(const std::string& path, const std::string& badBytes, std::string_view why) {
  SCOPED_TRACE(std::string(why));
  std::unique_ptr<IndexStore> store;
  ASSERT_NO_THROW(store = std::make_unique<IndexStore>(path, "/ws"));
  EXPECT_FALSE(store->recovered().empty());
  EXPECT_NE(store->recovered().find(path), std::string::npos) << store->recovered();
  EXPECT_NE(store->recovered().find("rebuilt"), std::string::npos) << store->recovered();
  if (!why.empty()) {
    EXPECT_NE(store->recovered().find(why), std::string::npos) << store->recovered();
  }
  ASSERT_TRUE(fs::exists(path + ".corrupt"));
  EXPECT_EQ(test::readFile(path + ".corrupt"), badBytes) << "the bad file is kept as it was";
  EXPECT_EQ(store->stats().files, 0u);
  store->write(sampleFiles(), {});
  EXPECT_EQ(store->symbolsNamed("Widget", 10).size(), 1u);
  store.reset();
  IndexStore reopened(path, "/ws");
  EXPECT_TRUE(reopened.recovered().empty())
      << "the rebuilt index is healthy: " << reopened.recovered();
  EXPECT_EQ(reopened.stats().files, 2u);
}

TEST(IndexStoreTest, GarbageFileIsMovedAsideAndRebuilt) {
  TempDir dir;
  std::string path = dir / "index.sqlite";
  std::mt19937 rng(1234);
  std::string garbage(16384, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  test::writeFile(path, garbage);
  expectRecovered(path, garbage, "unusable");
}

TEST(IndexStoreTest, TextFileIsMovedAsideAndRebuilt) {
  TempDir dir;
  std::string path = dir / "index.sqlite";
  std::string text = "this is not a database, just a long enough line of text to fill a header.\n";
  test::writeFile(path, text);
  expectRecovered(path, text, "");
}

TEST(IndexStoreTest, TruncatedFileIsMovedAsideAndRebuilt) {
  TempDir dir;
  std::string path = dir / "index.sqlite";
  {
    IndexStore store(path, "/ws");
    // Enough rows for many pages, so a cut loses real data.
    std::vector<IndexedFile> files;
    for (int i = 0; i < 50; ++i) {
      IndexedFile f = sampleFiles()[0];
      f.relPath = "f" + std::to_string(i) + ".py";
      for (int k = 0; k < 40; ++k)
        f.symbols.push_back(symbol("sym_" + std::to_string(i * 100 + k), SymbolKind::Function, k));
      files.push_back(std::move(f));
    }
    store.write(files, {});
  }
  ASSERT_FALSE(fs::exists(path + "-wal")) << "closing checkpoints the WAL";
  std::string whole = test::readFile(path);
  ASSERT_GT(whole.size(), 8u * 4096);
  std::string cut = whole.substr(0, whole.size() / 3);
  test::writeFile(path, cut);
  expectRecovered(path, cut, "");
}

TEST(IndexStoreTest, ForeignSqliteDatabaseIsMovedAsideAndRebuilt) {
  TempDir dir;
  std::string path = dir / "index.sqlite";
  {
    sql::Database db(path, false);
    db.exec(
        "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES "
        "('mine');");
  }
  expectRecovered(path, test::readFile(path), "another application");
}

TEST(IndexStoreTest, OtherApplicationIdIsMovedAsideAndRebuilt) {
  TempDir dir;
  std::string path = dir / "index.sqlite";
  {
    sql::Database db(path, false);
    db.exec("PRAGMA application_id = 1234; CREATE TABLE files(x);");
  }
  expectRecovered(path, test::readFile(path), "another application");
}

TEST(IndexStoreTest, WrongSchemaVersionIsMovedAsideAndRebuilt) {
  TempDir dir;
  std::string path = dir / "index.sqlite";
  {
    IndexStore store(path, "/ws");
    store.write(sampleFiles(), {});
  }
  {
    sql::Database db(path, false);
    db.exec("PRAGMA user_version = 99");
  }
  expectRecovered(path, test::readFile(path), "schema version 99");
}

TEST(IndexStoreTest, ZeroSchemaVersionOfOurApplicationIsMovedAsideAndRebuilt) {
  TempDir dir;
  std::string path = dir / "index.sqlite";
  {
    IndexStore store(path, "/ws");
    store.write(sampleFiles(), {});
  }
  {
    sql::Database db(path, false);
    db.exec("PRAGMA user_version = 0");
  }
  expectRecovered(path, test::readFile(path), "schema version 0");
}

TEST(IndexStoreTest, EmptyFileBecomesAFreshIndexWithoutRecovery) {
  TempDir dir;
  std::string path = dir / "index.sqlite";
  test::writeFile(path, "");
  IndexStore store(path, "/ws");
  EXPECT_TRUE(store.recovered().empty()) << store.recovered();
  store.write(sampleFiles(), {});
  EXPECT_EQ(store.stats().files, 2u);
}

}  // namespace
}  // namespace sb
