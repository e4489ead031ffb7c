#include "IndexCommands.h"

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace sb {
namespace {

// Refreshes the index, drawing progress on stderr (one updating line on a
// terminal, a line every few seconds otherwise).
IndexReport refreshWithProgress(WorkspaceRegistry& registry,
                                const std::shared_ptr<WorkspaceIndex>& index, bool show = true) {
  bool tty = ::isatty(2);
  std::mutex mu;
  std::condition_variable cv;
  std::optional<IndexReport> result;
  auto last = std::chrono::steady_clock::now();
  WorkspaceRegistry::RefreshListener listener;
  listener.progress = [&](const IndexProgress& p) {
    if (!show || p.total == 0) return;
    auto now = std::chrono::steady_clock::now();
    if (p.done != p.total && now - last < std::chrono::milliseconds(tty ? 100 : 2000)) return;
    last = now;
    if (tty)
      std::fprintf(stderr, "\rindexing: %zu/%zu files", p.done, p.total);
    else
      std::fprintf(stderr, "indexing: %zu/%zu files\n", p.done, p.total);
  };
  listener.done = [&](const IndexReport& r) {
    std::lock_guard lock(mu);
    result = r;
    cv.notify_all();
  };
  registry.refresh(index, std::move(listener));
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return result.has_value(); });
  if (tty && show && result->parsed + result->skipped > 0) std::fprintf(stderr, "\n");
  return *result;
}

std::shared_ptr<WorkspaceIndex> openIndex(WorkspaceRegistry& registry, const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::cerr << "switchboard: " << dir << " is not a directory\n";
    return nullptr;
  }
  try {
    return registry.open(dir);
  } catch (const std::exception& e) {
    std::cerr << "switchboard: cannot open the index for " << dir << ": " << e.what() << "\n";
    return nullptr;
  }
}

}  // namespace

int runIndexCommand(WorkspaceRegistry& registry, const std::string& dir) {
  auto index = openIndex(registry, dir);
  if (!index) return 2;
  if (!index->recoveredNote().empty())
    std::cerr << "switchboard: " << index->recoveredNote() << "\n";
  IndexReport r = refreshWithProgress(registry, index);
  bool failed = false;
  for (const auto& note : r.notes) {
    std::cerr << "  " << note << "\n";
    failed |= note.rfind("indexing failed", 0) == 0;
  }
  // (The database is locked, the disk full, ...: what was committed before stays.)
  if (failed) return 1;
  IndexStats stats = index->stats();
  std::printf(
      "%s: %zu files scanned, %zu indexed (%zu lines), %zu unchanged, %zu removed, %zu skipped in "
      "%.2f s\n",
      index->root().c_str(), r.scanned, r.parsed, r.lines, r.unchanged, r.removed, r.skipped,
      r.seconds);
  std::printf("index: %zu files, %zu lines, %zu definitions, %zu references at %s\n", stats.files,
              stats.lines, stats.symbols, stats.refs, index->store().path().c_str());
  return 0;
}

int runFindCommand(WorkspaceRegistry& registry, const std::string& dir, const std::string& query,
                   size_t limit) {
  auto index = openIndex(registry, dir);
  if (!index) return 2;
  refreshWithProgress(registry, index, false);
  auto hits = index->searchSymbols(query, limit);
  for (const auto& h : hits) {
    std::printf("%s:%u:%u: %s %s%s%s\n", h.relPath.c_str(), h.symbol.nameStart.line + 1,
                h.symbol.nameStart.col8 + 1, std::string(symbolKindName(h.symbol.kind)).c_str(),
                h.symbol.container.empty() ? "" : (h.symbol.container + "::").c_str(),
                h.symbol.name.c_str(),
                h.symbol.signature.empty() ? "" : ("  " + h.symbol.signature).c_str());
  }
  return hits.empty() ? 1 : 0;
}

int runRepoMapCommand(WorkspaceRegistry& registry, const std::string& dir, size_t tokens) {
  auto index = openIndex(registry, dir);
  if (!index) return 2;
  refreshWithProgress(registry, index, false);
  RepoMapOptions options;
  options.tokenBudget = tokens;
  std::cout << index->repoMap(options);
  return 0;
}

}  // namespace sb
