// What a client understands, read once from its initialize request. Every
// client-specific choice (encoding, symbol shape, markup, progress...) is
// decided from this profile, never from the editor's name: in
// ClientTranslation.h (capabilities, completion, code actions, edits,
// progress, registration) and LspConvert.h (symbols, folding, hover markup).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "analysis/Text.h"

namespace sb {

struct ClientProfile {
  std::string name;     // clientInfo.name, for logs only
  std::string version;  // clientInfo.version
  PositionEncoding encoding = PositionEncoding::Utf16;
  bool hierarchicalSymbols = false;  // DocumentSymbol[] rather than SymbolInformation[]
  bool workDoneProgress = false;     // window/workDoneProgress/create
  bool lineFoldingOnly = false;
  std::optional<size_t> foldingRangeLimit;
  bool foldingKinds = true;
  bool diagnosticVersion = false;
  bool markdown = false;  // hover/markup content
  bool snippets = false;
  bool applyEdit = false;
  bool documentChanges = false;  // workspaceEdit.documentChanges (versioned edits, file operations)
  bool createFiles = false;      // workspaceEdit.resourceOperations has "create"
  bool deleteFiles = false;      // ... and "delete"
  bool watchedFilesDynamic = false;
  bool inlineCompletion = false;
  bool configuration = false;
  bool showDocument = false;
  // textDocument/codeAction may answer CodeAction literals (else Commands).
  bool codeActionLiterals = false;
};

ClientProfile profileFromInitialize(const nlohmann::json& params);

// Picks from the client's general.positionEncodings: utf-8 first (our native
// form), then utf-32, else utf-16 which every client must support.
PositionEncoding negotiateEncoding(const nlohmann::json& offered);
const char* encodingName(PositionEncoding encoding);

}  // namespace sb
