// Completed responses in SQLite, keyed by (backend, model, hash of the full
// request as sent: URL and body, never headers). Only the completion text and
// finish reason are stored. Entries expire after a TTL; beyond maxEntries the
// oldest are evicted. A damaged cache file is set aside (renamed *.corrupt)
// and replaced by an empty one; a cache that still cannot be opened (locked,
// unwritable) logs once and stays off. Reads and writes that fail (another
// process holding the lock) log and are skipped: the request goes to the
// backend.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "agents/BackendConfig.h"
#include "agents/Llm.h"

struct sqlite3;

namespace sb::agents {

class ResponseCache {
 public:
  struct Entry {
    std::string text, finishReason;
  };

  explicit ResponseCache(CacheOptions options);
  ~ResponseCache();

  bool enabled() const { return db_ != nullptr; }
  // The rule for what may be cached, in one place: deterministic sampling
  // only (temperature <= maxTemperature), streamed requests only if allowed.
  bool cacheable(const LlmRequest& req) const;
  std::optional<Entry> get(const std::string& backend, const std::string& model,
                           const std::string& requestHash);
  void put(const std::string& backend, const std::string& model, const std::string& requestHash,
           const Entry& entry);

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  struct Failure {
    int code;  // SQLite's primary result code
    std::string message;
  };
  // Opens and prepares the file; on failure db_ is null.
  std::optional<Failure> open();
  std::optional<Failure> exec(const char* sql);

  CacheOptions options_;
  std::mutex mu_;
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace sb::agents
