// Internal to the engine: the state shared by Engine.cpp (documents) and
// EngineWorkspace.cpp (index queries).
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "Engine.h"
#include "protocol/Uri.h"

namespace sb {
namespace asio = boost::asio;
using Executor = asio::thread_pool::executor_type;

namespace engine_detail {

// One open document: its strand serialises edits; `latest` is what queries
// read once the strand has caught up.
struct OpenDocument {
  explicit OpenDocument(const Executor& ex) : strand(asio::make_strand(ex)), debounce(strand) {}
  asio::strand<Executor> strand;
  asio::steady_timer debounce;
  std::unique_ptr<Document> doc;  // touched only on the strand
  SnapshotPtr latest;             // touched only on the strand
  int indexedVersion = 1;         // the version the index last saw (open = on disk)
};

inline EngineError cancelled() {
  return {EngineError::Kind::Cancelled, "request cancelled"};
}

}  // namespace engine_detail
using namespace engine_detail;

struct Engine::State : std::enable_shared_from_this<Engine::State> {
  State(const Executor& ex, const EngineOptions& opts, DiagnosticsSink sink)
      : executor(ex), options(opts), onDiagnostics(std::move(sink)) {}
  Executor executor;
  EngineOptions options;
  DiagnosticsSink onDiagnostics;
  mutable std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<OpenDocument>> docs;
  std::vector<std::shared_ptr<WorkspaceIndex>> workspaces;  // guarded by mu
  std::unordered_map<std::string, CancelSource>
      completions;  // the running one per document; guarded by mu

  // The model and completion options, replaceable while requests run.
  std::pair<std::shared_ptr<agents::LlmRouter>, CompletionOptions> completionConfig() const {
    std::lock_guard lock(mu);
    return {options.llm, options.completion};
  }

  // The workspace holding `uri`, and the file's path relative to its root.
  std::pair<std::shared_ptr<WorkspaceIndex>, std::string> locate(const std::string& uri) const {
    auto path = fileUriToPath(uri);
    if (!path) return {};
    std::lock_guard lock(mu);
    for (const auto& w : workspaces) {
      std::string rel = w->relativePath(*path);
      if (!rel.empty()) return {w, rel};
    }
    return {};
  }

  // Runs `work()` on the pool, answering `done` unless cancelled first.
  template <class T, class Work>
  void run(const CancelToken& cancel, Callback<T> done, Work work) {
    asio::post(executor, [cancel, done = std::move(done), work = std::move(work)]() mutable {
      if (cancel.cancelled()) return done(cancelled());
      try {
        done(Result<T>(work()));
      } catch (const std::exception& e) {
        done(EngineError{EngineError::Kind::Internal, e.what()});
      }
    });
  }

  std::shared_ptr<OpenDocument> find(const std::string& uri) const {
    std::lock_guard lock(mu);
    auto it = docs.find(uri);
    return it == docs.end() ? nullptr : it->second;
  }

  void publish(const std::shared_ptr<OpenDocument>& d) {
    DiagnosticsSink sink;
    {
      std::lock_guard lock(mu);
      sink = onDiagnostics;
    }
    if (!d->latest) return;
    try {
      if (sink) sink(d->latest, syntaxDiagnostics(*d->latest));
    } catch (const std::exception& e) {
      spdlog::error("diagnostics for {} failed: {}", d->latest->uri(), e.what());
    }
    // Typing has paused: bring the index up to date with the buffer. A write
    // that fails (database locked, disk full) is tried again at the next pause.
    if (d->latest->version() > d->indexedVersion) {
      try {
        auto [index, rel] = locate(d->latest->uri());
        if (index) index->updateFromSnapshot(*d->latest, rel);
        d->indexedVersion = d->latest->version();
      } catch (const std::exception& e) {
        spdlog::error("updating the index with {} failed: {}", d->latest->uri(), e.what());
      }
    }
  }

  // Runs `work(snapshot)` on the pool once earlier edits to `uri` are applied.
  // Documents that are not open are read from disk for file:// URIs.
  template <class T, class Work>
  void query(const std::string& uri, const CancelToken& cancel, Callback<T> done, Work work) {
    // Computes on the pool, never on the strand, so edits are not held up.
    auto run = [self = shared_from_this(), cancel, done,
                work = std::move(work)](SnapshotPtr snap) mutable {
      asio::post(self->executor, [cancel, snap = std::move(snap), done = std::move(done),
                                  work = std::move(work)]() mutable {
        if (cancel.cancelled()) return done(cancelled());
        try {
          done(Result<T>(work(snap)));
        } catch (const std::exception& e) {
          done(EngineError{EngineError::Kind::Internal, e.what()});
        }
      });
    };
    if (auto d = find(uri)) {
      asio::post(d->strand, [d, run = std::move(run)]() mutable { run(d->latest); });
      return;
    }
    asio::post(executor, [self = shared_from_this(), uri, run = std::move(run),
                          done = std::move(done)]() mutable {
      auto snap = self->loadFromDisk(uri);
      if (!snap)
        return done(EngineError{EngineError::Kind::NotFound,
                                "document " + uri + " is not open and cannot be read"});
      run(std::move(snap));
    });
  }

  SnapshotPtr loadFromDisk(const std::string& uri) const {
    auto path = fileUriToPath(uri);
    if (!path) return nullptr;
    std::ifstream in(*path, std::ios::binary);
    if (!in) return nullptr;
    in.seekg(0, std::ios::end);
    if (static_cast<size_t>(in.tellg()) > options.parse.maxParseBytes * 4) return nullptr;
    in.seekg(0);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Document doc(uri, "", 0, std::move(text), options.parse);
    return doc.snapshot();
  }
};

}  // namespace sb
