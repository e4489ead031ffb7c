#include "FileCommands.h"

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include "analysis/Document.h"
#include "analysis/FileText.h"
#include "analysis/Outline.h"
#include "analysis/SyntaxInfo.h"
#include "protocol/Uri.h"

namespace sb {
namespace {

std::optional<Document> load(const std::string& file, const ParseLimits& limits) {
  auto text = readFileText(file);
  if (!text) {
    std::cerr << file << ": cannot read\n";
    return std::nullopt;
  }
  return std::optional<Document>(std::in_place, pathToFileUri(file), "", 0, std::move(*text),
                                 limits);
}

// 1-based line and byte column, as compilers print them.
std::string where(const std::string& file, const DocumentSnapshot& doc, uint32_t offset) {
  Position p = doc.positionAt(offset, PositionEncoding::Utf8);
  return file + ":" + std::to_string(p.line + 1) + ":" + std::to_string(p.character + 1);
}

void printTree(const std::string& file, const DocumentSnapshot& doc,
               const std::vector<OutlineSymbol>& symbols, int depth) {
  for (const auto& s : symbols) {
    std::cout << where(file, doc, s.selectionRange.begin) << ": " << std::string(depth * 2, ' ')
              << symbolKindName(s.kind) << ' ' << s.name;
    if (!s.detail.empty()) std::cout << ' ' << s.detail;
    std::cout << '\n';
    printTree(file, doc, s.children, depth + 1);
  }
}

}  // namespace

// Parses each file and hands its snapshot to `use`; files that cannot be
// read make the exit code 2, unparsed ones are reported and skipped.
int forEachParsed(const std::vector<std::string>& files, const ParseLimits& limits,
                  const std::function<void(const std::string&, const DocumentSnapshot&)>& use) {
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
    use(file, *snap);
  }
  return rc;
}

int printSymbols(const std::vector<std::string>& files, const ParseLimits& limits) {
  return forEachParsed(files, limits, [](const std::string& file, const DocumentSnapshot& doc) {
    printTree(file, doc, documentOutline(doc), 0);
  });
}

int checkSyntax(const std::vector<std::string>& files, const ParseLimits& limits) {
  bool errors = false;
  int rc = forEachParsed(files, limits, [&](const std::string& file, const DocumentSnapshot& doc) {
    for (const auto& d : syntaxDiagnostics(doc)) {
      std::cout << where(file, doc, d.range.begin) << ": error: " << d.message << '\n';
      errors = true;
    }
  });
  return rc != 0 ? rc : (errors ? 1 : 0);
}

}  // namespace sb
