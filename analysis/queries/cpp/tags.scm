; inherits: c
; C++ tags: the C patterns plus classes, namespaces, aliases and templates.

(class_specifier name: (_) @name body: (_)) @definition.class
(namespace_definition name: (_) @name) @definition.namespace
(alias_declaration name: (type_identifier) @name) @definition.type
(concept_definition name: (identifier) @name) @definition.interface

; `template <...>` belongs to the range and the signature.
(template_declaration
  [(function_definition) (declaration) (field_declaration) (class_specifier) (struct_specifier)
   (union_specifier) (alias_declaration) (concept_definition) (template_declaration)] @wrapped) @wrapper.signature

(call_expression function: (qualified_identifier name: (identifier) @name)) @reference.call
(call_expression function: (template_function name: (identifier) @name)) @reference.call
(call_expression
  function: (qualified_identifier name: (template_function name: (identifier) @name))) @reference.call
(new_expression type: (type_identifier) @name) @reference.class
(base_class_clause (type_identifier) @name) @reference.class
(namespace_identifier) @name @reference.type
