// Identifiers in a parsed document: the one under the cursor, and every
// occurrence of a name (for document highlights).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/Document.h"

namespace sb {

struct IdentifierAt {
  std::string name;
  ByteRange range;
  bool isMember = false;  // after '.', '->' or '::' (a field or method)
};

// The identifier-like leaf at or just before `offset` (a cursor right after a
// name still selects it); nullopt on punctuation, strings and comments.
std::optional<IdentifierAt> identifierAt(const DocumentSnapshot& doc, uint32_t offset);

struct IdentifierUse {
  std::string name;
  ByteRange range;
};

// Identifier-like leaves overlapping `window`, in document order; subtrees
// outside the window are not walked, so this is cheap on large files.
std::vector<IdentifierUse> identifiersIn(const DocumentSnapshot& doc, ByteRange window);

// Every identifier-like leaf spelled `name`, in document order.
std::vector<ByteRange> identifierOccurrences(const DocumentSnapshot& doc, std::string_view name);

}  // namespace sb
