#include "ClientTranslation.h"

#include "LspConvert.h"

namespace sb::lsp {
namespace {

// LSP CompletionItemKind for a symbol's kind; a model's text is Text (1).
int completionItemKind(SymbolKind k) {
  switch (k) {
    case SymbolKind::Method:
      return 2;
    case SymbolKind::Function:
      return 3;
    case SymbolKind::Constructor:
      return 4;
    case SymbolKind::Field:
      return 5;
    case SymbolKind::Variable:
      return 6;
    case SymbolKind::Class:
      return 7;
    case SymbolKind::Interface:
      return 8;
    case SymbolKind::Module:
    case SymbolKind::Namespace:
    case SymbolKind::Package:
      return 9;
    case SymbolKind::Property:
      return 10;
    case SymbolKind::Enum:
      return 13;
    case SymbolKind::EnumMember:
      return 20;
    case SymbolKind::Constant:
      return 21;
    case SymbolKind::Struct:
      return 22;
    case SymbolKind::TypeParameter:
      return 25;
    default:
      return 1;
  }
}

constexpr int kPlainText = 1;
constexpr int kSnippet = 2;

}  // namespace

// ---- initialize ----

bool offersInlineCompletion(const ClientProfile& client) {
  return client.inlineCompletion;
}

json serverCapabilities(const ClientProfile& client, const std::vector<std::string>& commands) {
  json capabilities = {
      {"positionEncoding", encodingName(client.encoding)},
      {"textDocumentSync",
       {{"openClose", true}, {"change", 2 /* incremental */}, {"save", {{"includeText", false}}}}},
      {"documentSymbolProvider", true},
      {"foldingRangeProvider", true},
      {"selectionRangeProvider", true},
      {"workspaceSymbolProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"hoverProvider", true},
      {"documentHighlightProvider", true},
      {"executeCommandProvider", {{"commands", commands}}},
      {"codeActionProvider",
       {{"codeActionKinds", {"quickfix", "refactor", "refactor.rewrite", "source"}}}},
      {"workspace", {{"workspaceFolders", {{"supported", true}, {"changeNotifications", true}}}}},
  };
  if (offersInlineCompletion(client))
    capabilities["inlineCompletionProvider"] = json::object();
  else
    capabilities["completionProvider"] = {{"triggerCharacters", {".", ">", ":", "("}},
                                          {"resolveProvider", false}};
  return capabilities;
}

// ---- completion ----

std::string snippetEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '$' || c == '}' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

json completionListToJson(const std::vector<CompletionChoice>& choices,
                          const ClientProfile& client) {
  json items = json::array();
  int rank = 0;
  for (const auto& c : choices) {
    // The text as a snippet ends where it ends: the cursor lands after it,
    // as with plain text, and `$`, `}` and `\` in code are not tab stops.
    json item = {{"label", c.label},
                 {"kind", completionItemKind(c.kind)},
                 {"sortText", (rank < 10 ? "000" : "00") + std::to_string(rank)},
                 {"insertTextFormat", client.snippets ? kSnippet : kPlainText},
                 {"textEdit",
                  {{"range", toJson(c.replace)},
                   {"newText", client.snippets ? snippetEscape(c.insertText) : c.insertText}}}};
    ++rank;
    if (!c.detail.empty()) item["detail"] = c.detail;
    if (c.fromModel) item["preselect"] = true;
    items.push_back(std::move(item));
  }
  return json{{"isIncomplete", true}, {"items", std::move(items)}};
}

json inlineCompletionToJson(const std::vector<CompletionChoice>& choices) {
  json items = json::array();
  for (const auto& c : choices) {
    if (!c.fromModel && !items.empty()) break;
    items.push_back({{"insertText", c.insertText}, {"range", toJson(c.replace)}});
    if (!c.fromModel) break;
  }
  return json{{"items", std::move(items)}};
}

// ---- code actions ----

json codeActionToJson(const std::string& title, const std::string& kind, json command,
                      const json& fixedDiagnostics, const ClientProfile& client) {
  if (!client.codeActionLiterals) return command;
  json action = {{"title", title}, {"kind", kind}, {"command", std::move(command)}};
  if (fixedDiagnostics.is_array() && !fixedDiagnostics.empty()) {
    action["diagnostics"] = fixedDiagnostics;
    action["isPreferred"] = false;  // a model's fix is a suggestion to review
  }
  return action;
}

// ---- edits ----

bool sendsApplyEdit(const ClientProfile& client) {
  return client.applyEdit;
}

const char* defaultWorkflowApply(const ClientProfile& client) {
  return sendsApplyEdit(client) ? "client" : "none";
}

json documentEdit(const std::string& uri, const json& version, json edits,
                  const ClientProfile& client) {
  if (client.documentChanges)
    return {
        {"documentChanges", json::array({{{"textDocument", {{"uri", uri}, {"version", version}}},
                                          {"edits", std::move(edits)}}})}};
  return {{"changes", {{uri, std::move(edits)}}}};
}

std::optional<json> createFileEdit(const std::string& uri, const std::string& text,
                                   const ClientProfile& client, std::string& why) {
  if (!client.createFiles) {
    why = "the editor cannot create files through workspace/applyEdit";
    return std::nullopt;
  }
  json insert = {{"range", toJson(Range{})}, {"newText", text}};
  return json{
      {"documentChanges",
       json::array({{{"kind", "create"}, {"uri", uri}, {"options", {{"ignoreIfExists", false}}}},
                    {{"textDocument", {{"uri", uri}, {"version", nullptr}}},
                     {"edits", json::array({std::move(insert)})}}})}};
}

std::optional<json> deleteFileEdit(const std::string& uri, const ClientProfile& client,
                                   std::string& why) {
  if (!client.deleteFiles) {
    why = "the editor cannot delete files through workspace/applyEdit";
    return std::nullopt;
  }
  return json{{"documentChanges", json::array({{{"kind", "delete"}, {"uri", uri}}})}};
}

// ---- progress and registration ----

bool createsProgress(const ClientProfile& client) {
  return client.workDoneProgress;
}

std::optional<json> fileWatcherRegistration(const ClientProfile& client,
                                            const std::vector<std::string>& extensions) {
  if (!client.watchedFilesDynamic) return std::nullopt;
  std::string exts;
  for (const auto& ext : extensions) {
    if (!exts.empty()) exts += ",";
    exts += ext;
  }
  json registration = {
      {"id", "switchboard-watch"},
      {"method", "workspace/didChangeWatchedFiles"},
      {"registerOptions", {{"watchers", {{{"globPattern", "**/*.{" + exts + "}"}}}}}}};
  return json{{"registrations", json::array({std::move(registration)})}};
}

}  // namespace sb::lsp
