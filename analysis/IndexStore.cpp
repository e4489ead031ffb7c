#include "analysis/IndexStore.h"

#include <chrono>
#include <filesystem>
#include <span>
#include <string>

namespace sb {
namespace {

constexpr int64_t kApplicationId = 1398227524;  // "SWBD"

constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  language TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  hash INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  indexed_at INTEGER NOT NULL);
CREATE TABLE symbols(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  container TEXT NOT NULL,
  signature TEXT NOT NULL,
  doc TEXT NOT NULL,
  start_line INTEGER, start_col INTEGER, start_col16 INTEGER,
  end_line INTEGER, end_col INTEGER, end_col16 INTEGER,
  name_line INTEGER, name_col INTEGER, name_col16 INTEGER,
  name_end_line INTEGER, name_end_col INTEGER, name_end_col16 INTEGER);
CREATE TABLE refs(
  file_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  line INTEGER, col INTEGER, col16 INTEGER,
  end_line INTEGER, end_col INTEGER, end_col16 INTEGER);
CREATE TABLE imports(file_id INTEGER NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL);
)sql";

// Secondary indexes, created apart from the tables: a cold build drops them
// and builds them once at the end, much faster than updating them per row.
constexpr std::string_view kIndexes = R"sql(
CREATE INDEX IF NOT EXISTS symbols_by_name ON symbols(name);
CREATE INDEX IF NOT EXISTS symbols_by_file ON symbols(file_id);
CREATE INDEX IF NOT EXISTS refs_by_name ON refs(name);
CREATE INDEX IF NOT EXISTS refs_by_file ON refs(file_id);
CREATE INDEX IF NOT EXISTS imports_by_file ON imports(file_id);
)sql";

constexpr std::string_view kSymbolColumns =
    "s.id, f.path, s.name, s.kind, s.container, s.signature, s.doc, "
    "s.start_line, s.start_col, s.start_col16, s.end_line, s.end_col, s.end_col16, "
    "s.name_line, s.name_col, s.name_col16, s.name_end_line, s.name_end_col, s.name_end_col16";

// A list for `IN (SELECT value FROM json_each(?))`: one statement serves any
// number of names or ids, bound as one JSON array.
std::string jsonArray(std::span<const int64_t> ids) {
  std::string out = "[";
  for (int64_t id : ids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(id);
  }
  return out + "]";
}

std::string jsonArray(std::span<const std::string> names) {
  std::string out = "[";
  for (const auto& name : names) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : name) {
      auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20) {
        constexpr char hex[] = "0123456789abcdef";
        out += "\\u00";
        out += hex[u >> 4];
        out += hex[u & 15];
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out + "]";
}

StoredPos readPos(const sql::Statement& st, int first) {
  return {static_cast<uint32_t>(st.integer(first)), static_cast<uint32_t>(st.integer(first + 1)),
          static_cast<uint32_t>(st.integer(first + 2))};
}

SymbolHit readSymbol(const sql::Statement& st) {
  SymbolHit h;
  h.id = st.integer(0);
  h.relPath = st.text(1);
  h.symbol.name = st.text(2);
  h.symbol.kind = static_cast<SymbolKind>(st.integer(3));
  h.symbol.container = st.text(4);
  h.symbol.signature = st.text(5);
  h.symbol.doc = st.text(6);
  h.symbol.start = readPos(st, 7);
  h.symbol.end = readPos(st, 10);
  h.symbol.nameStart = readPos(st, 13);
  h.symbol.nameEnd = readPos(st, 16);
  return h;
}

void bindPos(sql::Statement& st, int first, const StoredPos& p) {
  st.bind(first, int64_t{p.line})
      .bind(first + 1, int64_t{p.col8})
      .bind(first + 2, int64_t{p.col16});
}

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

uint64_t contentHash(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

IndexStore::IndexStore(const std::string& dbPath, const std::string& workspaceRoot)
    : path_(dbPath) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dbPath).parent_path(), ec);
  openOrRecover(workspaceRoot);
}

void IndexStore::openOrRecover(const std::string& workspaceRoot) {
  try {
    db_ = std::make_unique<sql::Database>(path_, false);
    check(workspaceRoot);
    return;
  } catch (const sql::SqliteError& e) {
    recovered_ =
        "index database " + path_ + " was unusable (" + e.what() + "); rebuilt from scratch";
  } catch (const std::runtime_error& e) {
    recovered_ = "index database " + path_ + " " + e.what() + "; rebuilt from scratch";
  }
  db_.reset();
  // Keep the bad file for inspection rather than deleting someone's data.
  std::error_code ec;
  std::filesystem::rename(path_, path_ + ".corrupt", ec);
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
  db_ = std::make_unique<sql::Database>(path_, false);
  check(workspaceRoot);
}

