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
  auto failed = open();
  if (failed && (failed->code == SQLITE_CORRUPT || failed->code == SQLITE_NOTADB)) {
    // Only cached answers are lost; keep the file for inspection anyway.
    const std::string aside = options_.path + ".corrupt";
    std::filesystem::rename(options_.path, aside, ec);
    for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(options_.path + suffix, ec);
    spdlog::warn("llm cache {} was unusable ({}); set aside as {}, starting empty", options_.path,
                 failed->message, aside);
    failed = open();
  }
  if (failed) spdlog::warn("llm cache disabled: {}: {}", options_.path, failed->message);
}

std::optional<ResponseCache::Failure> ResponseCache::open() {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(options_.path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    Failure f{rc & 0xff, raw ? sqlite3_errmsg(raw) : "out of memory"};
    db_.reset();
    return f;
  }
  // Short: a cache write runs on the way to the caller, and another process
  // holding the lock means one entry not written, not a slow completion.
  sqlite3_busy_timeout(db_.get(), 100);
  std::optional<Failure> failed = exec("PRAGMA journal_mode=WAL");
  if (!failed)
    failed = exec(
        "CREATE TABLE IF NOT EXISTS responses(backend TEXT NOT NULL, model TEXT NOT NULL, hash "
        "TEXT NOT NULL, text TEXT NOT NULL, finish_reason TEXT NOT NULL, created INTEGER NOT NULL,"
        " PRIMARY KEY(backend, model, hash))");
  if (!failed) failed = exec("CREATE INDEX IF NOT EXISTS responses_created ON responses(created)");
  if (!failed) {
    // Damage past the header shows only when the pages are read.
    Stmt check = prepare(db_.get(), "PRAGMA quick_check(1)");
    if (!check || sqlite3_step(check.get()) != SQLITE_ROW || column(check.get(), 0) != "ok")
      failed = Failure{SQLITE_CORRUPT, "failed its integrity check"};
  }
  if (failed) db_.reset();
  return failed;
}

ResponseCache::~ResponseCache() = default;

std::optional<ResponseCache::Failure> ResponseCache::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err) == SQLITE_OK) return std::nullopt;
  Failure f{sqlite3_errcode(db_.get()) & 0xff, err ? err : sqlite3_errmsg(db_.get())};
  sqlite3_free(err);
  return f;
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
  int rc = sqlite3_step(s.get());
  if (rc == SQLITE_ROW) return Entry{column(s.get(), 0), column(s.get(), 1)};
  if (rc != SQLITE_DONE) spdlog::warn("llm cache: lookup skipped: {}", sqlite3_errmsg(db_.get()));
  return std::nullopt;
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
  if (sqlite3_step(s.get()) != SQLITE_DONE) {
    spdlog::warn("llm cache: entry not written: {}", sqlite3_errmsg(db_.get()));
    return;  // the clean-ups below would fail the same way
  }
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
