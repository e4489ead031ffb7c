// The persistent workspace index: one SQLite file per workspace holding, per
// file, its stamp (size, mtime, content hash) and its definitions, references
// and imports. A restart re-reads only files whose stamp changed.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/Outline.h"
#include "analysis/Sqlite.h"

namespace sb {

// A position stored with both UTF-8 and UTF-16 columns: the two encodings
// clients actually use, so answers need no file read.
struct StoredPos {
  uint32_t line = 0;
  uint32_t col8 = 0;
  uint32_t col16 = 0;
};

struct IndexedSymbol {
  std::string name;
  SymbolKind kind = SymbolKind::Variable;
  std::string container;
  std::string signature;
  std::string doc;
  StoredPos start, end;          // the whole definition
  StoredPos nameStart, nameEnd;  // its name
};

struct IndexedRef {
  std::string name;
  SymbolKind kind = SymbolKind::Variable;
  StoredPos start, end;
};

struct IndexedImport {
  std::string path;
  uint32_t line = 0;
};

struct IndexedFile {
  std::string relPath;
  std::string language;
  uint64_t size = 0;
  int64_t mtimeNs = 0;
  uint64_t hash = 0;
  uint32_t lines = 0;
  std::vector<IndexedSymbol> symbols;
  std::vector<IndexedRef> refs;
  std::vector<IndexedImport> imports;
};

struct FileStamp {
  uint64_t size = 0;
  int64_t mtimeNs = 0;
  uint64_t hash = 0;
};

struct SymbolHit {
  int64_t id = 0;
  std::string relPath;
  IndexedSymbol symbol;
};

struct RefHit {
  std::string relPath;
  IndexedRef ref;
};

struct IndexStats {
  size_t files = 0, symbols = 0, refs = 0, lines = 0;
};

// 64-bit FNV-1a of file contents: cheap, stable across runs and builds.
uint64_t contentHash(std::string_view bytes);

class IndexStore {
 public:
  static constexpr int kSchemaVersion = 1;

  // Opens or creates the database. A file that is not a SQLite database, is
  // damaged, belongs to another application or has an unknown schema is moved
  // aside (to PATH.corrupt) and a fresh index is created; `recovered()` then
  // says what happened. Throws sql::SqliteError only if even that fails.
  IndexStore(const std::string& dbPath, const std::string& workspaceRoot);

  const std::string& path() const { return path_; }
  const std::string& recovered() const { return recovered_; }

  std::unordered_map<std::string, FileStamp> stamps();
  // For a cold build into an empty index: drops the secondary indexes until
  // endBulkLoad() rebuilds them in one pass.
  void beginBulkLoad();
  void endBulkLoad();
  // Replaces the given files' rows and deletes the removed paths, atomically.
  void write(std::span<const IndexedFile> files, std::span<const std::string> removed);
  // Records new stamps (relPath, size, mtimeNs) for files whose content hash
  // did not change, in one transaction.
  void touch(std::span<const IndexedFile> files);

  std::vector<SymbolHit> symbolsNamed(std::string_view name, size_t limit);
  // The definitions of every name in `names`, at most `limitPerName` each
  // (ordered by path, line, as symbolsNamed), in one query: context building
  // looks up dozens of names per keystroke.
  std::unordered_map<std::string, std::vector<SymbolHit>> symbolsNamedAny(
      std::span<const std::string> names, size_t limitPerName);
  std::vector<SymbolHit> symbolsInFile(std::string_view relPath);
  std::vector<RefHit> refsNamed(std::string_view name, size_t limit);
  std::vector<IndexedImport> importsOf(std::string_view relPath);
  // Every definition: id, name, kind, file (for the fuzzy symbol table).
  struct NameRow {
    int64_t id;
    std::string name;
    SymbolKind kind;
    std::string relPath;
  };
  std::vector<NameRow> allDefinitions();
  SymbolHit symbolById(int64_t id);
  // In the order of `ids`; unknown ids are left out. One query for all.
  std::vector<SymbolHit> symbolsByIds(std::span<const int64_t> ids);
  // (referencing file, referenced definition id) pairs resolved by name, for
  // ranking; capped per name to keep common names from dominating.
  struct Edge {
    int64_t fromFile;
    int64_t toSymbol;
    uint32_t count;
  };
  std::vector<Edge> referenceEdges();
  std::unordered_map<int64_t, std::string> filePaths();
  IndexStats stats();

 private:
  void openOrRecover(const std::string& workspaceRoot);
  void createSchema(const std::string& workspaceRoot);
  void check(const std::string& workspaceRoot);
  void migrate(int64_t fromVersion);

  std::string path_;
  std::string recovered_;
  std::mutex mu_;
  std::unique_ptr<sql::Database> db_;
  bool bulk_ = false;
};

}  // namespace sb