// Validates an existing database or initialises an empty one; throws on a
// foreign, damaged or incompatible file.
void IndexStore::check(const std::string& workspaceRoot) {
  auto scalar = [&](std::string_view q) {
    auto st = db_->prepare(q);
    return st.step() ? st.integer(0) : int64_t{0};
  };
  int64_t appId = scalar("PRAGMA application_id");  // fails with NOTADB on garbage
  int64_t tables = scalar("SELECT count(*) FROM sqlite_master");
  if (tables == 0 && appId == 0) return createSchema(workspaceRoot);
  if (appId != kApplicationId) throw std::runtime_error("belongs to another application");
  int64_t version = scalar("PRAGMA user_version");
  if (version > kSchemaVersion || version < 1)
    throw std::runtime_error("has schema version " + std::to_string(version) +
                             ", this build knows 1 to " + std::to_string(kSchemaVersion));
  migrate(version);
  auto st = db_->prepare("PRAGMA quick_check(1)");
  if (!st.step() || st.text(0) != "ok") throw std::runtime_error("failed its integrity check");
  db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16000;");
  // A bulk load interrupted by a crash leaves them missing.
  db_->exec(kIndexes);
}

// Schema migrations: kMigrations[i] takes version i + 1 to i + 2 (so it has
// kSchemaVersion - 1 entries). Each runs in
// its own transaction with the version bump, so a crash leaves a consistent
// database at one version or the next.
void IndexStore::migrate(int64_t from) {
  // No migrations yet: version 1 is the first schema.
  static const std::vector<std::string_view> kMigrations = {};
  for (int64_t v = from; v < kSchemaVersion; ++v) {
    sql::Transaction tx(*db_);
    db_->exec(kMigrations.at(static_cast<size_t>(v - 1)));
    db_->exec("PRAGMA user_version = " + std::to_string(v + 1));
    tx.commit();
  }
}

void IndexStore::createSchema(const std::string& workspaceRoot) {
  db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  sql::Transaction tx(*db_);
  db_->exec(kSchema);
  db_->exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  db_->exec(kIndexes);
  db_->exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
  db_->prepare("INSERT INTO meta(key, value) VALUES ('workspace', ?1)")
      .bind(1, workspaceRoot)
      .step();
  tx.commit();
}

void IndexStore::beginBulkLoad() {
  std::lock_guard lock(mu_);
  db_->exec(
      "DROP INDEX IF EXISTS symbols_by_name; DROP INDEX IF EXISTS symbols_by_file;"
      "DROP INDEX IF EXISTS refs_by_name; DROP INDEX IF EXISTS refs_by_file;"
      "DROP INDEX IF EXISTS imports_by_file;");
  bulk_ = true;
}

void IndexStore::endBulkLoad() {
  std::lock_guard lock(mu_);
  db_->exec(kIndexes);
  bulk_ = false;
}

std::unordered_map<std::string, FileStamp> IndexStore::stamps() {
  std::lock_guard lock(mu_);
  std::unordered_map<std::string, FileStamp> out;
  auto st = db_->prepare("SELECT path, size, mtime_ns, hash FROM files");
  while (st.step())
    out[st.text(0)] = {static_cast<uint64_t>(st.integer(1)), st.integer(2),
                       static_cast<uint64_t>(st.integer(3))};
  return out;
}

