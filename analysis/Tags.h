#pragma once
// Tags: the definitions, references and imports of one file, found with the
// tree-sitter queries in analysis/queries/<language>/tags.scm. They feed the
// workspace index and the context given to language models.

#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/Document.h"
#include "analysis/Outline.h"

namespace sb {

enum class TagRole { Definition, Reference };

struct Tag {
  std::string name;
  // Definitions: as in the outline (Method inside a type, Constructor, ...).
  // References: Function for calls, Class/Interface for types, else Variable.
  SymbolKind kind = SymbolKind::Variable;
  TagRole role = TagRole::Definition;
  ByteRange range;      // definition: the whole definition (with template<>, decorators, export);
                        // reference: the name
  ByteRange nameRange;  // the name
  // Enclosing scopes joined with "::" (C, C++, Rust) or "." (others): "ns::Widget",
  // "Outer.Inner"; "" at top level. C++ `void Foo::bar()` adds "Foo"; Go methods
  // have their receiver type; Rust impl items their impl type. For references,
  // the enclosing definitions including functions ("ns::Widget::draw").
  std::string container;
  // Definitions: the text up to the body, whitespace collapsed, at most 200
  // bytes ("int add(int a, int b)", "def greet(name: str) -> str").
  std::string signature;
  // Definitions: the comments right above (no blank line between) or the
  // Python docstring, comment markers stripped, at most 2000 bytes.
  std::string doc;
};

struct Import {
  std::string path;  // "stdio.h", "os.path", ".utils", "./x", "fmt", "std::collections::HashMap",
                     // "java.util.*"
  ByteRange range;
};

struct FileTags {
  std::vector<Tag> definitions;  // in document order
  std::vector<Tag> references;   // in document order; one per (name, range)
  std::vector<Import> imports;   // in document order
};

// A tags.scm that does not compile: a defect in the embedded query, reported
// with the language, line, column and kind of error.
struct TagQueryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Compiles the language's query (once per process) and says whether there is
// one (JSON has none). Throws TagQueryError when it does not compile.
bool hasTagQuery(const Language& lang);

// Empty when the document has no tree or its language has no tag query.
// Throws TagQueryError when the language's query does not compile.
FileTags extractTags(const DocumentSnapshot& doc);

}  // namespace sb
