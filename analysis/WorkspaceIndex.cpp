#include "analysis/WorkspaceIndex.h"
#include "analysis/FileText.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace sb {
namespace fs = std::filesystem;

namespace {

std::string dirOf(std::string_view rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(rel.substr(0, slash));
}

// Does import spec `imp` (e.g. "foo/bar.h", "pkg.mod", "./util") plausibly name `rel`?
bool importNames(std::string_view imp, std::string_view rel) {
  std::string spec(imp);
  while (!spec.empty() && (spec.front() == '.' || spec.front() == '/')) spec.erase(0, 1);
  if (spec.empty()) return false;
  std::string path = spec;
  std::replace(path.begin(), path.end(), '.', '/');
  std::replace(path.begin(), path.end(), ':', '/');
  std::string relNoExt(rel.substr(0, rel.rfind('.')));
  auto endsWith = [](std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix &&
           (s.size() == suffix.size() || s[s.size() - suffix.size() - 1] == '/');
  };
  return endsWith(rel, spec) || endsWith(relNoExt, path) || endsWith(relNoExt, spec) ||
         endsWith(dirOf(rel), path);
}

}  // namespace

std::string defaultIndexPath(const std::string& root) {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".cache";
  std::string name = fs::path(root).filename().string();
  if (name.empty()) name = "root";
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(contentHash(root)));
  return (base / "switchboard" / "index" / (name + "-" + hash + ".sqlite")).string();
}

WorkspaceIndex::WorkspaceIndex(const std::string& root, const std::string& dbPath,
                               IndexerOptions options)
    : root_(fs::weakly_canonical(root).string()),
      options_(std::move(options)),
      store_(dbPath, root_) {}

void WorkspaceIndex::markDirty(bool rankingToo) {
  std::lock_guard lock(namesMu_);
  namesDirty_ = true;
  if (rankingToo) repoMaps_.clear();
}

std::optional<std::string> WorkspaceIndex::cachedRepoMap(const RepoMapOptions& options) {
  std::string key = std::to_string(options.tokenBudget);
  for (const auto& f : options.focusFiles) key += "\n" + f;
  std::lock_guard lock(namesMu_);
  if (auto it = repoMaps_.find(key); it != repoMaps_.end()) return it->second;
  return std::nullopt;
}

IndexReport WorkspaceIndex::refresh(const ProgressFn& progress, const CancelToken& cancel) {
  IndexReport r = updateIndex(store_, root_, options_, progress, cancel);
  if (!r.changedPaths.empty()) markDirty();
  return r;
}

void WorkspaceIndex::updateFromSnapshot(const DocumentSnapshot& doc, const std::string& relPath) {
  if (!doc.hasTree()) return;
  IndexedFile f = indexSnapshot(doc, relPath);
  // The buffer may differ from the disk: a stamp that can never match makes
  // the next refresh compare the file's content hash again.
  f.mtimeNs = -1;
  store_.write({&f, 1}, {});
  markDirty(false);
}

void WorkspaceIndex::updatePaths(const std::vector<std::string>& absolutePaths) {
  std::vector<IndexedFile> files;
  std::vector<std::string> removed;
  for (const auto& abs : absolutePaths) {
    std::string rel = relativePath(abs);
    if (rel.empty()) continue;
    std::error_code ec;
    if (!fs::is_regular_file(abs, ec)) {
      removed.push_back(rel);
      continue;
    }
    std::string inside = resolveInside(root_, abs);
    if (inside.empty() || !languageForPath(rel)) continue;
    std::string text = readFileText(inside).value_or(std::string());
    IndexedFile f;
    std::string why;
    if (!indexText(rel, "file://" + inside, std::move(text), options_.parse, f, why)) {
      removed.push_back(rel);
      continue;
    }
    struct stat st {};
    // Same clock as the scanner's stamps, so the next refresh sees no change.
    f.mtimeNs = ::stat(inside.c_str(), &st) != 0
                    ? -1
                    : static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    files.push_back(std::move(f));
  }
  if (files.empty() && removed.empty()) return;
  store_.write(files, removed);
  markDirty();
}

std::string WorkspaceIndex::relativePath(std::string_view absolutePath) const {
  if (absolutePath.size() <= root_.size() || absolutePath.substr(0, root_.size()) != root_ ||
      absolutePath[root_.size()] != '/')
    return {};
  std::string rel(absolutePath.substr(root_.size() + 1));
  // Refuse anything that climbs back out.
  if (rel == ".." || rel.rfind("../", 0) == 0 || rel.find("/../") != std::string::npos) return {};
  return rel;
}

