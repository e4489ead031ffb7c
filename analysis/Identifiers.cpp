#include "analysis/Identifiers.h"

#include "analysis/NodeUtil.h"

namespace sb {
namespace {

// Grammar node types naming things: identifier, type_identifier,
// field_identifier, property_identifier, shorthand_property_identifier,
// namespace_identifier, constant (ruby-like), "name" (bash), etc.
bool isIdentifierType(std::string_view type) {
  return type.find("identifier") != std::string_view::npos || type == "name" ||
         type == "variable_name" || type == "word" || type == "constant";
}

bool identLeaf(TSNode n) {
  return !ts_node_is_null(n) && ts_node_child_count(n) == 0 && isIdentifierType(ts_node_type(n));
}

TSNode leafAt(TSNode root, uint32_t offset) {
  return ts_node_descendant_for_byte_range(root, offset, offset);
}

}  // namespace

std::optional<IdentifierAt> identifierAt(const DocumentSnapshot& doc, uint32_t offset) {
  if (!doc.hasTree()) return std::nullopt;
  TreeHandle tree = doc.tree();
  TSNode root = tree.root();
  TSNode n = leafAt(root, offset);
  if (!identLeaf(n) && offset > 0) n = leafAt(root, offset - 1);  // cursor just after a name
  if (!identLeaf(n)) {
    // Some grammars wrap the name one level up (e.g. a named node with one leaf).
    if (ts_node_is_null(n) || ts_node_named_child_count(n) != 0 ||
        !isIdentifierType(ts_node_type(n)))
      return std::nullopt;
  }
  IdentifierAt id;
  id.range = byteRangeOf(n);
  id.name = std::string(nodeText(doc.text(), n));
  std::string_view type = ts_node_type(n);
  id.isMember = type == "field_identifier" || type == "property_identifier";
  if (!id.isMember) {
    TSNode prev = ts_node_prev_sibling(n);
    if (!ts_node_is_null(prev)) {
      std::string_view p = ts_node_type(prev);
      id.isMember = p == "." || p == "->" || p == "::" || p == "?.";
    }
  }
  if (id.name.empty()) return std::nullopt;
  return id;
}

std::vector<ByteRange> identifierOccurrences(const DocumentSnapshot& doc, std::string_view name) {
  std::vector<ByteRange> out;
  if (!doc.hasTree() || name.empty()) return out;
  std::string_view text = doc.text();
  TreeHandle tree = doc.tree();
  TreeCursor walker(tree.root());
  TSTreeCursor* cursor = walker.get();
  // Pre-order walk; subtrees whose span cannot contain the name are skipped.
  bool more = true;
  while (more) {
    TSNode n = ts_tree_cursor_current_node(cursor);
    if (ts_node_child_count(n) == 0) {
      if (isIdentifierType(ts_node_type(n)) && nodeText(text, n) == name)
        out.push_back(byteRangeOf(n));
    } else if (ts_tree_cursor_goto_first_child(cursor)) {
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(cursor)) {
      if (!ts_tree_cursor_goto_parent(cursor)) {
        more = false;
        break;
      }
    }
  }
  return out;
}

std::vector<IdentifierUse> identifiersIn(const DocumentSnapshot& doc, ByteRange window) {
  std::vector<IdentifierUse> out;
  if (!doc.hasTree()) return out;
  std::string_view text = doc.text();
  TreeHandle tree = doc.tree();
  TreeCursor walker(tree.root());
  TSTreeCursor* cursor = walker.get();
  bool more = true;
  while (more) {
    TSNode n = ts_tree_cursor_current_node(cursor);
    bool overlaps = ts_node_start_byte(n) < window.end && ts_node_end_byte(n) > window.begin;
    if (overlaps && ts_node_child_count(n) == 0) {
      if (isIdentifierType(ts_node_type(n)))
        out.push_back({std::string(nodeText(text, n)), byteRangeOf(n)});
    } else if (overlaps && ts_tree_cursor_goto_first_child(cursor)) {
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(cursor)) {
      if (!ts_tree_cursor_goto_parent(cursor)) {
        more = false;
        break;
      }
    }
  }
  return out;
}

}  // namespace sb
