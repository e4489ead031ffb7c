// The one place that decides, from a client's profile (its initialize
// capabilities, never its name), the shape of what the server sends it: the
// capabilities it is offered, completion as ghost text or as items (snippet
// or plain text), code actions as literals or bare commands, edits sent with
// workspace/applyEdit or only returned, server-created progress, dynamic
// registration. Markup and symbol shapes are in LspConvert.h, on the same
// profile. server/ asks here and does what it is told.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/Outline.h"
#include "analysis/Text.h"
#include "protocol/ClientProfile.h"

namespace sb::lsp {

using nlohmann::json;

// ---- initialize ----

// The ServerCapabilities for this client; `commands` are the
// workspace/executeCommand names.
json serverCapabilities(const ClientProfile& client, const std::vector<std::string>& commands);

// Ghost text (textDocument/inlineCompletion, LSP 3.18) where the client has
// it, completion items otherwise: never both, so a keystroke costs one model
// call.
bool offersInlineCompletion(const ClientProfile& client);

// ---- completion ----

struct CompletionChoice {
  std::string insertText;  // inserted after replacing `replace`
  Range replace;           // in the client's encoding
  std::string label;
  std::string detail;
  SymbolKind kind = SymbolKind::Variable;
  bool fromModel = false;
};

// Escapes text for a snippet's body: `$`, `}` and `\` stand for themselves.
std::string snippetEscape(std::string_view text);

// textDocument/completion's CompletionList, best first. Snippet-capable
// clients get insertTextFormat 2 (the text escaped, the cursor after it);
// others plain text (1). Always incomplete: typing more asks again, so the
// model sees the new text.
json completionListToJson(const std::vector<CompletionChoice>& choices,
                          const ClientProfile& client);
// textDocument/inlineCompletion's items: the model's completions; offline,
// the best identifier.
json inlineCompletionToJson(const std::vector<CompletionChoice>& choices);

// ---- code actions ----

// One entry of textDocument/codeAction's answer: a CodeAction literal (kind,
// and for a fix the diagnostics it addresses) where the client takes them,
// else the bare Command.
json codeActionToJson(const std::string& title, const std::string& kind, json command,
                      const json& fixedDiagnostics, const ClientProfile& client);

// ---- edits ----

// Whether edits are sent to the client with workspace/applyEdit (it previews
// or applies them) or only returned in the command's result.
bool sendsApplyEdit(const ClientProfile& client);
// The workflows' default "apply" mode for this client: "client" or "none".
const char* defaultWorkflowApply(const ClientProfile& client);

// One document's text edits as a WorkspaceEdit: versioned documentChanges
// where the client takes them (so a stale edit is refused; `version` null
// for a file the client does not have open), else changes.
json documentEdit(const std::string& uri, const json& version, json edits,
                  const ClientProfile& client);
// A new file with `text`, failing if it appeared meanwhile; nullopt (and
// `why`) when the client cannot create files through a WorkspaceEdit.
std::optional<json> createFileEdit(const std::string& uri, const std::string& text,
                                   const ClientProfile& client, std::string& why);
// Deleting a file; nullopt (and `why`) when the client cannot.
std::optional<json> deleteFileEdit(const std::string& uri, const ClientProfile& client,
                                   std::string& why);

// ---- progress and registration ----

// Whether the server may create its own progress tokens
// (window/workDoneProgress/create); a request's own workDoneToken is always
// used.
bool createsProgress(const ClientProfile& client);

// client/registerCapability's params for watching files with these
// extensions (without dots); nullopt when the client does not register
// workspace/didChangeWatchedFiles dynamically.
std::optional<json> fileWatcherRegistration(const ClientProfile& client,
                                            const std::vector<std::string>& extensions);

}  // namespace sb::lsp
