; inherits: ecma, jsx
; JavaScript tags: the shared ECMAScript patterns, JSX and class fields.

(field_definition property: (property_identifier) @name) @definition.field
(class_heritage [(identifier) @name (member_expression property: (property_identifier) @name)]) @reference.class