std::string WorkspaceIndex::absolutePath(std::string_view relPath) const {
  return root_ + "/" + std::string(relPath);
}

void WorkspaceIndex::rebuildNamesIfDirty() {
  // Called with namesMu_ held.
  if (!namesDirty_) return;
  names_.build(store_.allDefinitions());
  namesDirty_ = false;
}

std::vector<SymbolHit> WorkspaceIndex::searchSymbols(std::string_view query, size_t limit,
                                                     const SymbolSearchHints& hints) {
  std::vector<int64_t> ids;
  {
    std::lock_guard lock(namesMu_);
    rebuildNamesIfDirty();
    ids = names_.search(query, limit, hints);
  }
  return store_.symbolsByIds(ids);
}

// Same file first, then files it imports, then its directory, then the rest;
// when the best tier is the file itself or an import, the farther ones are
// noise and go.
static std::vector<SymbolHit> rankDefinitions(std::vector<SymbolHit> all,
                                              const std::string& fromRelPath,
                                              const std::vector<IndexedImport>& imports,
                                              size_t limit) {
  std::string fromDir = dirOf(fromRelPath);
  auto rank = [&](const SymbolHit& h) {
    if (h.relPath == fromRelPath) return 0;
    for (const auto& imp : imports)
      if (importNames(imp.path, h.relPath)) return 1;
    if (dirOf(h.relPath) == fromDir) return 2;
    return 3;
  };
  std::stable_sort(all.begin(), all.end(),
                   [&](const SymbolHit& a, const SymbolHit& b) { return rank(a) < rank(b); });
  int best = rank(all.front());
  if (best <= 1) {
    auto cut =
        std::find_if(all.begin(), all.end(), [&](const SymbolHit& h) { return rank(h) > best; });
    all.erase(cut, all.end());
  }
  if (all.size() > limit) all.resize(limit);
  return all;
}

std::vector<SymbolHit> WorkspaceIndex::definitions(std::string_view name,
                                                   const std::string& fromRelPath, size_t limit) {
  std::vector<SymbolHit> all = store_.symbolsNamed(name, 500);
  if (all.size() <= 1) return all;
  return rankDefinitions(std::move(all), fromRelPath, store_.importsOf(fromRelPath), limit);
}

std::unordered_map<std::string, std::vector<SymbolHit>> WorkspaceIndex::definitionsOfEach(
    std::span<const std::string> names, const std::string& fromRelPath, size_t limit) {
  auto found = store_.symbolsNamedAny(names, 500);
  std::optional<std::vector<IndexedImport>> imports;  // read once, only if some name needs ranking
  for (auto& [name, hits] : found) {
    if (hits.size() <= 1) continue;
    if (!imports) imports = store_.importsOf(fromRelPath);
    hits = rankDefinitions(std::move(hits), fromRelPath, *imports, limit);
  }
  return found;
}

std::vector<RefHit> WorkspaceIndex::references(std::string_view name, size_t limit) {
  return store_.refsNamed(name, limit);
}

std::string WorkspaceIndex::repoMap(const RepoMapOptions& options) {
  std::string key = std::to_string(options.tokenBudget);
  for (const auto& f : options.focusFiles) key += "\n" + f;
  {
    std::lock_guard lock(namesMu_);
    if (auto it = repoMaps_.find(key); it != repoMaps_.end()) return it->second;
  }
  std::string map = renderRepoMap(options);
  std::lock_guard lock(namesMu_);
  if (repoMaps_.size() > 64) repoMaps_.clear();
  repoMaps_[key] = map;
  return map;
}

