#include "analysis/Outline.h"

#include "analysis/TagText.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "analysis/NodeUtil.h"
#include "analysis/OutlineRules.h"
#include "analysis/Utf8.h"

namespace sb {
namespace {

using namespace outline;
using K = SymbolKind;

constexpr size_t kMaxDetailBytes = 80;

bool isFunctionKind(K k) {
  return k == K::Function || k == K::Method || k == K::Constructor;
}
bool isTypeKind(K k) {
  return k == K::Class || k == K::Struct || k == K::Interface || k == K::Enum;
}

// Runs of whitespace become one space; long text is cut at a character boundary.
std::string collapse(std::string_view s, size_t maxBytes = kMaxDetailBytes) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > maxBytes) {
    out.resize(utf8::truncate(out, maxBytes).size());
    out += "…";
  }
  return out;
}

struct Name {
  std::string text;
  TSNode node{};      // selection range
  TSNode function{};  // C/C++: the function_declarator, when there is one
};

// C/C++: declarators nest (pointer, reference, array, function, init); the
// name is at the bottom of the chain.
std::optional<Name> declaratorName(std::string_view text, TSNode node) {
  TSNode d = childByField(node, "declarator");
  TSNode fn{};
  while (!ts_node_is_null(d)) {
    const std::string_view type = ts_node_type(d);
    if (type == "function_declarator" && ts_node_is_null(fn)) fn = d;
    TSNode next = childByField(d, "declarator");
    if (ts_node_is_null(next) &&
        (type == "reference_declarator" || type == "parenthesized_declarator" ||
         type == "attributed_declarator"))
      next = ts_node_named_child(d, 0);
    if (ts_node_is_null(next)) break;
    d = next;
  }
  if (ts_node_is_null(d)) return std::nullopt;
  return Name{collapse(nodeText(text, d), 200), d, fn};
}

// `A::B::B` is a constructor; compares the last scope (without template
// arguments) with the final name.
bool isQualifiedConstructor(std::string_view text, TSNode q) {
  while (typeIs(q, "qualified_identifier")) {
    const TSNode scope = childByField(q, "scope");
    const TSNode name = childByField(q, "name");
    if (!typeIs(name, "qualified_identifier")) {
      std::string_view s = nodeText(text, scope);
      s = s.substr(0, s.find('<'));
      return !ts_node_is_null(scope) && !ts_node_is_null(name) && s == nodeText(text, name);
    }
    q = name;
  }
  return false;
}

struct Open {
  OutlineSymbol sym;
  size_t depth;
  bool typeContainer;
};

class OutlineBuilder {
 public:
  // `nestedFunctions`: whether functions inside functions are outline
  // symbols (JS, TS, Python); elsewhere function bodies hold only locals and
  // are not walked.
  OutlineBuilder(std::string_view text, const CompiledTable& table, bool nestedFunctions)
      : text_(text), table_(table), nestedFunctions_(nestedFunctions) {}

  std::vector<OutlineSymbol> run(TSNode root) {
    TSTreeCursor c = ts_tree_cursor_new(root);
    struct CursorGuard {
      TSTreeCursor* c;
      ~CursorGuard() { ts_tree_cursor_delete(c); }
    } guard{&c};
    for (;;) {
      path_.push_back(ts_tree_cursor_current_node(&c));
      enter();
      if (shouldDescend() && ts_tree_cursor_goto_first_child(&c)) continue;
      for (;;) {
        close(path_.size() - 1);
        path_.pop_back();
        if (ts_tree_cursor_goto_next_sibling(&c)) break;
        if (!ts_tree_cursor_goto_parent(&c)) return std::move(roots_);
      }
    }
  }

 private:
  // Inside a function's symbol (but not at the function's own node) only
  // nested functions could matter.
  bool shouldDescend() const {
    if (nestedFunctions_ || open_.empty()) return true;
    const Open& o = open_.back();
    return !(isFunctionKind(o.sym.kind) && o.depth + 1 < path_.size() &&
             ts_node_child_count(path_.back()) > 0 && isBody(path_.back()));
  }
  static bool isBody(TSNode n) {
    std::string_view t = ts_node_type(n);
    return t == "compound_statement" || t == "block" || t == "function_body" ||
           t == "constructor_body" || t == "statement_block" || t == "field_initializer_list";
  }

  TSNode parentNode() const { return path_.size() >= 2 ? path_[path_.size() - 2] : TSNode{}; }
  const Open* enclosing() const { return open_.empty() ? nullptr : &open_.back(); }

