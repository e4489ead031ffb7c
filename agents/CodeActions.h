// AI code actions on a selection (explain, fix, document, write tests,
// refactor with an instruction): the chat request that asks a model for one,
// and the reading of its answer. Pure: no I/O, no protocol; the engine
// gathers the input and a front end turns the reply into edits or messages.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "agents/EditParser.h"
#include "agents/Llm.h"
#include "analysis/CompletionContext.h"

namespace sb::agents {

enum class ActionKind { Explain, Fix, Document, Tests, Refactor };

// "explain", "fix", "document", "writeTests", "refactor".
const char* actionName(ActionKind kind);
std::optional<ActionKind> actionFromName(std::string_view name);
// Whether the answer replaces the selection (Fix, Document, Refactor).
bool actionEditsSelection(ActionKind kind);

struct ActionDiagnostic {
  int line = 1;  // 1-based, in the file
  std::string message;
};

struct ActionInput {
  ActionKind kind = ActionKind::Explain;
  std::string language;       // grammar name ("python", "cpp"), "" if unknown
  std::string path;           // workspace-relative path (or the URI outside a workspace)
  std::string selected;       // the code the action is about
  std::string before, after;  // text around it, already cut to budget
  int firstLine = 1;          // the selection's first line, 1-based
  std::string instruction;    // Refactor: what to do; others: optional extra wish
  std::vector<ActionDiagnostic> diagnostics;  // problems in or at the selection
  std::vector<ContextSnippet> definitions;    // of names the selection uses, from other files
  std::vector<std::string> imports;           // the file's imports
};

// The chat request for `input`, asking for at most `maxTokens`. Throws
// std::invalid_argument for a Refactor without an instruction or an empty
// selection.
LlmRequest buildActionRequest(const ActionInput& input, int maxTokens);

// Where tests for `path` would usually go in `language`'s conventions
// ("tests/test_app.py", "src/app.test.ts"); a hint for the model.
std::string suggestedTestPath(std::string_view language, std::string_view path);

struct ActionReply {
  std::string message;  // markdown: the explanation, or the prose around the code
  // Fix/Document/Refactor: the new text for the selection (the first fenced
  // block), nullopt when the model wrote no code block.
  std::optional<std::string> replacement;
  // Tests: the files the model proposed (a fence with "lang:path" or a line
  // naming the file), in order.
  std::vector<ProposedEdit> files;
};

// Reads a model's answer. The replacement keeps the selection's conventions:
// no trailing line end when `selected` has none, CRLF line ends when it uses
// them. Never throws.
ActionReply parseActionReply(ActionKind kind, std::string_view reply,
                             std::string_view selected = {});

}  // namespace sb::agents
