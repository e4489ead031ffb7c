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
#include <string>
#include <variant>
#include <vector>

#include "Cancellation.h"
#include "Workers.h"
#include "analysis/Document.h"
#include "analysis/Outline.h"
#include "analysis/SyntaxInfo.h"

namespace sb {

struct EngineError {
  enum class Kind { NotFound, Cancelled, InvalidArgument, Internal } kind;
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

struct EngineOptions {
  ParseLimits parse;
  std::chrono::milliseconds diagnosticsDelay{200};
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
                 const CancelToken& cancel, Callback<OnSnapshot<std::vector<std::vector<ByteRange>>>> done);
  void diagnostics(const std::string& uri, const CancelToken& cancel,
                   Callback<OnSnapshot<std::vector<SyntaxDiagnostic>>> done);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace sb