  void enter() {
    const TSNode node = path_.back();
    if (!ts_node_is_named(node)) return;
    const TSSymbol sym = ts_node_symbol(node);
    if (sym >= table_.bySymbol.size() || !table_.bySymbol[sym]) return;
    const Rule& rule = *table_.bySymbol[sym];
    if ((rule.flags & RequireBody) && ts_node_is_null(childByField(node, "body"))) return;
    if (!rule.parentType.empty() && !typeIs(parentNode(), rule.parentType)) return;
    const Open* outer = enclosing();
    if ((rule.flags & SkipInFunction) && outer && isFunctionKind(outer->sym.kind)) return;

    std::optional<Name> name = nameOf(rule, node);
    if (!name || name->text.empty()) {
      if (rule.anonymousName.empty())
        return;  // e.g. an anonymous struct: its members go to the parent
      name = Name{std::string(rule.anonymousName), ts_node_child(node, 0), {}};
    }
    const std::optional<K> kind = kindOf(rule, node, *name, outer);
    if (!kind) return;

    OutlineSymbol s;
    s.kind = *kind;
    s.name = std::move(name->text);
    s.selectionRange = byteRangeOf(name->node);
    s.range = byteRangeOf(node);
    const TSNode parent = parentNode();
    if (!ts_node_is_null(parent)) {
      const std::string_view parentType = ts_node_type(parent);
      const auto& w = table_.table->wrappers;
      if (std::find(w.begin(), w.end(), parentType) != w.end()) s.range = byteRangeOf(parent);
    }
    s.detail = detailOf(rule, node, *name);
    const bool container = isTypeKind(s.kind) || (rule.flags & TypeContainer);
    open_.push_back({std::move(s), path_.size() - 1, container});
  }

  void close(size_t depth) {
    while (!open_.empty() && open_.back().depth == depth) {
      OutlineSymbol done = std::move(open_.back().sym);
      open_.pop_back();
      (open_.empty() ? roots_ : open_.back().sym.children).push_back(std::move(done));
    }
  }

  std::optional<Name> nameOf(const Rule& rule, TSNode node) const {
    switch (rule.nameFrom) {
      case NameFrom::Field: {
        const TSNode n = childByFieldPath(node, rule.nameField);
        if (ts_node_is_null(n)) return std::nullopt;
        return Name{collapse(nodeText(text_, n), 200), n, {}};
      }
      case NameFrom::Self:
        return Name{std::string(nodeText(text_, node)), node, {}};
      case NameFrom::Declarator:
        return declaratorName(text_, node);
      case NameFrom::RustImpl: {
        const TSNode type = childByField(node, "type");
        if (ts_node_is_null(type)) return std::nullopt;
        const TSNode trait = childByField(node, "trait");
        std::string n = "impl ";
        if (!ts_node_is_null(trait)) n.append(nodeText(text_, trait)).append(" for ");
        n.append(nodeText(text_, type));
        return Name{collapse(n, 200), type, {}};
      }
      case NameFrom::GoMethod: {
        const TSNode n = childByField(node, "name");
        if (ts_node_is_null(n)) return std::nullopt;
        const TSNode recv =
            childByFieldPath(ts_node_named_child(childByField(node, "receiver"), 0), "type");
        std::string s;
        if (!ts_node_is_null(recv)) {
          for (char c : nodeText(text_, recv))
            if (!std::isspace(static_cast<unsigned char>(c))) s += c;
          s = "(" + s + ").";
        }
        s.append(nodeText(text_, n));
        return Name{std::move(s), n, {}};
      }
      case NameFrom::JsonKey: {
        const TSNode key = childByField(node, "key");
        if (ts_node_is_null(key)) return std::nullopt;
        std::string_view k = nodeText(text_, key);
        if (k.size() >= 2 && k.front() == '"' && k.back() == '"') k = k.substr(1, k.size() - 2);
        return Name{k.empty() ? std::string("\"\"") : collapse(k, 200), key, {}};
      }
    }
    return std::nullopt;
  }

