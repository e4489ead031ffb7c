; inherits: ecma
; TypeScript tags: the shared ECMAScript patterns plus types.

(function_signature name: (identifier) @name) @definition.function
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(enum_body name: (property_identifier) @name @definition.enum_member)
(enum_assignment name: (property_identifier) @name) @definition.enum_member
(internal_module name: (_) @name) @definition.namespace
(module name: (_) @name) @definition.module
(method_signature name: (_) @name) @definition.method
(abstract_method_signature name: (_) @name) @definition.method
(property_signature name: (_) @name) @definition.field
(public_field_definition name: (_) @name) @definition.field

(ambient_declaration (_) @wrapped) @wrapper

(extends_clause value: (identifier) @name) @reference.class
(implements_clause
  [(type_identifier) @name (generic_type name: (type_identifier) @name)]) @reference.implementation
(extends_type_clause
  type: [(type_identifier) @name (generic_type name: (type_identifier) @name)]) @reference.implementation
(type_identifier) @name @reference.type
