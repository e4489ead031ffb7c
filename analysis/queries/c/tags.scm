; C tags (the C++ query inherits these patterns).

; ---- Definitions (the first pattern that names a node wins) ----

(function_definition declarator: (_) @name) @definition.function

; Prototypes become functions, locals are dropped, the rest are variables.
(declaration declarator: (_) @name) @definition.variable

; Members; function declarators make them methods.
(field_declaration declarator: (_) @name) @definition.field

(struct_specifier name: (_) @name body: (_)) @definition.struct
(union_specifier name: (_) @name body: (_)) @definition.struct
(enum_specifier name: (_) @name body: (_)) @definition.enum
(enumerator name: (identifier) @name) @definition.enum_member

; `typedef struct { ... } Point;` names the anonymous type itself.
(type_definition type: (struct_specifier !name body: (_)) declarator: (_) @name) @definition.struct
(type_definition type: (union_specifier !name body: (_)) declarator: (_) @name) @definition.struct
(type_definition type: (enum_specifier !name body: (_)) declarator: (_) @name) @definition.enum
(type_definition declarator: (_) @name) @definition.type

(preproc_def name: (identifier) @name) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.macro

; ---- Imports and comments ----

(preproc_include path: (_) @import)

(comment) @comment

; ---- References ----

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
(type_identifier) @name @reference.type
(identifier) @name @reference.variable
(field_identifier) @name @reference.variable
