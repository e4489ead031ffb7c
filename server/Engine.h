// The protocol-agnostic engine: open documents, their syntax trees and what
// is derived from them. Front ends (LSP, MCP, pipe) translate wire messages
// into these calls and the results back; nothing here knows about JSON-RPC.
//
// Edits to a document are applied in order on that document's strand; a
// query waits on the same strand for earlier edits, then computes on the
// shared pool, so slow queries never hold up typing.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "Workers.h"
#include "agents/CodeActions.h"
#include "agents/EditApplier.h"
#include "agents/FimPrompt.h"
#include "agents/LlmRouter.h"
#include "analysis/Cancellation.h"
#include "analysis/CompletionContext.h"
#include "analysis/Document.h"
#include "analysis/Outline.h"
#include "analysis/SyntaxInfo.h"
#include "analysis/WorkspaceIndex.h"

namespace sb {

struct EngineError {
  // Unavailable: a service the request needs is missing or failing (no LLM
  // backend configured, the model's server unreachable).
  enum class Kind { NotFound, Cancelled, InvalidArgument, Internal, Unavailable } kind;
  std::string message;
};

template <class T>
using Result = std::variant<T, EngineError>;

template <class T>
using Callback = std::function<void(Result<T>)>;

using SnapshotPtr = std::shared_ptr<const DocumentSnapshot>;

// Results carry the snapshot they were computed from, so a front end can turn
// byte offsets into positions in whatever encoding its client speaks.
template <class T>
struct OnSnapshot {
  SnapshotPtr doc;
  T value;
};

struct SourceLocation {
  std::string uri;
  Range range;
};

// A definition, wherever it came from (the open document or the index).
struct SymbolInfo {
  std::string name;
  SymbolKind kind = SymbolKind::Variable;
  std::string container;
  std::string signature;
  std::string doc;
  std::string language;     // grammar name of the defining file, for code fences
  SourceLocation location;  // the name's range
};

struct HoverInfo {
  Range range;  // the identifier hovered
  std::vector<SymbolInfo> definitions;
};

struct CompletionOptions {
  CompletionBudgets budgets;
  agents::FimOptions fim;
  std::chrono::milliseconds debounce{75};
  bool enabled = true;
  // The backends chat and code actions try, in order (the settings'
  // chatBackend first, then the rest); empty: the router's own chain.
  std::vector<std::string> chatBackends;
};

// An AI action on a range of a document (see agents/CodeActions.h).
struct ActionRequest {
  agents::ActionKind kind = agents::ActionKind::Explain;
  std::string uri;
  Range range;              // in the caller's position encoding; empty: the line
  std::string instruction;  // required for Refactor
  // Problems the client knows of (from any tool), with the range's syntax
  // errors added by the engine.
  std::vector<agents::ActionDiagnostic> diagnostics;
};

struct ActionOutcome {
  SnapshotPtr doc;      // the document as the model saw it
  ByteRange range;      // the bytes the action is about (whole lines when widened)
  std::string relPath;  // workspace-relative path ("" outside a workspace)
  agents::ActionReply reply;
  // Tests: the test file to write, confined to the workspace (oldText set
  // when it exists); nullopt when the model named no file.
  std::optional<agents::PlannedEdit> testFile;
  std::string backend, model;  // who answered
};

struct CompletionCandidate {
  std::string insertText;  // text to insert at the cursor (after replacing `replace`)
  Range replace;           // usually empty at the cursor; the word prefix for identifiers
  std::string label;
  std::string detail;
  SymbolKind kind = SymbolKind::Variable;
  bool fromModel = false;
};

struct CompletionOutcome {
  std::vector<CompletionCandidate> items;  // the model's first, then identifiers
  bool superseded = false;                 // a newer request for the document replaced this one
  std::string note;                        // why there is no model completion, if there is none
};

struct EngineOptions {
  ParseLimits parse;
  std::chrono::milliseconds diagnosticsDelay{200};
  // The language models; null or unconfigured means offline completion
  // (identifiers and signatures from the document and the index).
  std::shared_ptr<agents::LlmRouter> llm;
  CompletionOptions completion;
};

class Engine {
 public:
  // Called on a worker whenever a document's syntax diagnostics are ready
  // (after open, and after edits once typing pauses).
  using DiagnosticsSink = std::function<void(const SnapshotPtr&, std::vector<SyntaxDiagnostic>)>;

