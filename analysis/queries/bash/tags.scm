; Bash tags: function definitions only.

(function_definition name: (word) @name) @definition.function
(comment) @comment
