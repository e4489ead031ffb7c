// One workspace's code index: keeps its IndexStore current and answers the
// questions editors and models ask of it (symbol search, definitions,
// references, a ranked repository map). Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/Indexer.h"
#include "analysis/SymbolNameTable.h"

namespace sb {

struct RepoMapOptions {
  size_t tokenBudget = 1024;
  std::vector<std::string> focusFiles;  // relative paths left out (already in context)
};

class WorkspaceIndex {
 public:
  // `root` must exist; `dbPath` is created if needed (see defaultIndexPath).
  WorkspaceIndex(const std::string& root, const std::string& dbPath, IndexerOptions options = {});

  const std::string& root() const { return root_; }
  const std::string& recoveredNote() const { return store_.recovered(); }
  IndexStore& store() { return store_; }

  IndexReport refresh(const ProgressFn& progress = {}, const CancelToken& cancel = {});
  // An open document's current text replaces the file's rows.
  void updateFromSnapshot(const DocumentSnapshot& doc, const std::string& relPath);
  // Files changed, created or deleted on disk (absolute paths).
  void updatePaths(const std::vector<std::string>& absolutePaths);

  // Relative path of an absolute one inside the workspace, or "".
  std::string relativePath(std::string_view absolutePath) const;
  std::string absolutePath(std::string_view relPath) const;

  // Ranked: exact > prefix > substring > fuzzy; open files, then nearby files,
  // then types and functions before variables.
  std::vector<SymbolHit> searchSymbols(std::string_view query, size_t limit,
                                       const SymbolSearchHints& hints = {});
  // Definitions of `name` as seen from `fromRelPath`: same file first, then
  // files it imports, then its directory, then the rest.
  std::vector<SymbolHit> definitions(std::string_view name, const std::string& fromRelPath,
                                     size_t limit = 20);
  // definitions() for many names at once (one query): name -> definitions;
  // names with none are absent.
  std::unordered_map<std::string, std::vector<SymbolHit>> definitionsOfEach(
      std::span<const std::string> names, const std::string& fromRelPath, size_t limit = 20);
  std::vector<RefHit> references(std::string_view name, size_t limit = 1000);
  std::string repoMap(const RepoMapOptions& options);
  // The map if it is already rendered for these options, without computing
  // it (for latency-critical callers such as completion).
  std::optional<std::string> cachedRepoMap(const RepoMapOptions& options);
  IndexStats stats() { return store_.stats(); }

 private:
  // Edits to open buffers change names but barely move the global ranking:
  // they keep the rendered maps; refreshes from disk drop them.
  void markDirty(bool rankingToo = true);
  std::string renderRepoMap(const RepoMapOptions& options);
  void rebuildNamesIfDirty();

  std::string root_;
  IndexerOptions options_;
  IndexStore store_;
  std::mutex namesMu_;
  bool namesDirty_ = true;
  SymbolNameTable names_;
  // Rendered maps by (budget, focus): ranking is global, so it only changes
  // when the index does.
  std::map<std::string, std::string> repoMaps_;
};

// $XDG_CACHE_HOME/switchboard/index/<name>-<hash of root>.sqlite
std::string defaultIndexPath(const std::string& root);

}  // namespace sb