  Engine(Workers& workers, EngineOptions options, DiagnosticsSink onDiagnostics);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- documents (call in the client's order) ----
  void open(std::string uri, std::string languageId, int version, std::string text);
  void change(const std::string& uri, int version, std::vector<TextChange> changes,
              PositionEncoding encoding);
  void close(const std::string& uri);
  bool isOpen(const std::string& uri) const;

  // ---- queries ----
  void snapshot(const std::string& uri, const CancelToken& cancel, Callback<SnapshotPtr> done);
  void outline(const std::string& uri, const CancelToken& cancel,
               Callback<OnSnapshot<std::vector<OutlineSymbol>>> done);
  void folding(const std::string& uri, const CancelToken& cancel,
               Callback<OnSnapshot<std::vector<FoldingRegion>>> done);
  void selection(const std::string& uri, std::vector<Position> positions, PositionEncoding encoding,
                 const CancelToken& cancel,
                 Callback<OnSnapshot<std::vector<std::vector<ByteRange>>>> done);
  void diagnostics(const std::string& uri, const CancelToken& cancel,
                   Callback<OnSnapshot<std::vector<SyntaxDiagnostic>>> done);

  // ---- workspace (answered from the index; positions in `encoding`) ----
  void setWorkspaces(std::vector<std::shared_ptr<WorkspaceIndex>> indexes);
  std::vector<std::shared_ptr<WorkspaceIndex>> workspaces() const;
  void workspaceSymbols(std::string query, size_t limit, PositionEncoding encoding,
                        const CancelToken& cancel, Callback<std::vector<SymbolInfo>> done);
  void definition(const std::string& uri, Position at, PositionEncoding encoding,
                  const CancelToken& cancel, Callback<std::vector<SymbolInfo>> done);
  void references(const std::string& uri, Position at, PositionEncoding encoding,
                  bool includeDeclaration, const CancelToken& cancel,
                  Callback<std::vector<SourceLocation>> done);
  void hover(const std::string& uri, Position at, PositionEncoding encoding,
             const CancelToken& cancel, Callback<std::optional<HoverInfo>> done);
  void highlights(const std::string& uri, Position at, PositionEncoding encoding,
                  const CancelToken& cancel, Callback<std::vector<Range>> done);
  void repoMap(size_t tokenBudget, const CancelToken& cancel, Callback<std::string> done);

  // ---- completion ----
  // Completes at `at`: the model's fill-in-the-middle (debounced; a newer
  // request for the same document supersedes this one and aborts its HTTP
  // transfer) plus identifiers from the document and the index.
  void complete(const std::string& uri, Position at, PositionEncoding encoding,
                const CancelToken& cancel, Callback<CompletionOutcome> done);
  // New backends or completion settings (workspace/didChangeConfiguration).
  void setCompletion(std::shared_ptr<agents::LlmRouter> llm, CompletionOptions options);
  // The prompt a completion at `at` would send (for --show-context).
  void completionPrompt(const std::string& uri, Position at, PositionEncoding encoding,
                        const CancelToken& cancel, Callback<agents::LlmRequest> done);

  // ---- code actions ----
  // Asks the chat model to explain, fix, document, test or refactor a range,
  // with the text around it, diagnostics and definitions from the index as
  // context. Streams the answer's text to onDelta (on the LLM I/O thread;
  // must not block). Errors: InvalidArgument (Refactor without instruction,
  // empty or oversized range, a test path outside the workspace),
  // Unavailable (no LLM configured, backend failure), Cancelled.
  void codeAction(ActionRequest request, PositionEncoding encoding, const CancelToken& cancel,
                  std::function<void(std::string_view)> onDelta, Callback<ActionOutcome> done);

 private:
  struct State;
  static std::vector<SymbolInfo> definitionsAt(const std::shared_ptr<State>& state,
                                               const SnapshotPtr& snap, Position at,
                                               PositionEncoding encoding);
  std::shared_ptr<State> state_;
};

}  // namespace sb
