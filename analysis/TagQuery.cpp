#include "analysis/TagQuery.h"

#include <algorithm>
#include <mutex>
#include <span>
#include <utility>

#include "analysis/TagQuerySources.h"
#include "analysis/Tags.h"

namespace sb::tags {
namespace {

using K = SymbolKind;

constexpr std::pair<std::string_view, K> kDefinitionKinds[] = {
    {"class", K::Class},        {"struct", K::Struct},           {"interface", K::Interface},
    {"enum", K::Enum},          {"enum_member", K::EnumMember},  {"function", K::Function},
    {"method", K::Method},      {"constructor", K::Constructor}, {"macro", K::Function},
    {"module", K::Module},      {"namespace", K::Namespace},     {"package", K::Package},
    {"type", K::TypeParameter}, {"constant", K::Constant},       {"variable", K::Variable},
    {"field", K::Field},        {"property", K::Property},
};

struct ReferenceKind {
  std::string_view name;
  K kind;
  uint8_t priority;
};
constexpr ReferenceKind kReferenceKinds[] = {
    {"call", K::Function, 4}, {"implementation", K::Interface, 3}, {"class", K::Class, 3},
    {"type", K::Class, 2},    {"variable", K::Variable, 1},
};

[[noreturn]] void fail(std::string_view lang, const std::string& what) {
  throw TagQueryError("tags query for " + std::string(lang) + ": " + what);
}

Capture classify(std::string_view lang, std::string_view name) {
  constexpr std::string_view kDef = "definition.", kRef = "reference.";
  if (name.starts_with('_')) return {};
  if (name == "name") return {Role::Name};
  if (name == "import") return {Role::Import};
  if (name == "comment") return {Role::Comment};
  if (name == "annotation") return {Role::Annotation};
  if (name == "scope") return {Role::Scope};
  if (name == "container") return {Role::Container};
  if (name == "wrapper") return {Role::Wrapper};
  if (name == "wrapper.signature") return {Role::WrapperSignature};
  if (name == "wrapped") return {Role::Wrapped};
  if (name.starts_with(kDef)) {
    for (const auto& [k, kind] : kDefinitionKinds)
      if (k == name.substr(kDef.size())) return {Role::Definition, kind};
  }
  if (name.starts_with(kRef)) {
    for (const ReferenceKind& r : kReferenceKinds)
      if (r.name == name.substr(kRef.size())) return {Role::Reference, r.kind, r.priority};
  }
  fail(lang, "unknown capture @" + std::string(name));
}

std::string_view errorName(TSQueryError e) {
  switch (e) {
    case TSQueryErrorSyntax:
      return "syntax error";
    case TSQueryErrorNodeType:
      return "unknown node type";
    case TSQueryErrorField:
      return "unknown field";
    case TSQueryErrorCapture:
      return "unknown capture";
    case TSQueryErrorStructure:
      return "impossible pattern structure";
    case TSQueryErrorLanguage:
      return "incompatible language";
    case TSQueryErrorNone:
      break;
  }
  return "error";
}

// "line 12, column 5: `text at the error`" (1-based) for an offset into source.
std::string describeOffset(std::string_view source, uint32_t offset) {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(source.size()));
  const std::string_view before = source.substr(0, offset);
  const size_t line = std::count(before.begin(), before.end(), '\n') + 1;
  const size_t lineStart =
      before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  std::string_view rest = source.substr(offset);
  rest = rest.substr(0, std::min(rest.find('\n'), size_t{40}));
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - lineStart + 1) +
         ": `" + std::string(rest) + "`";
}

std::vector<Predicate> parsePredicates(std::string_view lang, const TSQuery* q, uint32_t pattern) {
  uint32_t count = 0;
  const TSQueryPredicateStep* steps = ts_query_predicates_for_pattern(q, pattern, &count);
  std::vector<Predicate> out;
  auto str = [&](uint32_t id) {
    uint32_t len = 0;
    const char* s = ts_query_string_value_for_id(q, id, &len);
    return std::string(s, len);
  };
  for (uint32_t i = 0; i < count;) {
    uint32_t end = i;
    while (end < count && steps[end].type != TSQueryPredicateStepTypeDone) ++end;
    // Steps: the operator, a capture, then string arguments.
    if (end - i < 3 || steps[i].type != TSQueryPredicateStepTypeString ||
        steps[i + 1].type != TSQueryPredicateStepTypeCapture)
      fail(lang, "pattern " + std::to_string(pattern) + ": unsupported predicate shape");
    std::string op = str(steps[i].value_id);
    Predicate p;
    p.negated = op.starts_with("not-");
    if (p.negated) op.erase(0, 4);
    if (op == "eq?")
      p.op = Predicate::Op::Eq;
    else if (op == "any-of?")
      p.op = Predicate::Op::AnyOf;
    else if (op == "match?")
      p.op = Predicate::Op::Match;
    else
      fail(lang, "pattern " + std::to_string(pattern) + ": unsupported predicate #" + op);
    p.capture = steps[i + 1].value_id;
    for (uint32_t k = i + 2; k < end; ++k) {
      if (steps[k].type != TSQueryPredicateStepTypeString)
        fail(lang, "pattern " + std::to_string(pattern) + ": #" + op +
                       " takes strings after the capture");
      p.values.push_back(str(steps[k].value_id));
    }
    if (p.op != Predicate::Op::AnyOf && p.values.size() != 1)
      fail(lang, "pattern " + std::to_string(pattern) + ": #" + op + " takes one string");
    if (p.op == Predicate::Op::Match)
      p.regex = std::regex(p.values[0], std::regex::ECMAScript | std::regex::optimize);
    out.push_back(std::move(p));
    i = end + 1;
  }
  return out;
}

