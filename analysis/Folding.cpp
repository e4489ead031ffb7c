#include <algorithm>
#include <optional>
#include <string_view>

#include "analysis/NodeUtil.h"
#include "analysis/SyntaxInfo.h"

namespace sb {
namespace {

// First and last child types that delimit a foldable node, across grammars.
struct Delimiters {
  std::string_view open, close;
};
constexpr Delimiters kDelimiters[] = {
    {"{", "}"},
    {"[", "]"},
    {"(", ")"},  // most languages
    {"do", "done"},
    {"if", "fi"},
    {"case", "esac"},                                // bash
    {"jsx_opening_element", "jsx_closing_element"},  // JSX
};
constexpr std::string_view kClosers[] = {
    "}", "]", ")", "done", "fi", "esac", "jsx_closing_element"};

// Import-like statements; runs of adjacent ones fold together.
constexpr std::string_view kImports[] = {
    "preproc_include",    "import_statement", "import_from_statement",    "future_import_statement",
    "import_declaration", "use_declaration",  "extern_crate_declaration",
};

template <typename Table>
bool contains(const Table& t, std::string_view s) {
  return std::find(std::begin(t), std::end(t), s) != std::end(t);
}

bool isComment(TSNode n) {
  return std::string_view(ts_node_type(n)).find("comment") != std::string_view::npos;
}

struct Group {
  uint32_t startLine = 0, endLine = 0;
  TSNode last{};
};

class FoldCollector {
 public:
  explicit FoldCollector(const DocumentSnapshot& doc) : doc_(doc), text_(doc.text()) {}

  std::vector<FoldingRegion> run(TSNode root) {
    TSTreeCursor c = ts_tree_cursor_new(root);
    struct CursorGuard {
      TSTreeCursor* c;
      ~CursorGuard() { ts_tree_cursor_delete(c); }
    } guard{&c};
    frames_.push_back({root, {}});
    for (;;) {
      bool descend = true;
      if (frames_.size() > 1) {
        const TSNode n = frames_.back().node;
        // Nothing inside a one-line node can fold: skipping those subtrees
        // skips most of the tree.
        descend = visit(n, frames_[frames_.size() - 2]) &&
                  ts_node_start_point(n).row != ts_node_end_point(n).row;
      }
      if (descend && ts_tree_cursor_goto_first_child(&c)) {
        frames_.push_back({ts_tree_cursor_current_node(&c), {}});
        continue;
      }
      for (;;) {
        frames_.pop_back();
        if (frames_.empty()) return finish();
        if (ts_tree_cursor_goto_next_sibling(&c)) {
          frames_.push_back({ts_tree_cursor_current_node(&c), {}});
          break;
        }
        if (!ts_tree_cursor_goto_parent(&c)) return finish();
      }
    }
  }

 private:
  struct Frame {
    TSNode node;
    TSNode lastChild;  // the previous named, non-comment child visited
  };

  uint32_t lineOf(uint32_t offset) const { return doc_.lines().lineOf(offset); }
  uint32_t startLine(TSNode n) const { return lineOf(ts_node_start_byte(n)); }
  // The node's last line; a node ending right after a newline ends on the line before.
  uint32_t endLine(TSNode n) const {
    const uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
    return lineOf(e > b ? e - 1 : e);
  }
  bool firstOnLine(uint32_t offset) const {
    const uint32_t ls = doc_.lines().lineStart(lineOf(offset));
    for (uint32_t i = ls; i < offset; ++i)
      if (text_[i] != ' ' && text_[i] != '\t') return false;
    return true;
  }
  // End line of a region: the line before a trailing closer that starts its
  // line. Indented blocks end where their last statement does, even if that
  // statement ends with a closer.
  uint32_t regionEnd(TSNode n) const {
    TSNode leaf = n;
    while (ts_node_child_count(leaf) > 0) leaf = ts_node_child(leaf, ts_node_child_count(leaf) - 1);
    const uint32_t end = endLine(n);
    if (contains(kClosers, ts_node_type(leaf)) && firstOnLine(ts_node_start_byte(leaf)) &&
        end > 0 && startLine(leaf) == end)
      return end - 1;
    return end;
  }
  void add(uint32_t start, uint32_t end, FoldKind kind) {
    if (start < end) out_.push_back({start, end, kind});
  }

  // Returns whether to walk the node's children.
  bool visit(TSNode n, Frame& parent) {
    if (isComment(n)) {
      comment(n);
      return false;
    }
    if (!ts_node_is_named(n)) return false;
    const TSNode prev = parent.lastChild;
    parent.lastChild = n;

    const std::string_view type = ts_node_type(n);
    if (contains(kImports, type)) {
      if (imports_ && ts_node_eq(imports_->last, prev)) {
        imports_->endLine = regionEnd(n);
        imports_->last = n;
      } else {
        flush(imports_, FoldKind::Imports);
        imports_ = Group{startLine(n), regionEnd(n), n};
      }
      return true;
    }
    const uint32_t count = ts_node_child_count(n);
    if (count >= 2) {
      const std::string_view first = ts_node_type(ts_node_child(n, 0));
      const std::string_view last = ts_node_type(ts_node_child(n, count - 1));
      for (const Delimiters& d : kDelimiters) {
        if (first == d.open && last == d.close) {
          add(startLine(n), regionEnd(n), FoldKind::Region);
          return true;
        }
      }
    }
    // An indented block (Python) folds from its header line.
    if (type == "block") add(startLine(parent.node), endLine(n), FoldKind::Region);
    return true;
  }

  void comment(TSNode n) {
    const uint32_t s = startLine(n), e = endLine(n);
    if (s != e) {  // a block comment
      flush(comments_, FoldKind::Comment);
      add(s, e, FoldKind::Comment);
      return;
    }
    // Line comments alone on adjacent lines fold together; a trailing comment
    // (code before it) neither joins nor starts a run.
    if (!firstOnLine(ts_node_start_byte(n))) {
      flush(comments_, FoldKind::Comment);
      return;
    }
    if (comments_ && comments_->endLine + 1 == s) {
      comments_->endLine = s;
    } else {
      flush(comments_, FoldKind::Comment);
      comments_ = Group{s, s, n};
    }
  }

  void flush(std::optional<Group>& g, FoldKind kind) {
    if (g) add(g->startLine, g->endLine, kind);
    g.reset();
  }

  std::vector<FoldingRegion> finish() {
    flush(comments_, FoldKind::Comment);
    flush(imports_, FoldKind::Imports);
    // One region per start line: the longest, and on a tie the more specific kind.
    std::sort(out_.begin(), out_.end(), [](const FoldingRegion& a, const FoldingRegion& b) {
      if (a.startLine != b.startLine) return a.startLine < b.startLine;
      if (a.endLine != b.endLine) return a.endLine > b.endLine;
      return a.kind > b.kind;
    });
    out_.erase(std::unique(out_.begin(), out_.end(),
                           [](const FoldingRegion& a, const FoldingRegion& b) {
                             return a.startLine == b.startLine;
                           }),
               out_.end());
    return std::move(out_);
  }

  const DocumentSnapshot& doc_;
  std::string_view text_;
  std::vector<Frame> frames_;  // the cursor's node and its ancestors
  std::optional<Group> comments_, imports_;
  std::vector<FoldingRegion> out_;
};

}  // namespace

std::vector<FoldingRegion> foldingRegions(const DocumentSnapshot& doc) {
  if (!doc.hasTree()) return {};
  const TreeHandle tree = doc.tree();
  return FoldCollector(doc).run(tree.root());
}

}  // namespace sb
