#pragma once
// Internal: the per-language tables that drive documentOutline. Each rule says
// which node type makes a symbol, of what kind, and where its name is.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "analysis/Language.h"
#include "analysis/Outline.h"

namespace sb::outline {

enum class NameFrom : uint8_t {
  Field,       // the child at path `nameField` ("name", "declarator/name")
  Self,        // the node is its own name
  Declarator,  // C/C++: follow `declarator` children down to the identifier
  RustImpl,    // "impl Type" / "impl Trait for Type"
  GoMethod,    // "(*Recv).Name"
  JsonKey,     // the pair's key without quotes
};

enum class KindFrom : uint8_t {
  Fixed,         // rule.kind
  CDeclarator,   // Function when the declarator declares a function, else rule.kind
  CTypedef,      // Struct/Enum/Class after the aliased type, else TypeParameter
  JsDeclarator,  // Function/Class after the value, else Constant for const, Variable
  GoTypeSpec,    // Struct/Interface after the type, else Class
  JsonValue,     // Object/Array/String/Number/Boolean/Null after the value
  PyAssignment,  // Field in a class, Constant when UPPER_CASE, else Variable
};

enum Flag : uint8_t {
  RequireBody = 1,     // skip declarations without a `body` (forward declarations, uses)
  SkipInFunction = 2,  // skip inside functions (locals)
  MethodInType = 4,    // a Function directly inside a type becomes a Method
  TypeContainer = 8,   // functions inside are methods (implied for Class/Struct/Interface/Enum)
};

struct Rule {
  std::string_view nodeType;
  SymbolKind kind = SymbolKind::Variable;
  NameFrom nameFrom = NameFrom::Field;
  std::string_view nameField = "name";
  std::string_view detailField = {};  // path of a child whose text is the detail
  uint8_t flags = 0;
  std::string_view parentType = {};  // when set, only under a parent of this type
  KindFrom kindFrom = KindFrom::Fixed;
  std::string_view anonymousName = {};  // name to use when there is none; else skip the node
};

struct Table {
  std::span<const Rule> rules;
  // Parents whose range a symbol's range grows to (decorators, export, template<>).
  std::span<const std::string_view> wrappers;
  // A method with this name is a Constructor ("__init__", "constructor").
  std::string_view constructorName;
  // C++: a method named like its class is a Constructor.
  bool constructorIsClassName = false;
};

// The language's table with rules indexed by grammar symbol; built once.
struct CompiledTable {
  const Table* table = nullptr;
  std::vector<const Rule*> bySymbol;
};
const CompiledTable& compiledTableFor(const Language& lang);

}  // namespace sb::outline
