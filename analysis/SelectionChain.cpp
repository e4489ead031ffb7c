#include <algorithm>

#include "analysis/NodeUtil.h"
#include "analysis/SyntaxInfo.h"

namespace sb {

std::vector<ByteRange> selectionChain(const DocumentSnapshot& doc, uint32_t offset) {
  const auto size = static_cast<uint32_t>(doc.text().size());
  offset = std::min(offset, size);
  std::vector<ByteRange> chain;
  auto add = [&](ByteRange r) {
    // Keep only ranges that strictly contain the previous one: parents can
    // share a child's range, and error recovery can make odd ranges.
    if (r.end > size || r.begin > r.end) return;
    if (!chain.empty()) {
      const ByteRange& last = chain.back();
      if (r.begin > last.begin || r.end < last.end || r == last) return;
    }
    chain.push_back(r);
  };
  if (doc.hasTree()) {
    const TreeHandle tree = doc.tree();
    for (TSNode n = ts_node_descendant_for_byte_range(tree.root(), offset, offset);
         !ts_node_is_null(n); n = ts_node_parent(n))
      add(byteRangeOf(n));
  }
  add({0, size});
  return chain;
}

}  // namespace sb
