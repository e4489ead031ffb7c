#include "analysis/SymbolNameTable.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace sb {
namespace {

char toLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool isUpper(char c) {
  return c >= 'A' && c <= 'Z';
}

uint64_t bitOf(char lowered) {
  unsigned char c = static_cast<unsigned char>(lowered);
  if (c >= 'a' && c <= 'z') return uint64_t{1} << (c - 'a');
  if (c >= '0' && c <= '9') return uint64_t{1} << (26 + c - '0');
  if (c == '_') return uint64_t{1} << 36;
  return uint64_t{1} << 37;
}

// One bit per character class present, to reject most names with one AND.
uint64_t charMask(std::string_view lowered) {
  uint64_t m = 0;
  for (char c : lowered) m |= bitOf(c);
  return m;
}

// A word starts the name, follows '_', '.', '$' or is a camel hump.
bool wordStart(std::string_view name, size_t i) {
  if (i == 0) return true;
  char prev = name[i - 1], c = name[i];
  return prev == '_' || prev == '.' || prev == '$' || (isUpper(c) && !isUpper(prev));
}

uint64_t wordStartMask(std::string_view name) {
  uint64_t m = 0;
  for (size_t i = 0; i < name.size(); ++i)
    if (wordStart(name, i)) m |= bitOf(toLower(name[i]));
  return m;
}

// Subsequence match whose first character starts a word, as editors' fuzzy
// finders do ("gsn" finds getSymbolName). Higher for word starts and runs.
int fuzzyScore(std::string_view q, std::string_view name, std::string_view lname) {
  size_t qi = 0;
  int score = 0;
  bool prevMatched = false;
  for (size_t i = 0; i < lname.size() && qi < q.size(); ++i) {
    if (lname[i] != q[qi] || (qi == 0 && !wordStart(name, i))) {
      prevMatched = false;
      continue;
    }
    score += 1 + (wordStart(name, i) ? 3 : 0) + (prevMatched ? 2 : 0);
    prevMatched = true;
    ++qi;
  }
  return qi == q.size() ? score : -1;
}

int kindBonus(SymbolKind k) {
  switch (k) {
    case SymbolKind::Class:
    case SymbolKind::Struct:
    case SymbolKind::Interface:
    case SymbolKind::Enum:
      return 12;
    case SymbolKind::Function:
    case SymbolKind::Method:
    case SymbolKind::Constructor:
      return 10;
    case SymbolKind::Namespace:
    case SymbolKind::Module:
      return 6;
    case SymbolKind::Variable:
    case SymbolKind::Field:
      return 0;
    default:
      return 4;
  }
}

std::string_view dirOf(std::string_view rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash);
}

// Shared leading directory components.
int sharedDepth(std::string_view a, std::string_view b) {
  int depth = 0;
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) {
    if (a[i] == '/') ++depth;
    ++i;
  }
  if (i == b.size() && (i == a.size() || a[i] == '/')) ++depth;
  return depth;
}

}  // namespace

void SymbolNameTable::build(std::vector<IndexStore::NameRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.relPath, a.id) < std::tie(b.name, b.relPath, b.id);
  });
  arena_.clear();
  groups_.clear();
  entries_.clear();
  paths_.clear();
  std::unordered_map<std::string, uint32_t> pathIds;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (groups_.empty() || nameOf(groups_.back()) != row.name) {
      Group g{};
      g.length = static_cast<uint32_t>(row.name.size());
      g.name = static_cast<uint32_t>(arena_.size());
      arena_ += row.name;
      g.lower = static_cast<uint32_t>(arena_.size());
      for (char c : row.name) arena_.push_back(toLower(c));
      g.mask = charMask(lowerOf(g));
      g.starts = wordStartMask(row.name);
      g.begin = g.end = static_cast<uint32_t>(entries_.size());
      groups_.push_back(g);
    }
    auto [it, added] = pathIds.emplace(row.relPath, static_cast<uint32_t>(paths_.size()));
    if (added) paths_.push_back(row.relPath);
    entries_.push_back({row.id, row.kind, it->second});
    groups_.back().end = static_cast<uint32_t>(entries_.size());
  }
}

std::vector<int64_t> SymbolNameTable::search(std::string_view query, size_t limit,
                                             const SymbolSearchHints& hints) const {
  std::string q(query);
  for (char& c : q) c = toLower(c);
  const uint64_t qmask = charMask(q);
  const uint64_t firstBit = q.empty() ? 0 : bitOf(q[0]);
  std::unordered_set<uint32_t> openPaths;
  for (uint32_t p = 0; p < paths_.size() && !hints.openFiles.empty(); ++p)
    if (std::find(hints.openFiles.begin(), hints.openFiles.end(), paths_[p]) !=
        hints.openFiles.end())
      openPaths.insert(p);
  std::string_view nearDir = dirOf(hints.nearFile);

  struct Scored {
    int score;
    uint32_t entry;  // entries_ are in name order, so lower = alphabetical tie-break
  };
  auto better = [](const Scored& a, const Scored& b) {
    return a.score != b.score ? a.score > b.score : a.entry < b.entry;
  };
  std::vector<Scored> heap;  // worst of the best `limit` on top
  heap.reserve(limit + 1);
  for (const Group& g : groups_) {
    int base;
    if (q.empty()) {
      base = 0;
    } else {
      if ((g.mask & qmask) != qmask || g.length < q.size()) continue;
      std::string_view name = nameOf(g), lname = lowerOf(g);
      if (name == query)
        base = 1000;
      else if (lname == q)
        base = 900;
      else if (name.substr(0, query.size()) == query)
        base = 800;
      else if (lname.substr(0, q.size()) == q)
        base = 700;
      else if (lname.find(q) != std::string_view::npos)
        base = 500;
      else if (!(g.starts & firstBit))
        continue;
      else if (int f = fuzzyScore(q, name, lname); f >= 0)
        base = 100 + f * 4;
      else
        continue;
    }
    const int nameScore = base - static_cast<int>(std::min<uint32_t>(g.length, 40));
    for (uint32_t k = g.begin; k < g.end; ++k) {
      const Entry& e = entries_[k];
      int score = nameScore + kindBonus(e.kind);
      if (!openPaths.empty() && openPaths.count(e.path)) score += 60;
      if (!nearDir.empty()) score += 8 * std::min(sharedDepth(dirOf(paths_[e.path]), nearDir), 5);
      Scored s{score, k};
      if (heap.size() < limit) {
        heap.push_back(s);
        std::push_heap(heap.begin(), heap.end(), better);
      } else if (limit > 0 && better(s, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), better);
        heap.back() = s;
        std::push_heap(heap.begin(), heap.end(), better);
      }
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  std::vector<int64_t> ids;
  ids.reserve(heap.size());
  for (const Scored& s : heap) ids.push_back(entries_[s.entry].id);
  return ids;
}

}  // namespace sb
