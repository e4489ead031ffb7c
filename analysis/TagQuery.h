#pragma once
// Internal: a language's compiled tags query and what each capture means.
//
// Capture names (see analysis/queries/README.md):
//   @name                 the name of a definition, reference or scope
//   @definition.<kind>    a definition node; <kind> maps to a SymbolKind
//   @reference.<kind>     a reference (call, class, type, implementation, variable)
//   @import               an import/include path
//   @comment              a comment that may document the next definition
//   @annotation           a node that may sit between a doc comment and its definition
//   @scope                a container that is not itself a definition (Rust impl)
//   @container            an extra container for the definition (Go receiver)
//   @wrapper / @wrapped   a node that, when it wraps one definition only, grows its
//                         range (export, decorators); @wrapper.signature also
//                         starts the signature (template<>, `const`)
//   @_anything            used by predicates only

#include <tree_sitter/api.h>

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/Language.h"
#include "analysis/Outline.h"

namespace sb::tags {

enum class Role : uint8_t {
  Ignored,
  Name,
  Definition,
  Reference,
  Import,
  Comment,
  Annotation,
  Scope,
  Container,
  Wrapper,
  WrapperSignature,
  Wrapped
};

struct Capture {
  Role role = Role::Ignored;
  SymbolKind kind = SymbolKind::Variable;
  uint8_t priority = 0;  // references: the most specific capture of a name wins
};

// The text predicates tree-sitter leaves to the caller: #eq?, #not-eq?,
// #any-of?, #not-any-of?, #match?, #not-match? on one capture.
struct Predicate {
  enum class Op : uint8_t { Eq, AnyOf, Match } op;
  bool negated = false;
  uint32_t capture = 0;
  std::vector<std::string> values;
  std::regex regex;
};

struct TSQueryDeleter {
  void operator()(TSQuery* q) const { ts_query_delete(q); }
};

class TagQuery {
 public:
  // Throws TagQueryError.
  TagQuery(const Language& lang, std::string_view source);

  const TSQuery* get() const { return query_.get(); }
  const Capture& capture(uint32_t id) const { return captures_[id]; }
  // True when the match passes its pattern's predicates.
  bool accepts(const TSQueryMatch& m, std::string_view text) const;

 private:
  std::unique_ptr<TSQuery, TSQueryDeleter> query_;
  std::vector<Capture> captures_;
  std::vector<std::vector<Predicate>> predicates_;  // by pattern
};

// The query text for a language, with `; inherits: a, b` lines resolved
// (the named queries come first). Empty when the language has none.
std::string tagQuerySource(std::string_view languageName);

// Compiled once per language and immutable afterwards; TSQuery is safe to
// share across threads (each caller uses its own TSQueryCursor). nullptr when
// the language has no query; throws TagQueryError when it does not compile.
const TagQuery* tagQueryFor(const Language& lang);

}  // namespace sb::tags
