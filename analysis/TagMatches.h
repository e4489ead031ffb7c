#pragma once
// Internal: running a tags query over a tree and sorting its captures by role,
// before names, containers and kinds are settled (Tags.cpp does that).

#include <tree_sitter/api.h>

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/Outline.h"
#include "analysis/TagQuery.h"

namespace sb::tags {

inline uint64_t keyOf(ByteRange r) {
  return (uint64_t{r.begin} << 32) | r.end;
}

struct RawDefinition {
  TSNode node;
  TSNode name;
  TSNode container;  // @container, or null
  SymbolKind kind;
  uint32_t pattern;  // the earliest pattern wins when several name one node
};

struct RawReference {
  ByteRange name;
  SymbolKind kind;
  uint8_t priority;
};

struct DocItem {
  ByteRange range;
  bool comment;  // else an annotation, skipped over
};

struct WrapperInfo {
  TSNode node;
  bool signature;
  uint64_t wrapped;
  bool ambiguous;  // wraps several definitions: their ranges stay their own
};

struct Scope {
  TSNode node;
  TSNode name;
};

struct Matches {
  std::vector<RawDefinition> definitions;
  std::vector<RawReference> references;
  std::vector<TSNode> imports;
  std::vector<DocItem> docItems;
  std::vector<Scope> scopes;
  std::unordered_map<uint64_t, WrapperInfo> wrappers;  // by wrapper range
  std::unordered_map<uint64_t, uint64_t> wrapperOf;    // wrapped range -> wrapper range
};

// Every match of `query` under `root` that passes its predicates.
Matches runQuery(const TagQuery& query, TSNode root, std::string_view text);

}  // namespace sb::tags
