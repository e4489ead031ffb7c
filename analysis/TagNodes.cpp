#include "analysis/TagNodes.h"

#include <algorithm>
#include <cstring>

#include "analysis/NodeUtil.h"
#include "analysis/TagText.h"

namespace sb::tags {
namespace {

// C/C++ declarators that wrap the declared name.
bool isCDeclarator(std::string_view type) {
  return type == "init_declarator" || type == "pointer_declarator" ||
         type == "reference_declarator" || type == "array_declarator" ||
         type == "function_declarator" || type == "parenthesized_declarator" ||
         type == "attributed_declarator";
}

// `from .. import a, b as c` -> "..a", "..b": the names are modules.
void expandPythonRelative(TSNode n, std::string_view text, std::vector<Import>& out) {
  const std::string prefix(textOf(text, childByField(n, "module_name")));
  TreeCursor c(n);
  for (bool more = ts_tree_cursor_goto_first_child(c.get()); more;
       more = ts_tree_cursor_goto_next_sibling(c.get())) {
    const char* field = ts_tree_cursor_current_field_name(c.get());
    if (!field || std::strcmp(field, "name") != 0) continue;
    TSNode name = ts_tree_cursor_current_node(c.get());
    if (typeIs(name, "aliased_import")) name = childByField(name, "name");
    if (ts_node_is_null(name)) continue;
    out.push_back({prefix + std::string(nodeText(text, name)), byteRangeOf(name)});
  }
}

// `use a::{b, c::d as e}` -> "a::b", "a::c::d".
void expandRustUse(TSNode n, const std::string& prefix, std::string_view text,
                   std::vector<Import>& out) {
  if (typeIs(n, "scoped_use_list")) {
    const TSNode path = childByField(n, "path");
    const std::string p =
        ts_node_is_null(path) ? prefix : prefix + std::string(nodeText(text, path)) + "::";
    expandRustUse(childByField(n, "list"), p, text, out);
  } else if (typeIs(n, "use_list")) {
    for (uint32_t i = 0; i < ts_node_named_child_count(n); ++i)
      expandRustUse(ts_node_named_child(n, i), prefix, text, out);
  } else if (typeIs(n, "use_as_clause")) {
    expandRustUse(childByField(n, "path"), prefix, text, out);
  } else if (!ts_node_is_null(n)) {
    std::string path = prefix + normalizeImport(nodeText(text, n));
    if (path.ends_with("::self")) path.resize(path.size() - 6);  // `use std::io::{self}`
    out.push_back({std::move(path), byteRangeOf(n)});
  }
}

}  // namespace

std::string_view textOf(std::string_view text, TSNode n) {
  return ts_node_is_null(n) ? std::string_view{} : nodeText(text, n);
}

ResolvedName resolveName(std::string_view text, TSNode n) {
  ResolvedName r;
  while (isCDeclarator(ts_node_type(n))) {
    TSNode next = childByField(n, "declarator");
    // `int (*cb)(int)` is a pointer to a function, not a function.
    if (typeIs(n, "function_declarator") && !typeIs(next, "parenthesized_declarator"))
      r.declaresFunction = true;
    if (ts_node_is_null(next)) next = ts_node_named_child(n, 0);
    if (ts_node_is_null(next)) break;
    n = next;
  }
  while (typeIs(n, "qualified_identifier")) {
    const std::string_view scope = withoutTemplateArgs(textOf(text, childByField(n, "scope")));
    if (!scope.empty()) r.qualifier.emplace_back(scope);
    const TSNode name = childByField(n, "name");
    if (ts_node_is_null(name)) break;
    n = name;
  }
  if (typeIs(n, "template_function") || typeIs(n, "template_type")) {
    const TSNode name = childByField(n, "name");
    if (!ts_node_is_null(name)) n = name;
  }
  r.node = n;
  r.text = unquote(nodeText(text, n));
  return r;
}

SignatureScan scanSignature(TSNode from, uint32_t limit) {
  SignatureScan out{ts_node_end_byte(from), {}};
  TreeCursor cursor(from);
  TSTreeCursor* c = cursor.get();
  if (!ts_tree_cursor_goto_first_child(c)) return out;
  for (;;) {
    const TSNode n = ts_tree_cursor_current_node(c);
    const uint32_t begin = ts_node_start_byte(n);
    if (begin >= limit) {
      out.end = limit;
      return out;
    }
    const char* fieldName = ts_tree_cursor_current_field_name(c);
    const std::string_view field = fieldName ? fieldName : "";
    const std::string_view type = ts_node_type(n);
    if (field == "body" || type == "field_initializer_list" ||
        (!ts_node_is_named(n) && (type == "{" || type == ";"))) {
      out.end = begin;
      return out;
    }
    if (type.ends_with("comment")) out.comments.push_back(byteRangeOf(n));
    if (field != "parameters" && ts_tree_cursor_goto_first_child(c)) continue;
    while (!ts_tree_cursor_goto_next_sibling(c))
      if (!ts_tree_cursor_goto_parent(c)) return out;
  }
}

std::string pythonDocstring(std::string_view text, TSNode def) {
  if (!typeIs(def, "function_definition") && !typeIs(def, "class_definition")) return {};
  const TSNode body = childByField(def, "body");
  if (ts_node_is_null(body)) return {};
  const TSNode first = ts_node_named_child(body, 0);
  if (!typeIs(first, "expression_statement") || ts_node_named_child_count(first) != 1) return {};
  const TSNode s = ts_node_named_child(first, 0);
  return typeIs(s, "string") ? cleanDocstring(nodeText(text, s)) : std::string{};
}

std::vector<Import> importsOf(const std::vector<TSNode>& nodes, std::string_view text) {
  std::vector<Import> out;
  for (TSNode n : nodes) {
    if (typeIs(n, "scoped_use_list") || typeIs(n, "use_list") || typeIs(n, "use_as_clause"))
      expandRustUse(n, "", text, out);
    else if (typeIs(n, "import_from_statement"))
      expandPythonRelative(n, text, out);
    else
      out.push_back({normalizeImport(nodeText(text, n)), byteRangeOf(n)});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Import& a, const Import& b) { return a.range.begin < b.range.begin; });
  return out;
}

}  // namespace sb::tags
