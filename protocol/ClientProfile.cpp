#include "ClientProfile.h"

namespace sb {
namespace {

using nlohmann::json;

// Reads a nested boolean like "textDocument.documentSymbol.hierarchicalDocumentSymbolSupport".
const json* walk(const json& root, std::initializer_list<const char*> path) {
  const json* cur = &root;
  for (const char* key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

bool flag(const json& root, std::initializer_list<const char*> path) {
  const json* v = walk(root, path);
  return v && v->is_boolean() && v->get<bool>();
}

bool listHas(const json& root, std::initializer_list<const char*> path, std::string_view value) {
  const json* v = walk(root, path);
  if (!v || !v->is_array()) return false;
  for (const auto& item : *v)
    if (item.is_string() && item.get<std::string>() == value) return true;
  return false;
}

}  // namespace

PositionEncoding negotiateEncoding(const json& offered) {
  if (!offered.is_array()) return PositionEncoding::Utf16;
  bool utf32 = false;
  for (const auto& e : offered) {
    if (e == "utf-8") return PositionEncoding::Utf8;
    if (e == "utf-32") utf32 = true;
  }
  return utf32 ? PositionEncoding::Utf32 : PositionEncoding::Utf16;
}

const char* encodingName(PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::Utf8:
      return "utf-8";
    case PositionEncoding::Utf32:
      return "utf-32";
    case PositionEncoding::Utf16:
      break;
  }
  return "utf-16";
}

ClientProfile profileFromInitialize(const json& params) {
  ClientProfile p;
  if (!params.is_object()) return p;
  if (auto* info = walk(params, {"clientInfo"}); info && info->is_object()) {
    p.name = info->value("name", "");
    p.version = info->value("version", "");
  }
  const json empty = json::object();
  const json* capsPtr = walk(params, {"capabilities"});
  const json& caps = capsPtr && capsPtr->is_object() ? *capsPtr : empty;
  if (const json* enc = walk(caps, {"general", "positionEncodings"}))
    p.encoding = negotiateEncoding(*enc);
  p.hierarchicalSymbols =
      flag(caps, {"textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport"});
  p.workDoneProgress = flag(caps, {"window", "workDoneProgress"});
  p.lineFoldingOnly = flag(caps, {"textDocument", "foldingRange", "lineFoldingOnly"});
  if (const json* lim = walk(caps, {"textDocument", "foldingRange", "rangeLimit"});
      lim && lim->is_number_integer() && lim->get<long long>() >= 0)  // signed when built in code
    p.foldingRangeLimit = lim->get<size_t>();
  p.diagnosticVersion = flag(caps, {"textDocument", "publishDiagnostics", "versionSupport"});
  p.markdown = listHas(caps, {"textDocument", "hover", "contentFormat"}, "markdown");
  p.snippets = flag(caps, {"textDocument", "completion", "completionItem", "snippetSupport"});
  p.applyEdit = flag(caps, {"workspace", "applyEdit"});
  p.documentChanges = flag(caps, {"workspace", "workspaceEdit", "documentChanges"});
  p.createFiles = p.documentChanges &&
                  listHas(caps, {"workspace", "workspaceEdit", "resourceOperations"}, "create");
  p.deleteFiles = p.documentChanges &&
                  listHas(caps, {"workspace", "workspaceEdit", "resourceOperations"}, "delete");
  p.watchedFilesDynamic = flag(caps, {"workspace", "didChangeWatchedFiles", "dynamicRegistration"});
  p.inlineCompletion = walk(caps, {"textDocument", "inlineCompletion"}) != nullptr;
  p.configuration = flag(caps, {"workspace", "configuration"});
  p.showDocument = flag(caps, {"window", "showDocument", "support"});
  p.codeActionLiterals =
      walk(caps, {"textDocument", "codeAction", "codeActionLiteralSupport"}) != nullptr;
  return p;
}

}  // namespace sb
