#include "analysis/TagMatches.h"

#include <memory>

#include "analysis/NodeUtil.h"

namespace sb::tags {
namespace {

struct TSQueryCursorDeleter {
  void operator()(TSQueryCursor* c) const { ts_query_cursor_delete(c); }
};

}  // namespace

Matches runQuery(const TagQuery& query, TSNode root, std::string_view text) {
  Matches out;
  std::unique_ptr<TSQueryCursor, TSQueryCursorDeleter> cursor(ts_query_cursor_new());
  ts_query_cursor_exec(cursor.get(), query.get(), root);
  TSQueryMatch m;
  while (ts_query_cursor_next_match(cursor.get(), &m)) {
    if (!query.accepts(m, text)) continue;
    // The captures that qualify others come first.
    TSNode name{}, container{}, wrapper{}, wrapped{};
    bool signatureWrapper = false;
    for (uint16_t i = 0; i < m.capture_count; ++i) {
      const TSNode n = m.captures[i].node;
      switch (query.capture(m.captures[i].index).role) {
        case Role::Name:
          if (ts_node_is_null(name)) name = n;
          break;
        case Role::Container:
          container = n;
          break;
        case Role::Wrapper:
          wrapper = n;
          break;
        case Role::WrapperSignature:
          wrapper = n;
          signatureWrapper = true;
          break;
        case Role::Wrapped:
          wrapped = n;
          break;
        default:
          break;
      }
    }
    for (uint16_t i = 0; i < m.capture_count; ++i) {
      const TSNode n = m.captures[i].node;
      const Capture& c = query.capture(m.captures[i].index);
      switch (c.role) {
        case Role::Definition:
          if (!ts_node_is_null(name))
            out.definitions.push_back({n, name, container, c.kind, m.pattern_index});
          break;
        case Role::Reference:
          out.references.push_back(
              {byteRangeOf(ts_node_is_null(name) ? n : name), c.kind, c.priority});
          break;
        case Role::Import:
          out.imports.push_back(n);
          break;
        case Role::Comment:
          out.docItems.push_back({byteRangeOf(n), true});
          break;
        case Role::Annotation:
          out.docItems.push_back({byteRangeOf(n), false});
          break;
        case Role::Scope:
          if (!ts_node_is_null(name)) out.scopes.push_back({n, name});
          break;
        default:
          break;
      }
    }
    if (!ts_node_is_null(wrapper) && !ts_node_is_null(wrapped)) {
      const uint64_t w = keyOf(byteRangeOf(wrapper)), inner = keyOf(byteRangeOf(wrapped));
      auto [it, added] =
          out.wrappers.try_emplace(w, WrapperInfo{wrapper, signatureWrapper, inner, false});
      if (!added && it->second.wrapped != inner) it->second.ambiguous = true;
      out.wrapperOf.try_emplace(inner, w);
    }
  }
  return out;
}

}  // namespace sb::tags