void appendSource(std::string_view name, std::string& out, int depth) {
  const std::string_view text = querySource(std::string(name) + "/tags");
  if (text.empty() || depth > 4) return;
  // "; inherits: a, b" on the first line puts those queries first.
  constexpr std::string_view kInherits = "; inherits:";
  if (text.starts_with(kInherits)) {
    std::string_view list = text.substr(kInherits.size(), text.find('\n') - kInherits.size());
    while (!list.empty()) {
      const size_t comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\r')) item.remove_suffix(1);
      if (!item.empty()) appendSource(item, out, depth + 1);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  out.append(text);
  if (!out.empty() && out.back() != '\n') out += '\n';
}

struct Entry {
  std::unique_ptr<const TagQuery> query;
  std::string error;
};

}  // namespace

TagQuery::TagQuery(const Language& lang, std::string_view source) {
  uint32_t errorOffset = 0;
  TSQueryError error = TSQueryErrorNone;
  query_.reset(ts_query_new(lang.grammar(), source.data(), static_cast<uint32_t>(source.size()),
                            &errorOffset, &error));
  if (!query_)
    fail(lang.name, std::string(errorName(error)) + " at " + describeOffset(source, errorOffset));
  const uint32_t captures = ts_query_capture_count(query_.get());
  for (uint32_t i = 0; i < captures; ++i) {
    uint32_t len = 0;
    const char* name = ts_query_capture_name_for_id(query_.get(), i, &len);
    captures_.push_back(classify(lang.name, std::string_view(name, len)));
  }
  const uint32_t patterns = ts_query_pattern_count(query_.get());
  for (uint32_t p = 0; p < patterns; ++p)
    predicates_.push_back(parsePredicates(lang.name, query_.get(), p));
}

bool TagQuery::accepts(const TSQueryMatch& m, std::string_view text) const {
  for (const Predicate& p : predicates_[m.pattern_index]) {
    for (uint16_t i = 0; i < m.capture_count; ++i) {
      if (m.captures[i].index != p.capture) continue;
      const TSNode n = m.captures[i].node;
      const std::string_view value =
          text.substr(ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
      bool ok = false;
      switch (p.op) {
        case Predicate::Op::Eq:
          ok = value == p.values[0];
          break;
        case Predicate::Op::AnyOf:
          ok = std::find(p.values.begin(), p.values.end(), value) != p.values.end();
          break;
        case Predicate::Op::Match:
          ok = std::regex_search(value.begin(), value.end(), p.regex);
          break;
      }
      if (ok == p.negated) return false;
    }
  }
  return true;
}

std::string tagQuerySource(std::string_view languageName) {
  std::string out;
  appendSource(languageName, out, 0);
  return out;
}

const TagQuery* tagQueryFor(const Language& lang) {
  // Each language's query is compiled on first use (tens of milliseconds for
  // the big grammars) and never changes afterwards. A query that fails keeps
  // its error, so the other languages still work.
  struct Slot {
    std::once_flag once;
    Entry entry;
  };
  static const std::span<const Language* const> languages = allLanguages();
  static const std::unique_ptr<Slot[]> slots = std::make_unique<Slot[]>(languages.size());
  const auto it = std::find(languages.begin(), languages.end(), &lang);
  if (it == languages.end()) return nullptr;
  Slot& slot = slots[static_cast<size_t>(it - languages.begin())];
  std::call_once(slot.once, [&] {
    const std::string source = tagQuerySource(lang.name);
    if (source.empty()) return;
    try {
      slot.entry.query = std::make_unique<const TagQuery>(lang, source);
    } catch (const TagQueryError& err) {
      slot.entry.error = err.what();
    }
  });
  if (!slot.entry.error.empty()) throw TagQueryError(slot.entry.error);
  return slot.entry.query.get();
}

}  // namespace sb::tags
