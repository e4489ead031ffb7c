; JavaScript and TypeScript tags shared by javascript, typescript and tsx.

(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (_) @name) @definition.class
(class name: (_) @name) @definition.class
(method_definition name: (_) @name) @definition.method

; `const f = () => {}` is a function; other top-level bindings are constants
; (const) or variables.
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(variable_declarator name: (identifier) @name value: (class)) @definition.class
(lexical_declaration kind: "const" (variable_declarator name: (identifier) @name) @definition.constant)
(variable_declarator name: (identifier) @name) @definition.variable

; `exports.f = function () {}`, `Foo.prototype.bar = () => {}`
(assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]) @definition.function

(lexical_declaration (variable_declarator) @wrapped) @wrapper.signature
(variable_declaration (variable_declarator) @wrapped) @wrapper.signature
(export_statement declaration: (_) @wrapped) @wrapper

(import_statement source: (string) @import)
(export_statement source: (string) @import)
((call_expression function: (identifier) @_require arguments: (arguments . (string) @import))
  (#eq? @_require "require"))
(call_expression function: (import) arguments: (arguments . (string) @import))

(comment) @comment

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (member_expression property: (property_identifier) @name)) @reference.call
(new_expression constructor: (identifier) @name) @reference.class
(new_expression constructor: (member_expression property: (property_identifier) @name)) @reference.class
(identifier) @name @reference.variable
(shorthand_property_identifier) @name @reference.variable
(member_expression property: (property_identifier) @name) @reference.variable
