// Completed responses in SQLite, keyed by (backend, model, hash of the full
// request as sent: URL and body, never headers). Only the completion text and
// finish reason are stored. Entries expire after a TTL; beyond maxEntries the
// oldest are evicted. A cache that cannot be opened logs once and stays off.
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
  bool exec(const char* sql);

  CacheOptions options_;
  std::mutex mu_;
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace sb::agents