  std::optional<K> kindOf(const Rule& rule, TSNode node, const Name& name,
                          const Open* outer) const {
    K kind = rule.kind;
    switch (rule.kindFrom) {
      case KindFrom::Fixed:
        break;
      case KindFrom::CDeclarator:
        if (!ts_node_is_null(name.function)) {
          kind = K::Function;
          if (typeIs(name.node, "qualified_identifier"))
            kind = isQualifiedConstructor(text_, name.node) ? K::Constructor : K::Method;
        }
        break;
      case KindFrom::CTypedef: {
        const std::string_view t = ts_node_is_null(childByField(node, "type"))
                                       ? ""
                                       : ts_node_type(childByField(node, "type"));
        if (t == "struct_specifier" || t == "union_specifier")
          kind = K::Struct;
        else if (t == "enum_specifier")
          kind = K::Enum;
        else if (t == "class_specifier")
          kind = K::Class;
        break;
      }
      case KindFrom::JsDeclarator: {
        if (!typeIs(name.node, "identifier")) return std::nullopt;  // destructuring
        const TSNode value = childByField(node, "value");
        const std::string_view v = ts_node_is_null(value) ? "" : ts_node_type(value);
        if (v == "arrow_function" || v == "function_expression" || v == "function" ||
            v == "generator_function") {
          kind = K::Function;
        } else if (v == "class") {
          kind = K::Class;
        } else {
          const TSNode decl = parentNode();
          kind = typeIs(ts_node_child(decl, 0), "const") ? K::Constant : K::Variable;
        }
        break;
      }
      case KindFrom::GoTypeSpec: {
        const TSNode t = childByField(node, "type");
        if (typeIs(t, "struct_type"))
          kind = K::Struct;
        else if (typeIs(t, "interface_type"))
          kind = K::Interface;
        break;
      }
      case KindFrom::JsonValue: {
        const TSNode v = childByField(node, "value");
        const std::string_view t = ts_node_is_null(v) ? "" : ts_node_type(v);
        if (t == "object")
          kind = K::Object;
        else if (t == "array")
          kind = K::Array;
        else if (t == "string")
          kind = K::String;
        else if (t == "number")
          kind = K::Number;
        else if (t == "true" || t == "false")
          kind = K::Boolean;
        else if (t == "null")
          kind = K::Null;
        break;
      }
      case KindFrom::PyAssignment:
        if (!typeIs(name.node, "identifier")) return std::nullopt;  // self.x = ..., a, b = ...
        if (outer && outer->typeContainer)
          kind = K::Field;
        else
          kind = tags::isUpperCaseName(name.text) ? K::Constant : K::Variable;
        break;
    }
    if ((rule.flags & MethodInType) && kind == K::Function && outer && outer->typeContainer) {
      kind = K::Method;
      const Table& t = *table_.table;
      if ((!t.constructorName.empty() && name.text == t.constructorName) ||
          (t.constructorIsClassName && name.text == outer->sym.name))
        kind = K::Constructor;
    } else if (kind == K::Method && !table_.table->constructorName.empty() &&
               name.text == table_.table->constructorName) {
      kind = K::Constructor;  // JS/TS `constructor() {}`
    }
    return kind;
  }

  std::string detailOf(const Rule& rule, TSNode node, const Name& name) const {
    if (!ts_node_is_null(name.function))
      return collapse(nodeText(text_, childByField(name.function, "parameters")));
    if (rule.detailField.empty()) return {};
    const TSNode d = childByFieldPath(node, rule.detailField);
    if (ts_node_is_null(d)) return {};
    return collapse(nodeText(text_, d));
  }

  std::string_view text_;
  const CompiledTable& table_;
  bool nestedFunctions_;
  std::vector<TSNode> path_;  // the cursor's node and its ancestors
  std::vector<Open> open_;    // symbols whose nodes are still being walked
  std::vector<OutlineSymbol> roots_;
};

}  // namespace

std::string_view symbolKindName(SymbolKind kind) {
  static constexpr std::string_view kNames[] = {
      "file",     "module",        "namespace",   "package",     "class",     "method",
      "property", "field",         "constructor", "enum",        "interface", "function",
      "variable", "constant",      "string",      "number",      "boolean",   "array",
      "object",   "key",           "null",        "enum-member", "struct",    "event",
      "operator", "type-parameter"};
  const int i = static_cast<int>(kind) - 1;
  return i >= 0 && i < static_cast<int>(std::size(kNames)) ? kNames[i] : "symbol";
}

std::vector<OutlineSymbol> documentOutline(const DocumentSnapshot& doc) {
  if (!doc.hasTree() || !doc.language()) return {};
  const TreeHandle tree = doc.tree();
  const std::string_view lang = doc.language()->name;
  const bool nested =
      lang == "python" || lang == "javascript" || lang == "typescript" || lang == "tsx";
  return OutlineBuilder(doc.text(), compiledTableFor(*doc.language()), nested).run(tree.root());
}

}  // namespace sb
