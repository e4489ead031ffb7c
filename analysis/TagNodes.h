#pragma once
// Internal: what tags read off syntax nodes: declared names, signature
// extents, Python docstrings and import paths.

#include <tree_sitter/api.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/Tags.h"

namespace sb::tags {

// Owns a TSTreeCursor.
class TreeCursor {
 public:
  explicit TreeCursor(TSNode n) : c_(ts_tree_cursor_new(n)) {}
  ~TreeCursor() { ts_tree_cursor_delete(&c_); }
  TreeCursor(const TreeCursor&) = delete;
  TreeCursor& operator=(const TreeCursor&) = delete;
  TSTreeCursor* get() { return &c_; }

 private:
  TSTreeCursor c_;
};

// nodeText that accepts a null node (a missing optional field).
std::string_view textOf(std::string_view text, TSNode n);

struct ResolvedName {
  TSNode node{};
  std::string text;
  std::vector<std::string> qualifier;  // C++ `a::B::name` -> {"a", "B"}
  bool declaresFunction = false;       // a C declarator with a parameter list
};

// The identifier under C declarators and C++ qualified names (template
// arguments dropped); other nodes are their own name, unquoted.
ResolvedName resolveName(std::string_view text, TSNode n);

// Where a signature starting at `from` ends: at the body, the first `{` or
// `;`, or a member initializer list, but at most at `limit`. Parameter lists
// are not searched (destructuring `{`, default-argument lambdas); comments met
// on the way are listed so the signature can leave them out.
struct SignatureScan {
  uint32_t end;
  std::vector<ByteRange> comments;
};
SignatureScan scanSignature(TSNode from, uint32_t limit);

// The docstring of a Python class or function, cleaned; "" when none.
std::string pythonDocstring(std::string_view text, TSNode def);

// Import paths from @import nodes, in document order. Rust use trees and
// `from . import a` expand to one path per imported module.
std::vector<Import> importsOf(const std::vector<TSNode>& nodes, std::string_view text);

}  // namespace sb::tags
