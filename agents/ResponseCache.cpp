#include "agents/ResponseCache.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>

namespace sb::agents {

namespace {

struct Finalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, Finalizer>;

Stmt prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    spdlog::warn("llm cache: {}", sqlite3_errmsg(db));
    return nullptr;
  }
  return Stmt(s);
}

void bindText(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

int64_t nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string column(sqlite3_stmt* s, int i) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

}  // namespace

void ResponseCache::Closer::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

ResponseCache::ResponseCache(CacheOptions options) : options_(std::move(options)) {
  if (options_.path.empty()) return;
  std::error_code ec;
  auto parent = std::filesystem::path(options_.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(options_.path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    spdlog::warn("llm cache disabled: cannot open {}: {}", options_.path,
                 raw ? sqlite3_errmsg(raw) : "out of memory");
    db_.reset();
    return;
  }
  sqlite3_busy_timeout(db_.get(), 1000);
  if (!exec("PRAGMA journal_mode=WAL") ||
      !exec("CREATE TABLE IF NOT EXISTS responses(backend TEXT NOT NULL, model TEXT NOT NULL, hash "
            "TEXT NOT NULL,"
            " text TEXT NOT NULL, finish_reason TEXT NOT NULL, created INTEGER NOT NULL,"
            " PRIMARY KEY(backend, model, hash))") ||
      !exec("CREATE INDEX IF NOT EXISTS responses_created ON responses(created)")) {
    db_.reset();
  }
}

ResponseCache::~ResponseCache() = default;

bool ResponseCache::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err) == SQLITE_OK) return true;
  spdlog::warn("llm cache disabled: {}", err ? err : "error");
  sqlite3_free(err);
  return false;
}

bool ResponseCache::cacheable(const LlmRequest& req) const {
  return enabled() && req.tools.empty() && req.temperature <= options_.maxTemperature &&
         (!req.stream || options_.cacheStreamed);
}

std::optional<ResponseCache::Entry> ResponseCache::get(const std::string& backend,
                                                       const std::string& model,
                                                       const std::string& requestHash) {
  std::lock_guard lock(mu_);
  if (!db_) return std::nullopt;
  Stmt s = prepare(db_.get(),
                   "SELECT text, finish_reason FROM responses WHERE backend=?1 AND model=?2 AND "
                   "hash=?3 AND created>=?4");
  if (!s) return std::nullopt;
  bindText(s.get(), 1, backend);
  bindText(s.get(), 2, model);
  bindText(s.get(), 3, requestHash);
  sqlite3_bind_int64(s.get(), 4, nowMs() - options_.ttl.count());
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  return Entry{column(s.get(), 0), column(s.get(), 1)};
}

void ResponseCache::put(const std::string& backend, const std::string& model,
                        const std::string& requestHash, const Entry& entry) {
  std::lock_guard lock(mu_);
  if (!db_) return;
  Stmt s = prepare(db_.get(), "INSERT OR REPLACE INTO responses VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!s) return;
  bindText(s.get(), 1, backend);
  bindText(s.get(), 2, model);
  bindText(s.get(), 3, requestHash);
  bindText(s.get(), 4, entry.text);
  bindText(s.get(), 5, entry.finishReason);
  int64_t now = nowMs();
  sqlite3_bind_int64(s.get(), 6, now);
  if (sqlite3_step(s.get()) != SQLITE_DONE)
    spdlog::warn("llm cache: {}", sqlite3_errmsg(db_.get()));
  // Expired rows, then the oldest beyond the cap.
  Stmt expire = prepare(db_.get(), "DELETE FROM responses WHERE created<?1");
  if (expire) {
    sqlite3_bind_int64(expire.get(), 1, now - options_.ttl.count());
    sqlite3_step(expire.get());
  }
  Stmt evict = prepare(
      db_.get(),
      "DELETE FROM responses WHERE rowid IN"
      " (SELECT rowid FROM responses ORDER BY created DESC, rowid DESC LIMIT -1 OFFSET ?1)");
  if (evict) {
    sqlite3_bind_int64(evict.get(), 1, options_.maxEntries);
    sqlite3_step(evict.get());
  }
}

}  // namespace sb::agents
