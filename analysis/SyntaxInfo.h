#pragma once
// Syntax-only editor features: folding ranges, selection ranges and
// diagnostics for parse errors.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/Document.h"

namespace sb {

enum class FoldKind { Region, Comment, Imports };

struct FoldingRegion {
  uint32_t startLine, endLine;  // LSP lines; startLine < endLine
  FoldKind kind;
  friend bool operator==(const FoldingRegion&, const FoldingRegion&) = default;
};

// Multi-line bracketed nodes ({} [] (), do/done, ...), indented blocks (from
// their header line), block comments, runs of line comments, runs of imports.
// A region ending in a closer alone on its line stops on the line before, so
// the closer stays visible. Sorted by startLine, one region per startLine.
std::vector<FoldingRegion> foldingRegions(const DocumentSnapshot& doc);

// The nodes around `offset`, innermost first, each strictly larger than the
// last, ending with the whole document.
std::vector<ByteRange> selectionChain(const DocumentSnapshot& doc, uint32_t offset);

struct SyntaxDiagnostic {
  ByteRange range;
  std::string message;
};

// ERROR nodes ("Syntax error: unexpected `)` in argument list") and MISSING
// nodes ("Missing `;`", zero-width), in document order, at most maxCount.
// Errors nested in a reported ERROR are not reported again.
std::vector<SyntaxDiagnostic> syntaxDiagnostics(const DocumentSnapshot& doc, size_t maxCount = 100);

}  // namespace sb
