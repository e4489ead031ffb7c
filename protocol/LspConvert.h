// Conversions between LSP JSON and the analysis library's types, shaped by
// the client's profile. Parsing functions throw std::invalid_argument with a
// message fit for an InvalidParams error.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "analysis/Document.h"
#include "analysis/Outline.h"
#include "analysis/SyntaxInfo.h"
#include "protocol/ClientProfile.h"

namespace sb::lsp {

using nlohmann::json;

Position positionFromJson(const json& j);
json toJson(const Position& p);
json toJson(const Range& r);

std::string documentUri(const json& params);  // params.textDocument.uri
std::vector<TextChange> changesFromJson(const json& contentChanges);

json outlineToJson(const DocumentSnapshot& doc, const std::vector<OutlineSymbol>& symbols,
                   const ClientProfile& client);
json foldingToJson(const std::vector<FoldingRegion>& regions, const ClientProfile& client);
json selectionToJson(const DocumentSnapshot& doc, const std::vector<std::vector<ByteRange>>& chains,
                     const ClientProfile& client);
// Index results, already in the client's encoding.
struct Location {
  std::string uri;
  Range range;
};
json toJson(const Location& l);
json workspaceSymbolToJson(const std::string& name, int kind, const std::string& container,
                           const Location& location);
// Hover text for definitions: a code block of the signature, its container
// and doc comment; markdown or plain text as the client prefers.
json hoverToJson(const Range& range, const std::string& language, const std::string& signature,
                 const std::string& container, const std::string& doc, size_t moreDefinitions,
                 const ClientProfile& client);

json diagnosticsToJson(const DocumentSnapshot& doc,
                       const std::vector<SyntaxDiagnostic>& diagnostics,
                       const ClientProfile& client);

}  // namespace sb::lsp
