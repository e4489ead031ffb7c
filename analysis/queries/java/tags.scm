; Java tags.

(package_declaration (_) @name) @definition.package
(class_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(record_declaration name: (identifier) @name) @definition.class
(annotation_type_declaration name: (identifier) @name) @definition.interface
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(compact_constructor_declaration name: (identifier) @name) @definition.constructor
(field_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.field
(constant_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.constant
(enum_constant name: (identifier) @name) @definition.enum_member

(import_declaration) @import

(line_comment) @comment
(block_comment) @comment

(method_invocation name: (identifier) @name) @reference.call
(object_creation_expression type: (type_identifier) @name) @reference.class
(object_creation_expression type: (generic_type (type_identifier) @name)) @reference.class
(superclass [(type_identifier) @name (generic_type (type_identifier) @name)]) @reference.class
(super_interfaces
  (type_list [(type_identifier) @name (generic_type (type_identifier) @name)])) @reference.implementation
(extends_interfaces
  (type_list [(type_identifier) @name (generic_type (type_identifier) @name)])) @reference.implementation
(type_identifier) @name @reference.type
(identifier) @name @reference.variable
