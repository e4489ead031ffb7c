// Engine code actions: the range and its context from the live document and
// the index, a streamed chat request to the model, and the answer read into
// a replacement, a message or a test file confined to the workspace.
#include "Engine.h"
#include "EngineState.h"

namespace sb {
namespace {

// Beyond this the answer (which repeats the selection) would not fit a
// model's output anyway.
constexpr uint32_t kMaxSelectionBytes = 48 * 1024;

// What the pool prepares before the (asynchronous) model call.
struct PreparedAction {
  std::optional<EngineError> error;
  ActionOutcome outcome;
  agents::LlmRequest request;
  std::string selected;
  std::shared_ptr<agents::LlmRouter> llm;     // kept alive for the call
  std::shared_ptr<WorkspaceIndex> workspace;  // where test files may go
};

bool isBlank(char c) {
  return c == ' ' || c == '\t';
}

// An empty range means the line it is on; a range that starts in a line's
// indentation takes the indentation too, so a replacement written with its
// indentation lands where it should.
ByteRange widen(const DocumentSnapshot& doc, ByteRange r) {
  std::string_view text = doc.text();
  const LineIndex& lines = doc.lines();
  const uint32_t lineStart = lines.lineStart(lines.lineOf(r.begin));
  bool onlyIndent = true;
  for (uint32_t i = lineStart; i < r.begin && onlyIndent; ++i) onlyIndent = isBlank(text[i]);
  if (r.begin == r.end) {
    size_t nl = text.find('\n', r.begin);
    return {lineStart, nl == std::string_view::npos ? static_cast<uint32_t>(text.size())
                                                    : static_cast<uint32_t>(nl + 1)};
  }
  if (onlyIndent) r.begin = lineStart;
  return r;
}

// Room for the whole selection rewritten, plus a few lines of prose.
int answerTokens(agents::ActionKind kind, size_t selectedBytes) {
  if (kind == agents::ActionKind::Explain) return 1024;
  if (kind == agents::ActionKind::Tests) return 2048;
  return static_cast<int>(std::min<size_t>(8192, 512 + selectedBytes / 2));
}

EngineError invalid(std::string message) {
  return {EngineError::Kind::InvalidArgument, std::move(message)};
}

PreparedAction prepare(const ActionRequest& request, PositionEncoding encoding,
                       const SnapshotPtr& snap, std::shared_ptr<WorkspaceIndex> index,
                       const std::string& rel, std::shared_ptr<agents::LlmRouter> llm,
                       const CompletionOptions& completion) {
  PreparedAction p;
  if (!llm || !llm->configured()) {
    p.error =
        EngineError{EngineError::Kind::Unavailable, agents::LlmRouter::notConfiguredMessage()};
    return p;
  }
  ByteRange range{snap->offsetAt(request.range.start, encoding),
                  snap->offsetAt(request.range.end, encoding)};
  if (range.end < range.begin) std::swap(range.begin, range.end);
  range = widen(*snap, range);
  if (range.end - range.begin > kMaxSelectionBytes) {
    p.error =
        invalid("the range is too large for an action (" + std::to_string(range.end - range.begin) +
                " bytes; at most " + std::to_string(kMaxSelectionBytes) + ")");
    return p;
  }
  std::string_view text = snap->text();
  p.selected = std::string(text.substr(range.begin, range.end - range.begin));

  // The text before the range (cut at a syntax boundary), then the text
  // after it with definitions and imports from the index.
  CompletionBudgets beforeBudget{completion.budgets.prefix, 0, 0, 0};
  CompletionContext before = buildCompletionContext(*snap, range.begin, nullptr, rel, beforeBudget);
  CompletionBudgets afterBudget{0, completion.budgets.suffix, completion.budgets.definitions, 0};
  CompletionContext after = buildCompletionContext(*snap, range.end, index.get(), rel, afterBudget);

  agents::ActionInput in;
  in.kind = request.kind;
  in.language = after.language;
  in.path = after.path;
  in.selected = p.selected;
  in.before = std::move(before.prefix);
  in.after = std::move(after.suffix);
  in.firstLine = static_cast<int>(snap->lines().lineOf(range.begin)) + 1;
  in.instruction = request.instruction;
  in.diagnostics = request.diagnostics;
  for (const auto& d : syntaxDiagnostics(*snap))
    if (d.range.begin <= range.end && d.range.end >= range.begin)
      in.diagnostics.push_back(
          {static_cast<int>(snap->lines().lineOf(d.range.begin)) + 1, d.message});
  in.definitions = std::move(after.definitions);
  in.imports = std::move(after.imports);
  try {
    p.request = agents::buildActionRequest(in, answerTokens(request.kind, p.selected.size()));
  } catch (const std::invalid_argument& e) {
    p.error = invalid(e.what());
    return p;
  }
  p.request.backends = completion.chatBackends;
  p.llm = std::move(llm);
  p.workspace = std::move(index);
  p.outcome.doc = snap;
  p.outcome.range = range;
  p.outcome.relPath = rel;
  return p;
}

// The model's answer read into the outcome; a test file is planned inside
// the workspace (which reads the disk: on the pool, not the LLM thread).
Result<ActionOutcome> finishAction(agents::ActionKind kind, PreparedAction& p,
                                   agents::LlmResult& result) {
  ActionOutcome out = std::move(p.outcome);
  out.backend = result.backend;
  out.model = result.model;
  out.reply = agents::parseActionReply(kind, result.text, p.selected);
  if (kind != agents::ActionKind::Tests || out.reply.files.empty()) return out;
  if (!p.workspace) {
    // Nowhere to confine a file to: show the tests instead.
    out.reply.files.clear();
    out.reply.message = result.text;
    return out;
  }
  const agents::ProposedEdit& file = out.reply.files.front();
  auto planned = agents::planEdit(p.workspace->root(), file, nullptr);
  if (auto* rejected = std::get_if<agents::RejectedEdit>(&planned))
    return invalid("the test file the model proposed cannot be written: " + rejected->path + ": " +
                   rejected->reason);
  out.testFile = std::move(std::get<agents::PlannedEdit>(planned));
  return out;
}

}  // namespace

void Engine::codeAction(ActionRequest request, PositionEncoding encoding, const CancelToken& cancel,
                        std::function<void(std::string_view)> onDelta,
                        Callback<ActionOutcome> done) {
  if (request.kind == agents::ActionKind::Refactor &&
      request.instruction.find_first_not_of(" \t\r\n") == std::string::npos)
    return done(invalid("refactor needs an instruction saying what to change"));
  const std::string uri = request.uri;
  const agents::ActionKind kind = request.kind;
  state_->query<std::shared_ptr<PreparedAction>>(
      uri, cancel,
      [s = state_, kind, cancel, onDelta = std::move(onDelta),
       done](Result<std::shared_ptr<PreparedAction>> r) mutable {
        if (auto* e = std::get_if<EngineError>(&r)) return done(*e);
        auto p = std::get<std::shared_ptr<PreparedAction>>(std::move(r));
        if (p->error) return done(*p->error);
        auto llm = p->llm;
        llm->complete(
            p->request,
            [onDelta = std::move(onDelta)](std::string_view delta) {
              if (onDelta) onDelta(delta);
            },
            [s, kind, p, cancel, done](agents::LlmOutcome o) {
              if (auto* err = std::get_if<agents::LlmError>(&o)) {
                if (err->kind == agents::LlmError::Kind::Cancelled || cancel.cancelled())
                  return done(cancelled());
                return done(EngineError{EngineError::Kind::Unavailable,
                                        err->kind == agents::LlmError::Kind::NotConfigured
                                            ? err->message
                                            : "the model failed: " + err->message});
              }
              auto result =
                  std::make_shared<agents::LlmResult>(std::move(std::get<agents::LlmResult>(o)));
              s->run<ActionOutcome>(cancel, done,
                                    [kind, p, result] { return finishAction(kind, *p, *result); });
            },
            cancel);
      },
      [s = state_, request = std::move(request), encoding](const SnapshotPtr& snap) {
        auto [index, rel] = s->locate(snap->uri());
        auto [llm, completion] = s->completionConfig();
        return std::make_shared<PreparedAction>(
            prepare(request, encoding, snap, std::move(index), rel, std::move(llm), completion));
      });
}

}  // namespace sb
