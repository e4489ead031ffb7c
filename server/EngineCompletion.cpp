// Engine completion: context from the live document and the index, a FIM
// request to the configured model, post-processing, and an offline fallback
// from identifiers.
#include <boost/asio/steady_timer.hpp>
#include <set>

#include "Engine.h"
#include "EngineState.h"
#include "agents/CompletionText.h"
#include "analysis/Identifiers.h"

namespace sb {
namespace {

// Identifiers that extend the word before the cursor: the document's own
// (live tree), then the index's definitions.
std::vector<CompletionCandidate> identifierCandidates(const DocumentSnapshot& doc,
                                                      const CompletionContext& ctx,
                                                      WorkspaceIndex* index, Range replace) {
  std::vector<CompletionCandidate> out;
  if (ctx.wordPrefix.empty()) return out;
  std::set<std::string> seen{ctx.wordPrefix};
  auto add = [&](const std::string& name, SymbolKind kind, const std::string& detail) {
    if (name.size() <= ctx.wordPrefix.size() ||
        name.compare(0, ctx.wordPrefix.size(), ctx.wordPrefix) != 0)
      return;
    if (out.size() >= 50 || !seen.insert(name).second) return;
    out.push_back({name, replace, name, detail, kind, false});
  };
  // Nearby identifiers (a window of the live tree), the file's definitions
  // and the workspace's from the index: no whole-file walk per keystroke.
  for (const auto& use : identifiersIn(doc, ctx.window)) add(use.name, SymbolKind::Variable, "");
  if (index)
    for (const auto& h : index->searchSymbols(ctx.wordPrefix, 30))
      add(h.symbol.name, h.symbol.kind, h.symbol.signature);
  return out;
}

// What the pool prepares before the (asynchronous) model call.
struct Prepared {
  CompletionOutcome outcome;
  std::optional<agents::LlmRequest> request;
  agents::CompletionSurroundings around;
  Position cursor;
  std::shared_ptr<agents::LlmRouter> llm;  // the router this request uses, kept alive
};

}  // namespace

void Engine::setCompletion(std::shared_ptr<agents::LlmRouter> llm, CompletionOptions options) {
  std::lock_guard lock(state_->mu);
  state_->options.llm = std::move(llm);
  state_->options.completion = std::move(options);
}

void Engine::completionPrompt(const std::string& uri, Position at, PositionEncoding encoding,
                              const CancelToken& cancel, Callback<agents::LlmRequest> done) {
  state_->query<agents::LlmRequest>(
      uri, cancel, std::move(done), [s = state_, at, encoding](const SnapshotPtr& snap) {
        auto [index, rel] = s->locate(snap->uri());
        auto [llm, completion] = s->completionConfig();
        CompletionContext ctx = buildCompletionContext(*snap, snap->offsetAt(at, encoding),
                                                       index.get(), rel, completion.budgets);
        return agents::buildFimRequest(ctx, completion.fim);
      });
}

void Engine::complete(const std::string& uri, Position at, PositionEncoding encoding,
                      const CancelToken& cancel, Callback<CompletionOutcome> done) {
  // Cancelled by the client's $/cancelRequest or by a newer request for the
  // same document; either way the HTTP transfer is aborted at once.
  CancelSource mine(cancel);
  {
    std::lock_guard lock(state_->mu);
    auto& previous = state_->completions[uri];
    previous.cancel();
    previous = mine;
  }
  CancelToken token = mine.token();
  // A superseded request answers with nothing rather than an error: the
  // editor just shows the newer one.
  auto finish = [done = std::move(done), cancel](Result<CompletionOutcome> r) {
    if (auto* e = std::get_if<EngineError>(&r);
        e && e->kind == EngineError::Kind::Cancelled && !cancel.cancelled()) {
      CompletionOutcome o;
      o.superseded = true;
      return done(std::move(o));
    }
    done(std::move(r));
  };
  auto timer = std::make_shared<boost::asio::steady_timer>(
      state_->executor, state_->completionConfig().second.debounce);
  timer->async_wait(
      [s = state_, uri, at, encoding, token, finish, timer](boost::system::error_code) {
        if (token.cancelled()) return finish(cancelled());
        s->query<Prepared>(
            uri, token,
            [s, token, finish](Result<Prepared> r) {
              auto* p = std::get_if<Prepared>(&r);
              if (!p) return finish(std::get<EngineError>(r));
              if (!p->request) return finish(std::move(p->outcome));
              auto prepared = std::make_shared<Prepared>(std::move(*p));
              prepared->llm->complete(
                  *prepared->request, nullptr,
                  [prepared, finish, token](agents::LlmOutcome o) {
                    CompletionOutcome out = std::move(prepared->outcome);
                    if (auto* err = std::get_if<agents::LlmError>(&o)) {
                      if (err->kind == agents::LlmError::Kind::Cancelled || token.cancelled())
                        return finish(cancelled());
                      out.note = err->message;
                      return finish(std::move(out));
                    }
                    auto& result = std::get<agents::LlmResult>(o);
                    if (auto text = agents::cleanCompletion(result.text, prepared->around)) {
                      std::string label = text->substr(0, text->find('\n'));
                      std::string detail =
                          result.backend + (result.model.empty() ? "" : " " + result.model);
                      out.items.insert(
                          out.items.begin(),
                          CompletionCandidate{*text, Range{prepared->cursor, prepared->cursor},
                                              label, detail, SymbolKind::String, true});
                    } else {
                      out.note = "the model's completion was empty after clean-up";
                    }
                    finish(std::move(out));
                  },
                  token);
            },
            [s, at, encoding](const SnapshotPtr& snap) {
              Prepared p;
              auto [index, rel] = s->locate(snap->uri());
              auto [llm, completion] = s->completionConfig();
              uint32_t offset = snap->offsetAt(at, encoding);
              CompletionContext ctx =
                  buildCompletionContext(*snap, offset, index.get(), rel, completion.budgets);
              p.cursor = snap->positionAt(offset, encoding);
              Range word{
                  snap->positionAt(offset - static_cast<uint32_t>(ctx.wordPrefix.size()), encoding),
                  p.cursor};
              p.outcome.items = identifierCandidates(*snap, ctx, index.get(), word);
              if (!llm || !llm->configured()) {
                p.outcome.note = agents::LlmRouter::notConfiguredMessage();
              } else if (completion.enabled) {
                p.request = agents::buildFimRequest(ctx, completion.fim);
                p.around = {ctx.linePrefix, ctx.lineSuffix, ctx.suffix};
                p.llm = llm;
              }
              return p;
            });
      });
}

}  // namespace sb
