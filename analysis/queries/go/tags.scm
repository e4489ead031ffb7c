; Go tags.

(package_clause (package_identifier) @name) @definition.package
(function_declaration name: (identifier) @name) @definition.function

; Methods live in their receiver type: `func (s *Server) Start()` is Server's.
(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [(type_identifier) @container
             (pointer_type (type_identifier) @container)
             (generic_type type: (type_identifier) @container)
             (pointer_type (generic_type type: (type_identifier) @container))]))
  name: (field_identifier) @name) @definition.method

(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name) @definition.class
(type_alias name: (type_identifier) @name) @definition.type
(field_declaration name: (field_identifier) @name) @definition.field
(method_elem name: (field_identifier) @name) @definition.method
(const_spec name: (identifier) @name) @definition.constant
(var_spec name: (identifier) @name) @definition.variable

; `type X struct{}` / `const X = 1` outside a group: the keyword belongs to it.
(type_declaration (_) @wrapped) @wrapper.signature
(const_declaration (const_spec) @wrapped) @wrapper.signature
(var_declaration (var_spec) @wrapped) @wrapper.signature

(import_spec path: (_) @import)

(comment) @comment

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (selector_expression field: (field_identifier) @name)) @reference.call
(composite_literal type: (type_identifier) @name) @reference.class
(type_identifier) @name @reference.type
(identifier) @name @reference.variable
(selector_expression field: (field_identifier) @name) @reference.variable
