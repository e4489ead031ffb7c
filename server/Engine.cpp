#include "Engine.h"

#include "EngineState.h"

namespace sb {

Engine::Engine(Workers& workers, EngineOptions options, DiagnosticsSink onDiagnostics)
    : state_(std::make_shared<State>(workers.executor(), options, std::move(onDiagnostics))) {}

Engine::~Engine() {
  // Queued work holds the state alive; stop it from publishing to a front end
  // that is going away.
  std::lock_guard lock(state_->mu);
  for (auto& entry : state_->docs) {
    auto d = entry.second;
    asio::post(d->strand, [d] { d->debounce.cancel(); });
  }
  state_->docs.clear();
  state_->onDiagnostics = nullptr;
}

void Engine::open(std::string uri, std::string languageId, int version, std::string text) {
  auto d = std::make_shared<OpenDocument>(state_->executor);
  {
    std::lock_guard lock(state_->mu);
    state_->docs[uri] = d;  // reopening replaces
  }
  asio::post(d->strand, [s = state_, d, uri = std::move(uri), lang = std::move(languageId), version,
                         text = std::move(text)]() mutable {
    try {
      d->doc = std::make_unique<Document>(uri, lang, version, std::move(text), s->options.parse);
      d->latest = d->doc->snapshot();
      if (auto why = d->latest->parseSkippedReason(); !why.empty())
        spdlog::info("{}: not parsed: {}", uri, why);
    } catch (const std::exception& e) {
      spdlog::error("opening {} failed: {}", uri, e.what());
      return;
    }
    s->publish(d);
  });
}

void Engine::change(const std::string& uri, int version, std::vector<TextChange> changes,
                    PositionEncoding encoding) {
  auto d = state_->find(uri);
  if (!d) {
    spdlog::warn("didChange for {} which is not open; ignored", uri);
    return;
  }
  asio::post(d->strand, [s = state_, d, version, changes = std::move(changes), encoding] {
    if (!d->doc) return;
    try {
      auto stats = d->doc->apply(changes, version, encoding);
      d->latest = d->doc->snapshot();
      spdlog::trace("{} v{}: reparsed in {:.0f} us{}", d->latest->uri(), version, stats.parseMicros,
                    stats.incremental ? " (incremental)" : "");
    } catch (const std::exception& e) {
      spdlog::error("applying an edit to {} failed: {}", d->latest ? d->latest->uri() : "?",
                    e.what());
      return;
    }
    d->debounce.expires_after(s->options.diagnosticsDelay);
    d->debounce.async_wait([s, d](boost::system::error_code ec) {
      if (!ec) s->publish(d);
    });
  });
}

void Engine::close(const std::string& uri) {
  std::shared_ptr<OpenDocument> d;
  {
    std::lock_guard lock(state_->mu);
    auto it = state_->docs.find(uri);
    if (it == state_->docs.end()) return;
    d = std::move(it->second);
    state_->docs.erase(it);
  }
  asio::post(d->strand, [d] { d->debounce.cancel(); });
}

bool Engine::isOpen(const std::string& uri) const {
  return state_->find(uri) != nullptr;
}

void Engine::snapshot(const std::string& uri, const CancelToken& cancel,
                      Callback<SnapshotPtr> done) {
  state_->query<SnapshotPtr>(uri, cancel, std::move(done), [](const SnapshotPtr& s) { return s; });
}

void Engine::outline(const std::string& uri, const CancelToken& cancel,
                     Callback<OnSnapshot<std::vector<OutlineSymbol>>> done) {
  state_->query<OnSnapshot<std::vector<OutlineSymbol>>>(
      uri, cancel, std::move(done), [](const SnapshotPtr& s) {
        return OnSnapshot<std::vector<OutlineSymbol>>{s, documentOutline(*s)};
      });
}

void Engine::folding(const std::string& uri, const CancelToken& cancel,
                     Callback<OnSnapshot<std::vector<FoldingRegion>>> done) {
  state_->query<OnSnapshot<std::vector<FoldingRegion>>>(
      uri, cancel, std::move(done), [](const SnapshotPtr& s) {
        return OnSnapshot<std::vector<FoldingRegion>>{s, foldingRegions(*s)};
      });
}

void Engine::selection(const std::string& uri, std::vector<Position> positions,
                       PositionEncoding encoding, const CancelToken& cancel,
                       Callback<OnSnapshot<std::vector<std::vector<ByteRange>>>> done) {
  state_->query<OnSnapshot<std::vector<std::vector<ByteRange>>>>(
      uri, cancel, std::move(done),
      [positions = std::move(positions), encoding, cancel](const SnapshotPtr& s) {
        std::vector<std::vector<ByteRange>> chains;
        for (const Position& p : positions) {
          if (cancel.cancelled()) break;
          chains.push_back(selectionChain(*s, s->offsetAt(p, encoding)));
        }
        return OnSnapshot<std::vector<std::vector<ByteRange>>>{s, std::move(chains)};
      });
}

void Engine::diagnostics(const std::string& uri, const CancelToken& cancel,
                         Callback<OnSnapshot<std::vector<SyntaxDiagnostic>>> done) {
  state_->query<OnSnapshot<std::vector<SyntaxDiagnostic>>>(
      uri, cancel, std::move(done), [](const SnapshotPtr& s) {
        return OnSnapshot<std::vector<SyntaxDiagnostic>>{s, syntaxDiagnostics(*s)};
      });
}

}  // namespace sb
