#include "FileCommands.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "analysis/Document.h"
#include "analysis/Outline.h"
#include "analysis/SyntaxInfo.h"
#include "protocol/Uri.h"

namespace sb {
namespace {

std::optional<Document> load(const std::string& file, const ParseLimits& limits) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << file << ": cannot read\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::optional<Document>(std::in_place, pathToFileUri(file), "", 0, text.str(), limits);
}

// 1-based line and byte column, as compilers print them.
std::string where(const std::string& file, const DocumentSnapshot& doc, uint32_t offset) {
  Position p = doc.positionAt(offset, PositionEncoding::Utf8);
  return file + ":" + std::to_string(p.line + 1) + ":" + std::to_string(p.character + 1);
}

const char* kindName(SymbolKind kind) {
  static const char* kNames[] = {"file",     "module",   "namespace", "package",  "class",
                                 "method",   "property", "field",     "constructor", "enum",
                                 "interface", "function", "variable",  "constant", "string",
                                 "number",   "boolean",  "array",     "object",   "key",
                                 "null",     "enum-member", "struct", "event",    "operator",
                                 "type-parameter"};
  int i = static_cast<int>(kind) - 1;
  return i >= 0 && i < static_cast<int>(std::size(kNames)) ? kNames[i] : "symbol";
}

void printTree(const std::string& file, const DocumentSnapshot& doc,
               const std::vector<OutlineSymbol>& symbols, int depth) {
  for (const auto& s : symbols) {
    std::cout << where(file, doc, s.selectionRange.begin) << ": " << std::string(depth * 2, ' ')
              << kindName(s.kind) << ' ' << s.name;
    if (!s.detail.empty()) std::cout << ' ' << s.detail;
    std::cout << '\n';
    printTree(file, doc, s.children, depth + 1);
  }
}

}  // namespace

int printSymbols(const std::vector<std::string>& files, const ParseLimits& limits) {
  int rc = 0;
  for (const auto& file : files) {
    auto doc = load(file, limits);
    if (!doc) {
      rc = 2;
      continue;
    }
    auto snap = doc->snapshot();
    if (auto why = snap->parseSkippedReason(); !why.empty()) {
      std::cerr << file << ": not parsed: " << why << '\n';
      continue;
    }
    printTree(file, *snap, documentOutline(*snap), 0);
  }
  return rc;
}

int checkSyntax(const std::vector<std::string>& files, const ParseLimits& limits) {
  int rc = 0;
  for (const auto& file : files) {
    auto doc = load(file, limits);
    if (!doc) {
      rc = 2;
      continue;
    }
    auto snap = doc->snapshot();
    if (auto why = snap->parseSkippedReason(); !why.empty()) {
      std::cerr << file << ": not parsed: " << why << '\n';
      continue;
    }
    for (const auto& d : syntaxDiagnostics(*snap)) {
      std::cout << where(file, *snap, d.range.begin) << ": error: " << d.message << '\n';
      if (rc == 0) rc = 1;
    }
  }
  return rc;
}

}  // namespace sb
