#pragma once
// Internal: text clean-up for tags: signatures, doc comments, docstrings and
// import paths.

#include <cstddef>
#include <string>
#include <string_view>

namespace sb::tags {

// Whitespace runs become one space (none just inside brackets); a trailing
// ':' (Python) is dropped; longer than maxBytes is cut at a character and ends in "…".
std::string collapseSignature(std::string_view text, size_t maxBytes = 200);

// The text of one comment without its markers (//, ///, //!, #, /* */, /** */,
// leading " * "), trimmed of blank first and last lines.
std::string stripCommentMarkers(std::string_view comment);

// A Python string literal used as a docstring: prefix and quotes removed,
// common indentation removed (as inspect.cleandoc does).
std::string cleanDocstring(std::string_view literal);

// Cuts at a character boundary so the result is at most maxBytes long.
void truncateUtf8(std::string& s, size_t maxBytes);

// An import path as written, without quotes or <> and, for Java, without
// `import`, `static`, `;` and spaces.
std::string normalizeImport(std::string_view text);

// "a" 'a' `a` -> a; other text unchanged.
std::string_view unquote(std::string_view s);

// "Foo<T>" -> "Foo".
std::string_view withoutTemplateArgs(std::string_view s);

// Has a letter and no lower-case letter: "MAX_SIZE".
bool isUpperCaseName(std::string_view s);

}  // namespace sb::tags
