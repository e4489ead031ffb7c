#pragma once
// Owning RAII wrappers for tree-sitter objects.

#include <tree_sitter/api.h>

#include <memory>

namespace sb {

struct TSTreeDeleter {
  void operator()(TSTree* t) const { ts_tree_delete(t); }
};
struct TSParserDeleter {
  void operator()(TSParser* p) const { ts_parser_delete(p); }
};
using ParserPtr = std::unique_ptr<TSParser, TSParserDeleter>;

// Owns one TSTree. Copies are ts_tree_copy: cheap (shared, reference-counted
// subtrees), and each copy may be used on a different thread.
class TreeHandle {
 public:
  TreeHandle() = default;
  explicit TreeHandle(TSTree* owned) : tree_(owned) {}
  TreeHandle(const TreeHandle& other)
      : tree_(other.tree_ ? ts_tree_copy(other.tree_.get()) : nullptr) {}
  TreeHandle& operator=(const TreeHandle& other) {
    if (this != &other) tree_.reset(other.tree_ ? ts_tree_copy(other.tree_.get()) : nullptr);
    return *this;
  }
  TreeHandle(TreeHandle&&) noexcept = default;
  TreeHandle& operator=(TreeHandle&&) noexcept = default;

  explicit operator bool() const { return tree_ != nullptr; }
  const TSTree* get() const { return tree_.get(); }
  TSNode root() const { return ts_tree_root_node(tree_.get()); }
  // Tells the tree about a text edit, ahead of an incremental reparse.
  void edit(const TSInputEdit& e) { ts_tree_edit(tree_.get(), &e); }

 private:
  std::unique_ptr<TSTree, TSTreeDeleter> tree_;
};

// Owns a TSTreeCursor for the duration of a walk.
class TreeCursor {
 public:
  explicit TreeCursor(TSNode root) : cursor_(ts_tree_cursor_new(root)) {}
  ~TreeCursor() { ts_tree_cursor_delete(&cursor_); }
  TreeCursor(const TreeCursor&) = delete;
  TreeCursor& operator=(const TreeCursor&) = delete;
  TSTreeCursor* get() { return &cursor_; }

 private:
  TSTreeCursor cursor_;
};

}  // namespace sb