void IndexStore::write(std::span<const IndexedFile> files, std::span<const std::string> removed) {
  std::lock_guard lock(mu_);
  sql::Transaction tx(*db_);
  auto findId = db_->prepare("SELECT id FROM files WHERE path = ?1");
  auto delSymbols = db_->prepare("DELETE FROM symbols WHERE file_id = ?1");
  auto delRefs = db_->prepare("DELETE FROM refs WHERE file_id = ?1");
  auto delImports = db_->prepare("DELETE FROM imports WHERE file_id = ?1");
  auto delFile = db_->prepare("DELETE FROM files WHERE id = ?1");
  auto purge = [&](const std::string& relPath) {
    if (bulk_) return;  // a bulk load starts from an empty index
    findId.bind(1, relPath);
    if (findId.step()) {
      int64_t id = findId.integer(0);
      for (auto* st : {&delSymbols, &delRefs, &delImports, &delFile}) {
        st->bind(1, id);
        st->step();
        st->reset();
      }
    }
    findId.reset();
  };
  auto insFile = db_->prepare(
      "INSERT INTO files(path, language, size, mtime_ns, hash, lines, indexed_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  auto insSymbol = db_->prepare(
      "INSERT INTO symbols(file_id, name, kind, container, signature, doc, "
      "start_line, start_col, start_col16, end_line, end_col, end_col16, "
      "name_line, name_col, name_col16, name_end_line, name_end_col, name_end_col16) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
  auto insRef = db_->prepare(
      "INSERT INTO refs(file_id, name, kind, line, col, col16, end_line, end_col, end_col16) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  auto insImport = db_->prepare("INSERT INTO imports(file_id, path, line) VALUES (?1, ?2, ?3)");
  int64_t now = nowSeconds();
  for (const auto& path : removed) purge(path);
  for (const auto& f : files) {
    purge(f.relPath);
    insFile.bind(1, f.relPath)
        .bind(2, f.language)
        .bind(3, static_cast<int64_t>(f.size))
        .bind(4, f.mtimeNs)
        .bind(5, static_cast<int64_t>(f.hash))
        .bind(6, int64_t{f.lines})
        .bind(7, now);
    insFile.step();
    insFile.reset();
    int64_t fileId = db_->lastInsertId();
    for (const auto& s : f.symbols) {
      insSymbol.bind(1, fileId)
          .bind(2, s.name)
          .bind(3, int64_t{static_cast<int>(s.kind)})
          .bind(4, s.container)
          .bind(5, s.signature)
          .bind(6, s.doc);
      bindPos(insSymbol, 7, s.start);
      bindPos(insSymbol, 10, s.end);
      bindPos(insSymbol, 13, s.nameStart);
      bindPos(insSymbol, 16, s.nameEnd);
      insSymbol.step();
      insSymbol.reset();
    }
    for (const auto& r : f.refs) {
      insRef.bind(1, fileId).bind(2, r.name).bind(3, int64_t{static_cast<int>(r.kind)});
      bindPos(insRef, 4, r.start);
      bindPos(insRef, 7, r.end);
      insRef.step();
      insRef.reset();
    }
    for (const auto& imp : f.imports) {
      insImport.bind(1, fileId).bind(2, imp.path).bind(3, int64_t{imp.line});
      insImport.step();
      insImport.reset();
    }
  }
  tx.commit();
}

void IndexStore::touch(std::span<const IndexedFile> files) {
  std::lock_guard lock(mu_);
  sql::Transaction tx(*db_);
  auto st = db_->prepare("UPDATE files SET size = ?2, mtime_ns = ?3 WHERE path = ?1");
  for (const auto& f : files) {
    st.bind(1, f.relPath).bind(2, static_cast<int64_t>(f.size)).bind(3, f.mtimeNs);
    st.step();
    st.reset();
  }
  tx.commit();
}

std::vector<SymbolHit> IndexStore::symbolsNamed(std::string_view name, size_t limit) {
  std::lock_guard lock(mu_);
  auto st = db_->cached("SELECT " + std::string(kSymbolColumns) +
                        " FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.name = ?1 "
                        "ORDER BY f.path, s.start_line LIMIT ?2");
  st->bind(1, name).bind(2, static_cast<int64_t>(limit));
  std::vector<SymbolHit> out;
  while (st->step()) out.push_back(readSymbol(*st));
  return out;
}

std::vector<SymbolHit> IndexStore::symbolsInFile(std::string_view relPath) {
  std::lock_guard lock(mu_);
  auto st = db_->cached("SELECT " + std::string(kSymbolColumns) +
                        " FROM symbols s JOIN files f ON f.id = s.file_id WHERE f.path = ?1 "
                        "ORDER BY s.start_line, s.start_col");
  st->bind(1, relPath);
  std::vector<SymbolHit> out;
  while (st->step()) out.push_back(readSymbol(*st));
  return out;
}

std::unordered_map<std::string, std::vector<SymbolHit>> IndexStore::symbolsNamedAny(
    std::span<const std::string> names, size_t limitPerName) {
  std::unordered_map<std::string, std::vector<SymbolHit>> out;
  if (names.empty()) return out;
  std::lock_guard lock(mu_);
  auto st = db_->cached("SELECT * FROM (SELECT " + std::string(kSymbolColumns) +
                        ", row_number() OVER (PARTITION BY s.name ORDER BY f.path, s.start_line)"
                        " AS nth FROM symbols s JOIN files f ON f.id = s.file_id"
                        " WHERE s.name IN (SELECT value FROM json_each(?1)))"
                        " WHERE nth <= ?2 ORDER BY path, start_line");
  st->bind(1, jsonArray(names));
  st->bind(2, static_cast<int64_t>(limitPerName));
  while (st->step()) {
    SymbolHit h = readSymbol(*st);
    out[h.symbol.name].push_back(std::move(h));
  }
  return out;
}

SymbolHit IndexStore::symbolById(int64_t id) {
  std::lock_guard lock(mu_);
  auto st = db_->cached("SELECT " + std::string(kSymbolColumns) +
                        " FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.id = ?1");
  st->bind(1, id);
  if (!st->step()) return {};
  return readSymbol(*st);
}

std::vector<SymbolHit> IndexStore::symbolsByIds(std::span<const int64_t> ids) {
  if (ids.empty()) return {};
  const std::string list = jsonArray(ids);
  std::unordered_map<int64_t, SymbolHit> found;
  {
    std::lock_guard lock(mu_);
    auto st = db_->cached("SELECT " + std::string(kSymbolColumns) +
                          " FROM symbols s JOIN files f ON f.id = s.file_id "
                          "WHERE s.id IN (SELECT value FROM json_each(?1))");
    st->bind(1, list);
    while (st->step()) {
      SymbolHit h = readSymbol(*st);
      found.emplace(h.id, std::move(h));
    }
  }
  std::vector<SymbolHit> out;
  out.reserve(ids.size());
  for (int64_t id : ids)
    if (auto it = found.find(id); it != found.end()) out.push_back(std::move(it->second));
  return out;
}

std::vector<RefHit> IndexStore::refsNamed(std::string_view name, size_t limit) {
  std::lock_guard lock(mu_);
  auto st = db_->cached(
      "SELECT f.path, r.name, r.kind, r.line, r.col, r.col16, r.end_line, r.end_col, r.end_col16 "
      "FROM refs r JOIN files f ON f.id = r.file_id WHERE r.name = ?1 "
      "ORDER BY f.path, r.line, r.col LIMIT ?2");
  st->bind(1, name).bind(2, static_cast<int64_t>(limit));
  std::vector<RefHit> out;
  while (st->step()) {
    RefHit h;
    h.relPath = st->text(0);
    h.ref.name = st->text(1);
    h.ref.kind = static_cast<SymbolKind>(st->integer(2));
    h.ref.start = readPos(*st, 3);
    h.ref.end = readPos(*st, 6);
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<IndexedImport> IndexStore::importsOf(std::string_view relPath) {
  std::lock_guard lock(mu_);
  auto st = db_->cached(
      "SELECT i.path, i.line FROM imports i JOIN files f ON f.id = i.file_id WHERE f.path = ?1 "
      "ORDER BY i.line");
  st->bind(1, relPath);
  std::vector<IndexedImport> out;
  while (st->step()) out.push_back({st->text(0), static_cast<uint32_t>(st->integer(1))});
  return out;
}

std::vector<IndexStore::NameRow> IndexStore::allDefinitions() {
  std::lock_guard lock(mu_);
  auto st = db_->cached(
      "SELECT s.id, s.name, s.kind, f.path FROM symbols s JOIN files f ON f.id = s.file_id");
  std::vector<NameRow> out;
  while (st->step())
    out.push_back(
        {st->integer(0), st->text(1), static_cast<SymbolKind>(st->integer(2)), st->text(3)});
  return out;
}

std::vector<IndexStore::Edge> IndexStore::referenceEdges() {
  std::lock_guard lock(mu_);
  // Only named, top-level kinds of things (types, functions, methods,
  // constants) make a map; a name defined in many places says little about
  // any one of them, and very short names are mostly locals.
  auto st = db_->cached(
      "WITH defs AS (SELECT name, count(*) AS n FROM symbols "
      "              WHERE kind IN (2, 3, 5, 6, 9, 10, 11, 12, 14, 23, 26) AND length(name) >= 3 "
      "              GROUP BY name HAVING n <= 8) "
      "SELECT r.file_id, s.id, count(*) FROM refs r "
      "JOIN defs d ON d.name = r.name JOIN symbols s ON s.name = r.name "
      "WHERE s.file_id != r.file_id AND s.kind IN (2, 3, 5, 6, 9, 10, 11, 12, 14, 23, 26) "
      "GROUP BY r.file_id, s.id");
  std::vector<Edge> out;
  while (st->step())
    out.push_back({st->integer(0), st->integer(1), static_cast<uint32_t>(st->integer(2))});
  return out;
}

std::unordered_map<int64_t, std::string> IndexStore::filePaths() {
  std::lock_guard lock(mu_);
  auto st = db_->cached("SELECT id, path FROM files");
  std::unordered_map<int64_t, std::string> out;
  while (st->step()) out[st->integer(0)] = st->text(1);
  return out;
}

IndexStats IndexStore::stats() {
  std::lock_guard lock(mu_);
  IndexStats s;
  auto count = [&](std::string_view q) {
    auto st = db_->cached(q);
    return st->step() ? static_cast<size_t>(st->integer(0)) : size_t{0};
  };
  s.files = count("SELECT count(*) FROM files");
  s.lines = count("SELECT coalesce(sum(lines), 0) FROM files");
  s.symbols = count("SELECT count(*) FROM symbols");
  s.refs = count("SELECT count(*) FROM refs");
  return s;
}

}  // namespace sb