std::string WorkspaceIndex::renderRepoMap(const RepoMapOptions& options) {
  // PageRank over files, edges from a referencing file to the file defining
  // the referenced name; a definition's score is the rank flowing into it.
  auto paths = store_.filePaths();
  auto edges = store_.referenceEdges();
  std::unordered_map<int64_t, size_t> fileIndex;
  std::vector<int64_t> fileIds;
  for (const auto& [id, p] : paths) {
    fileIndex[id] = fileIds.size();
    fileIds.push_back(id);
  }
  std::unordered_map<int64_t, SymbolHit> symbolCache;
  auto symbolFile = [&](int64_t sid) -> const SymbolHit& {
    auto it = symbolCache.find(sid);
    if (it == symbolCache.end()) it = symbolCache.emplace(sid, store_.symbolById(sid)).first;
    return it->second;
  };
  struct FileEdge {
    size_t from, to;
    double w;
  };
  std::vector<FileEdge> fileEdges;
  std::unordered_map<std::string, size_t> pathIndex;
  for (const auto& [id, p] : paths) pathIndex[p] = fileIndex[id];
  std::vector<double> outWeight(fileIds.size(), 0);
  // Name-based edges are only as good as the name: a long distinctive name
  // (parseHeaders, workspace_root) almost surely means that definition; a
  // short one defined in several files (get, reset) could be anything.
  std::unordered_map<std::string, std::unordered_set<std::string>> definedIn;
  for (const auto& e : edges) {
    const SymbolHit& s = symbolFile(e.toSymbol);
    definedIn[s.symbol.name].insert(s.relPath);
  }
  auto nameWeight = [&](const std::string& name) {
    double w = 1.0;
    bool mixed = name.find('_') != std::string::npos ||
                 std::any_of(name.begin() + 1, name.end(),
                             [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
    if (name.size() >= 8 && mixed) w *= 10;
    if (name.front() == '_') w *= 0.1;
    if (definedIn[name].size() > 1) w /= static_cast<double>(definedIn[name].size() * 3);
    return w;
  };
  std::vector<double> edgeWeight(edges.size(), 0);
  for (size_t i = 0; i < edges.size(); ++i) {
    const auto& e = edges[i];
    const SymbolHit& s = symbolFile(e.toSymbol);
    auto to = pathIndex.find(s.relPath);
    auto from = fileIndex.find(e.fromFile);
    if (to == pathIndex.end() || from == fileIndex.end() || s.symbol.name.empty()) continue;
    double w = std::sqrt(static_cast<double>(e.count)) * nameWeight(s.symbol.name);
    edgeWeight[i] = w;
    fileEdges.push_back({from->second, to->second, w});
    outWeight[from->second] += w;
  }
  size_t n = fileIds.size();
  if (n == 0) return "";
  const auto files = static_cast<double>(n);
  std::vector<double> rank(n, 1.0 / files), next(n);
  for (int iter = 0; iter < 30; ++iter) {
    double dangling = 0;
    for (size_t i = 0; i < n; ++i)
      if (outWeight[i] == 0) dangling += rank[i];
    std::fill(next.begin(), next.end(), (0.15 + 0.85 * dangling) / files);
    for (const auto& e : fileEdges) next[e.to] += 0.85 * rank[e.from] * e.w / outWeight[e.from];
    rank.swap(next);
  }
  // Symbol scores: rank flowing along each edge into that definition.
  std::unordered_map<int64_t, double> symbolScore;
  for (size_t i = 0; i < edges.size(); ++i) {
    const auto& e = edges[i];
    auto from = fileIndex.find(e.fromFile);
    if (from == fileIndex.end() || outWeight[from->second] == 0) continue;
    symbolScore[e.toSymbol] += rank[from->second] * edgeWeight[i] / outWeight[from->second];
  }
  std::vector<std::pair<double, int64_t>> ordered;
  ordered.reserve(symbolScore.size());
  for (const auto& [sid, score] : symbolScore) ordered.push_back({score, sid});
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  // Files with no referenced symbol still count through their own rank.
  std::unordered_set<std::string> focus(options.focusFiles.begin(), options.focusFiles.end());
  std::map<std::string, std::vector<const SymbolHit*>> byFile;
  std::vector<std::string> fileOrder;
  size_t budgetChars = options.tokenBudget * 4;  // ~4 characters per token
  size_t used = 0;
  for (const auto& [score, sid] : ordered) {
    const SymbolHit& s = symbolFile(sid);
    if (s.id == 0 || focus.count(s.relPath)) continue;
    std::string line = s.symbol.signature.empty() ? s.symbol.name : s.symbol.signature;
    // Exactly what the entry prints: "  LINE: " + line + "\n", plus "FILE:\n" for a new file.
    size_t cost = line.size() + 5 + std::to_string(s.symbol.start.line + 1).size() +
                  (byFile.count(s.relPath) ? 0 : s.relPath.size() + 2);
    if (used + cost > budgetChars) continue;
    used += cost;
    if (!byFile.count(s.relPath)) fileOrder.push_back(s.relPath);
    byFile[s.relPath].push_back(&s);
  }
  std::string out;
  for (const auto& file : fileOrder) {
    out += file + ":\n";
    auto& syms = byFile[file];
    std::sort(syms.begin(), syms.end(), [](const SymbolHit* a, const SymbolHit* b) {
      return a->symbol.start.line < b->symbol.start.line;
    });
    for (const SymbolHit* s : syms) {
      out += "  " + std::to_string(s->symbol.start.line + 1) + ": ";
      out += s->symbol.signature.empty() ? s->symbol.name : s->symbol.signature;
      out += "\n";
    }
  }
  return out;
}

}  // namespace sb
