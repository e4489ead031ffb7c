#include "analysis/Tags.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "analysis/NodeUtil.h"
#include "analysis/TagMatches.h"
#include "analysis/TagNodes.h"
#include "analysis/TagQuery.h"
#include "analysis/TagText.h"

namespace sb {
namespace {

using namespace tags;
using K = SymbolKind;

constexpr size_t kMaxDocBytes = 2000;
constexpr uint32_t kMaxSignatureScan = 1000;  // bytes of source looked at for a signature

// What the queries cannot say: naming conventions of each language.
struct LanguageRules {
  std::string_view separator = ".";
  std::string_view constructorName = {};  // a method with this name is a Constructor
  bool constructorIsClassName = false;    // C++: a method named like its class
  bool upperCaseConstants = false;        // Python: module-level MAX_SIZE = ... is a Constant
  bool docstrings = false;                // Python
  bool innerDocComments = false;          // Rust: //! and /*! document the enclosing item
};

LanguageRules rulesFor(std::string_view lang) {
  if (lang == "c") return {.separator = "::"};
  if (lang == "cpp") return {.separator = "::", .constructorIsClassName = true};
  if (lang == "rust") return {.separator = "::", .innerDocComments = true};
  if (lang == "python")
    return {.constructorName = "__init__", .upperCaseConstants = true, .docstrings = true};
  if (lang == "javascript" || lang == "typescript" || lang == "tsx")
    return {.constructorName = "constructor"};
  return {};
}

bool contains(ByteRange outer, ByteRange inner) {
  return outer.begin <= inner.begin && inner.end <= outer.end;
}

bool isTypeKind(K k) {
  return k == K::Class || k == K::Struct || k == K::Interface || k == K::Enum;
}
bool isFunctionKind(K k) {
  return k == K::Function || k == K::Method || k == K::Constructor;
}
bool isDataKind(K k) {
  return k == K::Variable || k == K::Constant || k == K::Field || k == K::Property ||
         k == K::EnumMember;
}

// Turns raw matches into tags in one pass over the definitions in document
// order, keeping a stack of the open scopes for containers and kinds.
class Assembler {
 public:
  Assembler(std::string_view text, const LanguageRules& rules, Matches& m)
      : text_(text), rules_(rules), m_(m) {
    std::sort(m_.docItems.begin(), m_.docItems.end(),
              [](const DocItem& a, const DocItem& b) { return a.range.begin < b.range.begin; });
  }

  FileTags run() {
    FileTags out;
    collectImports(out.imports);
    std::vector<Item> items = definitionItems();
    for (const Scope& s : m_.scopes) items.push_back({byteRangeOf(s.node), {}, nullptr, &s});
    std::sort(excluded_.begin(), excluded_.end(),
              [](ByteRange a, ByteRange b) { return a.begin < b.begin; });
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      return a.range.begin != b.range.begin ? a.range.begin < b.range.begin
                                            : a.range.end > b.range.end;
    });
    std::vector<RawReference> refs = uniqueReferences();
    size_t r = 0;
    for (const Item& item : items) {
      for (; r < refs.size() && refs[r].name.begin < item.range.begin; ++r)
        addReference(refs[r], out.references);
      if (item.scope)
        enterScope(item);
      else if (auto tag = definition(item))
        out.definitions.push_back(std::move(*tag));
    }
    for (; r < refs.size(); ++r) addReference(refs[r], out.references);
    std::stable_sort(out.definitions.begin(), out.definitions.end(),
                     [](const Tag& a, const Tag& b) { return a.range.begin < b.range.begin; });
    return out;
  }

 private:
  enum class Category { Type, Function, Namespace };
  struct Open {
    ByteRange range;
    std::string path;  // container + name
    std::string name;
    Category category;
  };
  struct Item {
    ByteRange range;  // with wrappers
    ResolvedName name;
    const RawDefinition* def;
    const Scope* scope;
    TSNode signatureStart{};
  };

  std::string join(std::string_view a, std::string_view b) const {
    if (a.empty()) return std::string(b);
    if (b.empty()) return std::string(a);
    return std::string(a).append(rules_.separator).append(b);
  }

