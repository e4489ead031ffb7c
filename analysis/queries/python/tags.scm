; Python tags.

(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
; Module-level and class-level assignments (UPPER_CASE ones become constants).
(expression_statement (assignment left: (identifier) @name) @definition.variable)

(decorated_definition definition: (_) @wrapped) @wrapper

(import_statement name: (dotted_name) @import)
(import_statement name: (aliased_import name: (dotted_name) @import))
(import_from_statement module_name: [(dotted_name) (relative_import (dotted_name))] @import)
; `from . import a` imports the module ".a".
(import_from_statement module_name: (relative_import . (import_prefix) .)) @import

(comment) @comment

(call function: (identifier) @name) @reference.call
(call function: (attribute attribute: (identifier) @name)) @reference.call
(class_definition
  superclasses: (argument_list [(identifier) @name (attribute attribute: (identifier) @name)])) @reference.class
(type (identifier) @name) @reference.type
((identifier) @name @reference.variable
  (#not-any-of? @name "self" "cls"))
