// In-memory fuzzy search over every definition name of a workspace, laid out
// for a sequential scan: distinct names in one contiguous arena, each scored
// once per query, best results kept in a bounded heap.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/IndexStore.h"

namespace sb {

struct SymbolSearchHints {
  std::vector<std::string> openFiles;  // relative paths; their symbols rank first
  std::string nearFile;                // relative path; nearby directories rank higher
};

class SymbolNameTable {
 public:
  void build(std::vector<IndexStore::NameRow> rows);
  // Symbol ids, best first. Exact > prefix > substring > fuzzy (a
  // subsequence starting at a word start), case-exact matches first; then
  // open files, nearby directories, types and functions before variables,
  // shorter names.
  std::vector<int64_t> search(std::string_view query, size_t limit,
                              const SymbolSearchHints& hints) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Group {                   // one distinct name
    uint32_t name, lower, length;  // offsets into arena_
    uint64_t mask, starts;         // characters present / starting a word
    uint32_t begin, end;           // its entries
  };
  struct Entry {
    int64_t id;
    SymbolKind kind;
    uint32_t path;  // index into paths_
  };
  std::string_view nameOf(const Group& g) const { return {arena_.data() + g.name, g.length}; }
  std::string_view lowerOf(const Group& g) const { return {arena_.data() + g.lower, g.length}; }

  std::string arena_;
  std::vector<Group> groups_;
  std::vector<Entry> entries_;
  std::vector<std::string> paths_;
};

}  // namespace sb
