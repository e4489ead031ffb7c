#pragma once
// Internal: small helpers over TSNode.

#include <tree_sitter/api.h>

#include <string_view>

#include "analysis/Text.h"

namespace sb {

inline ByteRange byteRangeOf(TSNode n) {
  return {ts_node_start_byte(n), ts_node_end_byte(n)};
}

inline std::string_view nodeText(std::string_view text, TSNode n) {
  const uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (b >= text.size() || e <= b) return {};
  return text.substr(b, e - b);
}

inline TSNode childByField(TSNode n, std::string_view field) {
  return ts_node_child_by_field_name(n, field.data(), static_cast<uint32_t>(field.size()));
}

// Follows a '/'-separated path of field names: "declarator/name".
inline TSNode childByFieldPath(TSNode n, std::string_view path) {
  while (!ts_node_is_null(n) && !path.empty()) {
    const size_t slash = path.find('/');
    n = childByField(n, path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  return n;
}

inline bool typeIs(TSNode n, std::string_view type) {
  return !ts_node_is_null(n) && ts_node_type(n) == type;
}

}  // namespace sb
