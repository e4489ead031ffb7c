#include <string_view>

#include "analysis/NodeUtil.h"
#include "analysis/SyntaxInfo.h"
#include "analysis/Utf8.h"

namespace sb {
namespace {

constexpr size_t kMaxQuotedBytes = 20;

// "function_definition" -> "function definition"
std::string humanise(std::string_view type) {
  while (!type.empty() && type.front() == '_') type.remove_prefix(1);
  std::string s(type);
  for (char& c : s)
    if (c == '_') c = ' ';
  return s;
}

// The first token of a node, cut to its first line and a short length.
std::string firstTokenText(std::string_view text, TSNode n) {
  while (ts_node_child_count(n) > 0) n = ts_node_child(n, 0);
  std::string_view t = nodeText(text, n);
  t = t.substr(0, t.find_first_of("\r\n"));
  std::string out(utf8::truncate(t, kMaxQuotedBytes));
  if (out.size() < t.size()) out += "…";
  return out;
}

// `parent` is null when the error sits directly under the root.
std::string errorMessage(std::string_view text, TSNode error, TSNode parent) {
  std::string msg = "Syntax error";
  if (const std::string tok = firstTokenText(text, error); !tok.empty())
    msg += ": unexpected `" + tok + "`";
  if (!ts_node_is_null(parent)) msg += " in " + humanise(ts_node_type(parent));
  return msg;
}

std::string missingMessage(TSNode missing) {
  const std::string_view type = ts_node_type(missing);
  if (ts_node_is_named(missing)) return "Missing " + humanise(type);
  return "Missing `" + std::string(type) + "`";
}

}  // namespace

std::vector<SyntaxDiagnostic> syntaxDiagnostics(const DocumentSnapshot& doc, size_t maxCount) {
  std::vector<SyntaxDiagnostic> out;
  if (!doc.hasTree() || maxCount == 0) return out;
  const TreeHandle tree = doc.tree();
  const TSNode root = tree.root();
  if (!ts_node_has_error(root)) return out;

  const std::string_view text = doc.text();
  TSTreeCursor c = ts_tree_cursor_new(root);
  struct CursorGuard {
    TSTreeCursor* c;
    ~CursorGuard() { ts_tree_cursor_delete(c); }
  } guard{&c};
  std::vector<TSNode> path;  // ancestors of the cursor's node
  for (;;) {
    const TSNode n = ts_tree_cursor_current_node(&c);
    bool descend = ts_node_has_error(n);
    if (ts_node_is_missing(n)) {
      const uint32_t at = ts_node_start_byte(n);
      out.push_back({{at, at}, missingMessage(n)});
      descend = false;
    } else if (std::string_view(ts_node_type(n)) == "ERROR") {
      out.push_back(
          {byteRangeOf(n), errorMessage(text, n, path.size() >= 2 ? path.back() : TSNode{})});
      descend = false;  // nested errors are part of this one
    }
    if (out.size() >= maxCount) break;
    if (descend && ts_tree_cursor_goto_first_child(&c)) {
      path.push_back(n);
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&c)) {
      if (!ts_tree_cursor_goto_parent(&c)) return out;
      path.pop_back();
    }
  }
  return out;
}

}  // namespace sb
