#include "WorkspaceRegistry.h"

#include <filesystem>

#include <spdlog/spdlog.h>

namespace sb {

WorkspaceRegistry::~WorkspaceRegistry() {
  stopping_.cancel();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

std::shared_ptr<WorkspaceIndex> WorkspaceRegistry::open(const std::string& root) {
  std::string canonical = std::filesystem::weakly_canonical(root).string();
  std::lock_guard lock(mu_);
  if (auto it = indexes_.find(canonical); it != indexes_.end())
    if (auto existing = it->second.lock()) return existing;
  std::string db = defaultIndexPath(canonical);
  if (!options_.indexDir.empty())
    db = (std::filesystem::path(options_.indexDir) / std::filesystem::path(db).filename()).string();
  auto index = std::make_shared<WorkspaceIndex>(canonical, db, options_.indexer);
  if (!index->recoveredNote().empty()) spdlog::warn("{}", index->recoveredNote());
  spdlog::info("workspace {}: index at {}", canonical, db);
  indexes_[canonical] = index;
  return index;
}

void WorkspaceRegistry::refresh(const std::shared_ptr<WorkspaceIndex>& index,
                                RefreshListener listener) {
  std::lock_guard lock(mu_);
  enqueueLocked(index, std::move(listener));
}

void WorkspaceRegistry::refreshOnce(const std::shared_ptr<WorkspaceIndex>& index) {
  std::lock_guard lock(mu_);
  if (auto it = jobs_.find(index.get()); it != jobs_.end() && it->second.owner.lock() == index)
    return;
  enqueueLocked(index, {});
}

void WorkspaceRegistry::enqueueLocked(const std::shared_ptr<WorkspaceIndex>& index,
                                      RefreshListener listener) {
  Job& job = jobs_[index.get()];
  if (job.owner.lock() != index) {
    job = Job{};
    job.owner = index;
  }
  job.listeners.push_back(std::move(listener));
  if (job.running) {
    job.again = true;
    return;
  }
  job.running = true;
  threads_.emplace_back([this, index] { run(index); });
}

bool WorkspaceRegistry::refreshing(const std::shared_ptr<WorkspaceIndex>& index) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(index.get());
  return it != jobs_.end() && it->second.running;
}

std::vector<std::pair<std::string, bool>> WorkspaceRegistry::activity() {
  std::vector<std::pair<std::string, bool>> out;
  std::vector<std::shared_ptr<WorkspaceIndex>> held;  // released after the lock
  std::lock_guard lock(mu_);
  for (auto& [root, weak] : indexes_) {
    auto index = weak.lock();
    if (!index) continue;
    auto it = jobs_.find(index.get());
    out.emplace_back(root, it != jobs_.end() && it->second.running);
    held.push_back(std::move(index));
  }
  return out;
}

void WorkspaceRegistry::run(const std::shared_ptr<WorkspaceIndex>& index) {
  for (;;) {
    std::vector<RefreshListener> listeners;
    {
      std::lock_guard lock(mu_);
      Job& job = jobs_[index.get()];
      listeners.swap(job.listeners);
      job.again = false;
    }
    IndexReport report;
    try {
      report = index->refresh(
          [&](const IndexProgress& p) {
            for (auto& l : listeners)
              if (l.progress) l.progress(p);
          },
          stopping_.token());
      spdlog::info("workspace {}: {} files, {} indexed, {} unchanged, {} removed in {:.2f} s",
                   index->root(), report.scanned, report.parsed, report.unchanged, report.removed,
                   report.seconds);
      for (const auto& note : report.notes) spdlog::debug("index: {}", note);
    } catch (const std::exception& e) {
      spdlog::error("indexing {} failed: {}", index->root(), e.what());
      report.notes.push_back(std::string("indexing failed: ") + e.what());
    }
    // The job stops counting as running before anyone hears it is done, so
    // a listener asking refreshing() (a status bar) sees the end.
    bool again = false;
    std::vector<RefreshListener> late;  // only when stopping with a pass queued
    {
      std::lock_guard lock(mu_);
      Job& job = jobs_[index.get()];
      again = job.again && !stopping_.token().cancelled();
      if (!again) {
        job.running = false;
        late.swap(job.listeners);
      }
    }
    for (auto& l : listeners)
      if (l.done) l.done(report);
    for (auto& l : late)
      if (l.done) l.done(report);
    if (!again) return;
  }
}

}  // namespace sb
