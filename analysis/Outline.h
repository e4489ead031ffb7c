#pragma once
// Hierarchical document symbols (the LSP textDocument/documentSymbol shape).

#include <string>
#include <string_view>
#include <vector>

#include "analysis/Document.h"

namespace sb {

enum class SymbolKind : int {  // LSP numbering
  File = 1,
  Module,
  Namespace,
  Package,
  Class,
  Method,
  Property,
  Field,
  Constructor,
  Enum,
  Interface,
  Function,
  Variable,
  Constant,
  String,
  Number,
  Boolean,
  Array,
  Object,
  Key,
  Null,
  EnumMember,
  Struct,
  Event,
  Operator,
  TypeParameter
};

// Lower-case name for messages and command-line output: "function", "enum-member".
std::string_view symbolKindName(SymbolKind kind);

struct OutlineSymbol {
  std::string name;
  std::string detail;  // parameters, a type, ...; may be empty
  SymbolKind kind = SymbolKind::Variable;
  ByteRange range;           // the whole declaration (with decorators/export/template)
  ByteRange selectionRange;  // the name; inside range
  std::vector<OutlineSymbol> children;
};

// Symbols nest as their nodes do in the tree. Notable choices:
// - C++ out-of-line definitions (`void Foo::bar() {}`) are top-level Methods
//   named with the qualified name "Foo::bar" (Constructor for `Foo::Foo`);
//   namespace-qualified free functions look the same and are Methods too.
// - Go methods are top-level, named "(*T).Name" like gopls.
// - Rust impl blocks are Namespace containers named "impl T" or "impl Tr for T".
// - Locals (variables inside functions) are left out.
// Empty when the document has no tree.
std::vector<OutlineSymbol> documentOutline(const DocumentSnapshot& doc);

}  // namespace sb