  // One item per name (the earliest pattern wins), with wrapper-grown ranges.
  std::vector<Item> definitionItems() {
    std::vector<Item> items;
    items.reserve(m_.definitions.size());
    for (const RawDefinition& d : m_.definitions) {
      ResolvedName name = resolveName(text_, d.name);
      if (!name.text.empty())
        items.push_back({byteRangeOf(d.node), std::move(name), &d, nullptr, d.node});
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      const uint32_t ab = ts_node_start_byte(a.name.node), bb = ts_node_start_byte(b.name.node);
      return ab != bb ? ab < bb : a.def->pattern < b.def->pattern;
    });
    std::unordered_set<uint64_t> seen;
    std::erase_if(
        items, [&](const Item& i) { return !seen.insert(keyOf(byteRangeOf(i.name.node))).second; });
    for (Item& item : items) {
      definitionNames_.push_back(byteRangeOf(item.name.node));
      if (item.def->kind == K::Package) excluded_.push_back(item.range);
      for (int depth = 0; depth < 8; ++depth) {
        const auto w = m_.wrapperOf.find(keyOf(item.range));
        if (w == m_.wrapperOf.end()) break;
        const WrapperInfo& info = m_.wrappers.at(w->second);
        if (info.ambiguous) break;
        item.range = byteRangeOf(info.node);
        if (info.signature) item.signatureStart = info.node;
      }
    }
    return items;
  }

  void popClosed(ByteRange r) {
    // An open scope with the very same range is a sibling (`int a, b;`), not a parent.
    while (!open_.empty() && (open_.back().range.end <= r.begin || open_.back().range == r))
      open_.pop_back();
  }

  void enterScope(const Item& item) {
    popClosed(item.range);
    const std::string name(withoutTemplateArgs(nodeText(text_, item.scope->name)));
    open_.push_back(
        {item.range, join(open_.empty() ? "" : open_.back().path, name), name, Category::Type});
  }

  std::optional<Tag> definition(const Item& item) {
    popClosed(item.range);
    const Open* outer = open_.empty() ? nullptr : &open_.back();
    const ResolvedName& name = item.name;
    Tag t;
    t.name = name.text;
    t.role = TagRole::Definition;
    t.range = item.range;
    t.nameRange = byteRangeOf(name.node);
    t.container = outer ? outer->path : "";
    for (const std::string& q : name.qualifier) t.container = join(t.container, q);
    const bool explicitContainer = !ts_node_is_null(item.def->container);
    if (explicitContainer)
      t.container = join(t.container, withoutTemplateArgs(nodeText(text_, item.def->container)));
    const bool qualified = !name.qualifier.empty() || explicitContainer;
    const bool inType = !qualified && outer && outer->category == Category::Type;

    K kind = item.def->kind;
    if (name.declaresFunction && (kind == K::Variable || kind == K::Field)) kind = K::Function;
    if (kind == K::Function && (qualified || inType)) kind = K::Method;
    if (kind == K::Variable && inType)
      kind = K::Field;
    else if (kind == K::Variable && rules_.upperCaseConstants && isUpperCaseName(t.name))
      kind = K::Constant;
    if (kind == K::Method) {
      const std::string_view owner = !name.qualifier.empty()
                                         ? std::string_view(name.qualifier.back())
                                     : inType ? std::string_view(outer->name)
                                              : std::string_view{};
      if ((!rules_.constructorName.empty() && t.name == rules_.constructorName) ||
          (rules_.constructorIsClassName && t.name == owner))
        kind = K::Constructor;
    }
    // Locals are not definitions worth indexing.
    if (isDataKind(kind) && outer && outer->category == Category::Function) return std::nullopt;
    t.kind = kind;

    t.signature = signatureOf(item, kind);
    if (rules_.docstrings) t.doc = pythonDocstring(text_, item.def->node);
    if (t.doc.empty()) t.doc = commentsAbove(item.range.begin);
    truncateUtf8(t.doc, kMaxDocBytes);

    if (isTypeKind(kind) || isFunctionKind(kind) || kind == K::Namespace || kind == K::Module) {
      const Category c = isTypeKind(kind)       ? Category::Type
                         : isFunctionKind(kind) ? Category::Function
                                                : Category::Namespace;
      open_.push_back({item.range, join(t.container, t.name), t.name, c});
    }
    return t;
  }

  std::string signatureOf(const Item& item, K kind) const {
    const uint32_t begin = ts_node_start_byte(item.signatureStart);
    SignatureScan scan = scanSignature(item.signatureStart, begin + kMaxSignatureScan);
    if (isDataKind(kind)) scan.end = std::min(scan.end, lineEnd(begin));
    std::string source;
    uint32_t at = begin;
    for (const ByteRange& c : scan.comments) {
      if (c.begin >= scan.end) break;
      source.append(text_.substr(at, c.begin - at)).append(" ");
      at = c.end;
    }
    if (at < scan.end) source.append(text_.substr(at, scan.end - at));
    // `typedef struct { ... } Vec;`: the name comes after the body.
    const uint32_t nameBegin = ts_node_start_byte(item.name.node);
    if (isTypeKind(kind) && nameBegin >= scan.end && nameBegin < item.range.end)
      source.append(" { … } ").append(item.name.text);
    return collapseSignature(source);
  }

  uint32_t lineEnd(uint32_t from) const {
    const size_t nl = text_.find('\n', from);
    return nl == std::string_view::npos ? static_cast<uint32_t>(text_.size())
                                        : static_cast<uint32_t>(nl);
  }

  // Comments directly above `begin` (no blank line between), skipping annotations.
  std::string commentsAbove(uint32_t begin) const {
    const auto& items = m_.docItems;
    auto it = std::upper_bound(items.begin(), items.end(), begin,
                               [](uint32_t b, const DocItem& d) { return b < d.range.end; });
    std::vector<std::string_view> comments;  // nearest first
    while (it != items.begin()) {
      const DocItem& d = *--it;
      uint32_t end = d.range.end;
      while (end > d.range.begin && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
      const std::string_view gap = text_.substr(end, begin - end);
      if (std::count(gap.begin(), gap.end(), '\n') > 1 ||
          gap.find_first_not_of(" \t\r\n") != std::string_view::npos)
        break;
      const size_t lineStart = text_.rfind('\n', d.range.begin == 0 ? 0 : d.range.begin - 1);
      const size_t from =
          lineStart == std::string_view::npos || d.range.begin == 0 ? 0 : lineStart + 1;
      if (text_.substr(from, d.range.begin - from).find_first_not_of(" \t") !=
          std::string_view::npos)
        break;
      const std::string_view body = text_.substr(d.range.begin, d.range.end - d.range.begin);
      if (d.comment) {
        if (rules_.innerDocComments && (body.starts_with("//!") || body.starts_with("/*!"))) break;
        comments.push_back(body);
      }
      begin = d.range.begin;
    }
    std::string doc;
    for (auto c = comments.rbegin(); c != comments.rend(); ++c) {
      const std::string part = stripCommentMarkers(*c);
      if (!doc.empty() && !part.empty()) doc += '\n';
      doc += part;
      if (doc.size() > kMaxDocBytes) break;
    }
    return doc;
  }

  void collectImports(std::vector<Import>& out) {
    for (TSNode n : m_.imports) excluded_.push_back(byteRangeOf(n));
    out = importsOf(m_.imports, text_);
  }

  // Sorted by position, one per name range (the most specific capture).
  std::vector<RawReference> uniqueReferences() {
    auto& refs = m_.references;
    std::sort(refs.begin(), refs.end(), [](const RawReference& a, const RawReference& b) {
      if (a.name.begin != b.name.begin) return a.name.begin < b.name.begin;
      if (a.name.end != b.name.end) return a.name.end < b.name.end;
      return a.priority > b.priority;
    });
    refs.erase(
        std::unique(refs.begin(), refs.end(),
                    [](const RawReference& a, const RawReference& b) { return a.name == b.name; }),
        refs.end());
    return std::move(refs);
  }

  void addReference(const RawReference& r, std::vector<Tag>& out) {
    if (r.name.end <= r.name.begin) return;
    // References arrive in order, so these sorted ranges are walked once.
    while (nextName_ < definitionNames_.size() && definitionNames_[nextName_].end <= r.name.begin)
      ++nextName_;
    if (nextName_ < definitionNames_.size() && contains(definitionNames_[nextName_], r.name))
      return;
    while (nextExcluded_ < excluded_.size() && excluded_[nextExcluded_].end <= r.name.begin)
      ++nextExcluded_;
    if (nextExcluded_ < excluded_.size() && contains(excluded_[nextExcluded_], r.name)) return;
    popClosed(r.name);
    Tag t;
    t.name = text_.substr(r.name.begin, r.name.end - r.name.begin);
    t.kind = r.kind;
    t.role = TagRole::Reference;
    t.range = t.nameRange = r.name;
    t.container = open_.empty() ? "" : open_.back().path;
    out.push_back(std::move(t));
  }

  std::string_view text_;
  const LanguageRules& rules_;
  Matches& m_;
  std::vector<Open> open_;  // enclosing scopes, innermost last
  std::vector<ByteRange>
      definitionNames_;  // a definition's name is no reference (nor what is inside it)
  size_t nextName_ = 0;
  std::vector<ByteRange> excluded_;  // imports and package names hold no references
  size_t nextExcluded_ = 0;
};

}  // namespace

bool hasTagQuery(const Language& lang) {
  return tagQueryFor(lang) != nullptr;
}

FileTags extractTags(const DocumentSnapshot& doc) {
  if (!doc.hasTree() || !doc.language()) return {};
  const TagQuery* query = tagQueryFor(*doc.language());
  if (!query) return {};
  const TreeHandle tree = doc.tree();
  Matches matches = runQuery(*query, tree.root(), doc.text());
  const LanguageRules rules = rulesFor(doc.language()->name);
  return Assembler(doc.text(), rules, matches).run();
}

}  // namespace sb
