// Engine queries answered from the workspace index, combined with the live
// tree of the document the question comes from.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "Engine.h"
#include "EngineState.h"
#include "analysis/FileText.h"
#include "analysis/Identifiers.h"
#include "analysis/Tags.h"

namespace sb {
namespace {

// Converts stored positions (UTF-8 and UTF-16 columns) into the client's
// encoding; UTF-32 needs the line's text, read from disk once per file.
class PositionMapper {
 public:
  explicit PositionMapper(PositionEncoding enc) : enc_(enc) {}

  Position map(const std::string& absPath, const StoredPos& p) {
    switch (enc_) {
      case PositionEncoding::Utf8:
        return {p.line, p.col8};
      case PositionEncoding::Utf16:
        return {p.line, p.col16};
      case PositionEncoding::Utf32:
        break;
    }
    const std::string& text = load(absPath);
    LineIndex lines(text);
    uint32_t offset = lines.offsetAt(text, {p.line, p.col8}, PositionEncoding::Utf8);
    return lines.positionAt(text, offset, PositionEncoding::Utf32);
  }

 private:
  const std::string& load(const std::string& path) {
    auto it = cache_.find(path);
    if (it != cache_.end()) return it->second;
    return cache_.emplace(path, readFileText(path).value_or(std::string())).first->second;
  }
  PositionEncoding enc_;
  std::unordered_map<std::string, std::string> cache_;
};

SymbolInfo fromIndex(WorkspaceIndex& w, const SymbolHit& h, PositionMapper& mapper) {
  SymbolInfo s;
  s.name = h.symbol.name;
  s.kind = h.symbol.kind;
  s.container = h.symbol.container;
  s.signature = h.symbol.signature;
  s.doc = h.symbol.doc;
  std::string abs = w.absolutePath(h.relPath);
  if (const Language* lang = languageForPath(h.relPath)) s.language = std::string(lang->name);
  s.location.uri = pathToFileUri(abs);
  s.location.range = {mapper.map(abs, h.symbol.nameStart), mapper.map(abs, h.symbol.nameEnd)};
  return s;
}

SymbolInfo fromTag(const DocumentSnapshot& doc, const Tag& t, PositionEncoding enc) {
  SymbolInfo s;
  s.name = t.name;
  s.kind = t.kind;
  s.container = t.container;
  s.signature = t.signature;
  s.doc = t.doc;
  if (doc.language()) s.language = std::string(doc.language()->name);
  s.location.uri = doc.uri();
  s.location.range = doc.toRange(t.nameRange, enc);
  return s;
}

bool memberKind(SymbolKind k) {
  return k == SymbolKind::Method || k == SymbolKind::Field || k == SymbolKind::Property ||
         k == SymbolKind::Constructor;
}

}  // namespace

void Engine::setWorkspaces(std::vector<std::shared_ptr<WorkspaceIndex>> indexes) {
  std::lock_guard lock(state_->mu);
  state_->workspaces = std::move(indexes);
}

std::vector<std::shared_ptr<WorkspaceIndex>> Engine::workspaces() const {
  std::lock_guard lock(state_->mu);
  return state_->workspaces;
}

void Engine::workspaceSymbols(std::string query, size_t limit, PositionEncoding encoding,
                              const CancelToken& cancel, Callback<std::vector<SymbolInfo>> done) {
  std::vector<std::string> openUris;
  {
    std::lock_guard lock(state_->mu);
    for (const auto& [uri, d] : state_->docs) openUris.push_back(uri);
  }
  state_->run<std::vector<SymbolInfo>>(
      cancel, std::move(done),
      [s = state_, query = std::move(query), limit, encoding, openUris = std::move(openUris)] {
        std::vector<SymbolInfo> out;
        PositionMapper mapper(encoding);
        std::vector<std::shared_ptr<WorkspaceIndex>> workspaces;
        {
          std::lock_guard lock(s->mu);
          workspaces = s->workspaces;
        }
        for (const auto& w : workspaces) {
          SymbolSearchHints hints;
          for (const auto& uri : openUris) {
            auto [index, rel] = s->locate(uri);
            if (index == w) hints.openFiles.push_back(rel);
          }
          if (!hints.openFiles.empty()) hints.nearFile = hints.openFiles.front();
          for (const auto& h : w->searchSymbols(query, limit, hints))
            out.push_back(fromIndex(*w, h, mapper));
        }
        if (out.size() > limit) out.resize(limit);
        return out;
      });
}

std::vector<SymbolInfo> Engine::definitionsAt(const std::shared_ptr<State>& s,
                                              const SnapshotPtr& snap, Position at,
                                              PositionEncoding encoding) {
  std::vector<SymbolInfo> out;
  auto id = identifierAt(*snap, snap->offsetAt(at, encoding));
  if (!id) return out;
  // The document itself first: its live tree is newer than the index.
  for (const Tag& t : extractTags(*snap).definitions)
    if (t.name == id->name) out.push_back(fromTag(*snap, t, encoding));
  if (!out.empty()) return out;
  auto [index, rel] = s->locate(snap->uri());
  std::vector<std::shared_ptr<WorkspaceIndex>> workspaces;
  if (index) {
    workspaces.push_back(index);
  } else {
    std::lock_guard lock(s->mu);
    workspaces = s->workspaces;
  }
  PositionMapper mapper(encoding);
  for (const auto& w : workspaces)
    for (const auto& h : w->definitions(id->name, index == w ? rel : std::string()))
      if (h.relPath != rel || index != w) out.push_back(fromIndex(*w, h, mapper));
  // After '.', '->' or '::', members are the likelier targets.
  if (id->isMember)
    std::stable_partition(out.begin(), out.end(),
                          [](const SymbolInfo& i) { return memberKind(i.kind); });
  return out;
}

void Engine::definition(const std::string& uri, Position at, PositionEncoding encoding,
                        const CancelToken& cancel, Callback<std::vector<SymbolInfo>> done) {
  state_->query<std::vector<SymbolInfo>>(uri, cancel, std::move(done),
                                         [s = state_, at, encoding](const SnapshotPtr& snap) {
                                           return definitionsAt(s, snap, at, encoding);
                                         });
}

void Engine::references(const std::string& uri, Position at, PositionEncoding encoding,
                        bool includeDeclaration, const CancelToken& cancel,
                        Callback<std::vector<SourceLocation>> done) {
  state_->query<std::vector<SourceLocation>>(
      uri, cancel, std::move(done),
      [s = state_, at, encoding, includeDeclaration](const SnapshotPtr& snap) {
        std::vector<SourceLocation> out;
        auto id = identifierAt(*snap, snap->offsetAt(at, encoding));
        if (!id) return out;
        // This document from its live tree.
        std::vector<ByteRange> declarations;
        if (!includeDeclaration)
          for (const Tag& t : extractTags(*snap).definitions)
            if (t.name == id->name) declarations.push_back(t.nameRange);
        for (const ByteRange& r : identifierOccurrences(*snap, id->name)) {
          if (std::find(declarations.begin(), declarations.end(), r) != declarations.end())
            continue;
          out.push_back({snap->uri(), snap->toRange(r, encoding)});
        }
        // Other files from the index.
        auto [index, rel] = s->locate(snap->uri());
        std::vector<std::shared_ptr<WorkspaceIndex>> workspaces;
        {
          std::lock_guard lock(s->mu);
          workspaces = s->workspaces;
        }
        PositionMapper mapper(encoding);
        for (const auto& w : workspaces) {
          for (const auto& r : w->references(id->name)) {
            if (w == index && r.relPath == rel) continue;
            std::string abs = w->absolutePath(r.relPath);
            out.push_back(
                {pathToFileUri(abs), {mapper.map(abs, r.ref.start), mapper.map(abs, r.ref.end)}});
          }
          if (includeDeclaration)
            for (const auto& h : w->store().symbolsNamed(id->name, 200)) {
              if (w == index && h.relPath == rel) continue;
              out.push_back(fromIndex(*w, h, mapper).location);
            }
        }
        return out;
      });
}

void Engine::hover(const std::string& uri, Position at, PositionEncoding encoding,
                   const CancelToken& cancel, Callback<std::optional<HoverInfo>> done) {
  state_->query<std::optional<HoverInfo>>(
      uri, cancel, std::move(done), [s = state_, at, encoding](const SnapshotPtr& snap) {
        std::optional<HoverInfo> out;
        auto id = identifierAt(*snap, snap->offsetAt(at, encoding));
        if (!id) return out;
        auto defs = definitionsAt(s, snap, at, encoding);
        if (!defs.empty()) out = HoverInfo{snap->toRange(id->range, encoding), std::move(defs)};
        return out;
      });
}

void Engine::highlights(const std::string& uri, Position at, PositionEncoding encoding,
                        const CancelToken& cancel, Callback<std::vector<Range>> done) {
  state_->query<std::vector<Range>>(
      uri, cancel, std::move(done), [at, encoding](const SnapshotPtr& snap) {
        std::vector<Range> out;
        auto id = identifierAt(*snap, snap->offsetAt(at, encoding));
        if (!id) return out;
        for (const ByteRange& r : identifierOccurrences(*snap, id->name))
          out.push_back(snap->toRange(r, encoding));
        return out;
      });
}

void Engine::repoMap(size_t tokenBudget, const CancelToken& cancel, Callback<std::string> done) {
  state_->run<std::string>(cancel, std::move(done), [s = state_, tokenBudget] {
    std::vector<std::shared_ptr<WorkspaceIndex>> workspaces;
    {
      std::lock_guard lock(s->mu);
      workspaces = s->workspaces;
    }
    std::string out;
    for (const auto& w : workspaces) {
      RepoMapOptions options;
      options.tokenBudget = tokenBudget / std::max<size_t>(1, workspaces.size());
      out += w->repoMap(options);
    }
    return out;
  });
}

}  // namespace sb
