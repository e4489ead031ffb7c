#include "analysis/OutlineRules.h"

#include <tree_sitter/api.h>

#include <array>
#include <map>

namespace sb::outline {
namespace {

using K = SymbolKind;

template <size_t N, size_t M>
constexpr std::array<Rule, N + M> concat(const Rule (&a)[N], const Rule (&b)[M]) {
  std::array<Rule, N + M> out{};
  for (size_t i = 0; i < N; ++i) out[i] = a[i];
  for (size_t i = 0; i < M; ++i) out[N + i] = b[i];
  return out;
}

// C and C++ share most rules; C++ adds classes and namespaces.
constexpr Rule kC[] = {
    {.nodeType = "function_definition",
     .kind = K::Function,
     .nameFrom = NameFrom::Declarator,
     .flags = MethodInType,
     .kindFrom = KindFrom::CDeclarator},
    {.nodeType = "declaration",
     .kind = K::Variable,
     .nameFrom = NameFrom::Declarator,
     .flags = SkipInFunction | MethodInType,
     .kindFrom = KindFrom::CDeclarator},
    {.nodeType = "field_declaration",
     .kind = K::Field,
     .nameFrom = NameFrom::Declarator,
     .flags = MethodInType,
     .parentType = "field_declaration_list",
     .kindFrom = KindFrom::CDeclarator},
    {.nodeType = "struct_specifier", .kind = K::Struct, .flags = RequireBody},
    {.nodeType = "union_specifier", .kind = K::Struct, .flags = RequireBody},
    {.nodeType = "enum_specifier", .kind = K::Enum, .flags = RequireBody},
    {.nodeType = "enumerator", .kind = K::EnumMember},
    {.nodeType = "type_definition",
     .kind = K::TypeParameter,
     .nameFrom = NameFrom::Declarator,
     .kindFrom = KindFrom::CTypedef},
    {.nodeType = "preproc_def", .kind = K::Constant},
    {.nodeType = "preproc_function_def", .kind = K::Function, .detailField = "parameters"},
};
constexpr Rule kCppOnly[] = {
    {.nodeType = "class_specifier", .kind = K::Class, .flags = RequireBody},
    {.nodeType = "namespace_definition",
     .kind = K::Namespace,
     .anonymousName = "(anonymous namespace)"},
    {.nodeType = "alias_declaration", .kind = K::TypeParameter},
    {.nodeType = "concept_definition", .kind = K::Interface},
};
constexpr auto kCpp = concat(kC, kCppOnly);

constexpr Rule kPython[] = {
    {.nodeType = "class_definition", .kind = K::Class},
    {.nodeType = "function_definition",
     .kind = K::Function,
     .detailField = "parameters",
     .flags = MethodInType},
    {.nodeType = "assignment",
     .kind = K::Variable,
     .nameField = "left",
     .detailField = "type",
     .flags = SkipInFunction,
     .parentType = "expression_statement",
     .kindFrom = KindFrom::PyAssignment},
};

// TypeScript adds its declarations to the JavaScript rules.
constexpr Rule kJavaScript[] = {
    {.nodeType = "class_declaration", .kind = K::Class},
    {.nodeType = "class", .kind = K::Class},
    {.nodeType = "function_declaration", .kind = K::Function, .detailField = "parameters"},
    {.nodeType = "generator_function_declaration",
     .kind = K::Function,
     .detailField = "parameters"},
    {.nodeType = "method_definition", .kind = K::Method, .detailField = "parameters"},
    {.nodeType = "field_definition", .kind = K::Property, .nameField = "property"},
    {.nodeType = "variable_declarator",
     .kind = K::Variable,
     .flags = SkipInFunction,
     .kindFrom = KindFrom::JsDeclarator},
};
constexpr Rule kTypeScriptOnly[] = {
    {.nodeType = "abstract_class_declaration", .kind = K::Class},
    {.nodeType = "interface_declaration", .kind = K::Interface},
    {.nodeType = "type_alias_declaration", .kind = K::TypeParameter},
    {.nodeType = "enum_declaration", .kind = K::Enum},
    {.nodeType = "enum_assignment", .kind = K::EnumMember},
    {.nodeType = "property_identifier",
     .kind = K::EnumMember,
     .nameFrom = NameFrom::Self,
     .parentType = "enum_body"},
    {.nodeType = "public_field_definition", .kind = K::Property},
    {.nodeType = "property_signature", .kind = K::Property},
    {.nodeType = "method_signature", .kind = K::Method, .detailField = "parameters"},
    {.nodeType = "abstract_method_signature", .kind = K::Method, .detailField = "parameters"},
    {.nodeType = "function_signature", .kind = K::Function, .detailField = "parameters"},
    {.nodeType = "internal_module", .kind = K::Namespace},
    {.nodeType = "module", .kind = K::Module},
};
constexpr auto kTypeScript = concat(kJavaScript, kTypeScriptOnly);

constexpr Rule kGo[] = {
    {.nodeType = "function_declaration", .kind = K::Function, .detailField = "parameters"},
    {.nodeType = "method_declaration",
     .kind = K::Method,
     .nameFrom = NameFrom::GoMethod,
     .detailField = "parameters"},
    {.nodeType = "type_spec", .kind = K::Class, .kindFrom = KindFrom::GoTypeSpec},
    {.nodeType = "type_alias", .kind = K::Class},
    {.nodeType = "field_declaration", .kind = K::Field, .detailField = "type"},
    {.nodeType = "method_elem", .kind = K::Method, .detailField = "parameters"},
    {.nodeType = "const_spec", .kind = K::Constant, .flags = SkipInFunction},
    {.nodeType = "var_spec", .kind = K::Variable, .flags = SkipInFunction},
};

constexpr Rule kRust[] = {
    {.nodeType = "function_item",
     .kind = K::Function,
     .detailField = "parameters",
     .flags = MethodInType},
    {.nodeType = "function_signature_item",
     .kind = K::Function,
     .detailField = "parameters",
     .flags = MethodInType},
    {.nodeType = "struct_item", .kind = K::Struct},
    {.nodeType = "union_item", .kind = K::Struct},
    {.nodeType = "enum_item", .kind = K::Enum},
    {.nodeType = "enum_variant", .kind = K::EnumMember},
    {.nodeType = "trait_item", .kind = K::Interface},
    {.nodeType = "impl_item",
     .kind = K::Namespace,
     .nameFrom = NameFrom::RustImpl,
     .flags = TypeContainer},
    {.nodeType = "mod_item", .kind = K::Module},
    {.nodeType = "const_item", .kind = K::Constant, .detailField = "type", .flags = SkipInFunction},
    {.nodeType = "static_item",
     .kind = K::Variable,
     .detailField = "type",
     .flags = SkipInFunction},
    {.nodeType = "type_item", .kind = K::TypeParameter},
    {.nodeType = "associated_type", .kind = K::TypeParameter},
    {.nodeType = "macro_definition", .kind = K::Function},
    {.nodeType = "field_declaration",
     .kind = K::Field,
     .detailField = "type",
     .parentType = "field_declaration_list"},
};

constexpr Rule kJava[] = {
    {.nodeType = "class_declaration", .kind = K::Class},
    {.nodeType = "interface_declaration", .kind = K::Interface},
    {.nodeType = "enum_declaration", .kind = K::Enum},
    {.nodeType = "record_declaration", .kind = K::Class, .detailField = "parameters"},
    {.nodeType = "annotation_type_declaration", .kind = K::Interface},
    {.nodeType = "method_declaration", .kind = K::Method, .detailField = "parameters"},
    {.nodeType = "constructor_declaration", .kind = K::Constructor, .detailField = "parameters"},
    {.nodeType = "compact_constructor_declaration", .kind = K::Constructor},
    {.nodeType = "field_declaration",
     .kind = K::Field,
     .nameField = "declarator/name",
     .detailField = "type"},
    {.nodeType = "constant_declaration",
     .kind = K::Constant,
     .nameField = "declarator/name",
     .detailField = "type"},
    {.nodeType = "enum_constant", .kind = K::EnumMember},
};

constexpr Rule kJson[] = {
    {.nodeType = "pair",
     .kind = K::Key,
     .nameFrom = NameFrom::JsonKey,
     .kindFrom = KindFrom::JsonValue},
};

constexpr Rule kBash[] = {
    {.nodeType = "function_definition", .kind = K::Function},
};

constexpr std::string_view kCppWrappers[] = {"template_declaration"};
constexpr std::string_view kPyWrappers[] = {"decorated_definition"};
constexpr std::string_view kJsWrappers[] = {"export_statement"};

const Table* tableFor(std::string_view name) {
  static const std::map<std::string_view, Table> tables = {
      {"c", {kC, std::span<const std::string_view>{}, {}}},
      {"cpp", {kCpp, kCppWrappers, {}, true}},
      {"python", {kPython, kPyWrappers, "__init__"}},
      {"javascript", {kJavaScript, kJsWrappers, "constructor"}},
      {"typescript", {kTypeScript, kJsWrappers, "constructor"}},
      {"tsx", {kTypeScript, kJsWrappers, "constructor"}},
      {"go", {kGo, std::span<const std::string_view>{}, {}}},
      {"rust", {kRust, std::span<const std::string_view>{}, {}}},
      {"java", {kJava, std::span<const std::string_view>{}, {}}},
      {"json", {kJson, std::span<const std::string_view>{}, {}}},
      {"bash", {kBash, std::span<const std::string_view>{}, {}}},
  };
  static const Table empty{};
  const auto it = tables.find(name);
  return it == tables.end() ? &empty : &it->second;
}

CompiledTable compile(const Language& lang) {
  CompiledTable out;
  out.table = tableFor(lang.name);
  const TSLanguage* grammar = lang.grammar();
  const uint32_t count = ts_language_symbol_count(grammar);
  out.bySymbol.assign(count, nullptr);
  // Walk every symbol, not ts_language_symbol_for_name: aliases give one
  // name several symbols.
  for (uint32_t s = 0; s < count; ++s) {
    const auto sym = static_cast<TSSymbol>(s);
    if (ts_language_symbol_type(grammar, sym) != TSSymbolTypeRegular) continue;
    const std::string_view name = ts_language_symbol_name(grammar, sym);
    for (const Rule& rule : out.table->rules)
      if (rule.nodeType == name) out.bySymbol[s] = &rule;
  }
  return out;
}

}  // namespace

const CompiledTable& compiledTableFor(const Language& lang) {
  static const std::map<const Language*, CompiledTable> compiled = [] {
    std::map<const Language*, CompiledTable> m;
    for (const Language* l : allLanguages()) m.emplace(l, compile(*l));
    return m;
  }();
  return compiled.at(&lang);
}

}  // namespace sb::outline
