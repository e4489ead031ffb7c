#include "analysis/CompletionContext.h"

#include <algorithm>
#include <set>

#include "analysis/Identifiers.h"
#include "analysis/NodeUtil.h"

namespace sb {
namespace {

constexpr size_t kCharsPerToken = 4;

bool identChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$';
}

// Moves a cut point to a syntax boundary: the start (for a prefix) or end
// (for a suffix) of the nearest top-level node inside the allowed window,
// else a line boundary, so the model never sees half a token or line.
uint32_t prefixStart(const DocumentSnapshot& doc, uint32_t cursor, size_t budgetChars) {
  if (cursor <= budgetChars) return 0;
  uint32_t earliest = cursor - static_cast<uint32_t>(budgetChars);
  if (doc.hasTree()) {
    TreeHandle tree = doc.tree();
    TSNode root = tree.root();
    uint32_t n = ts_node_child_count(root);
    for (uint32_t i = 0; i < n; ++i) {
      TSNode child = ts_node_child(root, i);
      uint32_t start = ts_node_start_byte(child);
      if (start >= earliest && start <= cursor) return start;
      if (start > cursor) break;
    }
  }
  size_t nl = doc.text().find('\n', earliest);
  return nl == std::string_view::npos || nl >= cursor ? earliest : static_cast<uint32_t>(nl + 1);
}

uint32_t suffixEnd(const DocumentSnapshot& doc, uint32_t cursor, size_t budgetChars) {
  std::string_view text = doc.text();
  if (text.size() - cursor <= budgetChars) return static_cast<uint32_t>(text.size());
  uint32_t latest = cursor + static_cast<uint32_t>(budgetChars);
  uint32_t best = 0;
  if (doc.hasTree()) {
    TreeHandle tree = doc.tree();
    TSNode root = tree.root();
    uint32_t n = ts_node_child_count(root);
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t end = ts_node_end_byte(ts_node_child(root, i));
      if (end > latest) break;
      if (end >= cursor) best = end;
    }
  }
  if (best > cursor) {
    // Take the rest of that line too, when it is only whitespace.
    size_t nl = text.find('\n', best);
    if (nl != std::string_view::npos && nl < latest &&
        text.substr(best, nl - best).find_first_not_of(" \t\r") == std::string_view::npos)
      return static_cast<uint32_t>(nl + 1);
    return best;
  }
  size_t nl = text.rfind('\n', latest);
  return nl == std::string_view::npos || nl < cursor ? latest : static_cast<uint32_t>(nl + 1);
}

}  // namespace

std::string lineCommentFor(std::string_view language) {
  if (language == "python" || language == "bash") return "#";
  return "//";
}

CompletionContext buildCompletionContext(const DocumentSnapshot& doc, uint32_t offset,
                                         WorkspaceIndex* index, const std::string& relPath,
                                         const CompletionBudgets& budgets) {
  CompletionContext ctx;
  std::string_view text = doc.text();
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  ctx.language = doc.language() ? std::string(doc.language()->name) : "";
  ctx.path = relPath.empty() ? doc.uri() : relPath;
  uint32_t from = prefixStart(doc, offset, budgets.prefix * kCharsPerToken);
  uint32_t to = suffixEnd(doc, offset, budgets.suffix * kCharsPerToken);
  ctx.prefix = std::string(text.substr(from, offset - from));
  ctx.suffix = std::string(text.substr(offset, to - offset));
  size_t lineStart = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  lineStart = (lineStart == std::string_view::npos || offset == 0) ? 0 : lineStart + 1;
  size_t lineEnd = text.find('\n', offset);
  if (lineEnd == std::string_view::npos) lineEnd = text.size();
  ctx.linePrefix = std::string(text.substr(lineStart, offset - lineStart));
  ctx.lineSuffix = std::string(text.substr(offset, lineEnd - offset));
  size_t w = ctx.linePrefix.size();
  while (w > 0 && identChar(ctx.linePrefix[w - 1])) --w;
  ctx.wordPrefix = ctx.linePrefix.substr(w);

  ctx.window = {offset > 3000 ? offset - 3000 : 0,
                std::min<uint32_t>(offset + 1000, static_cast<uint32_t>(text.size()))};
  if (!index) return ctx;
  for (const auto& imp : index->store().importsOf(relPath)) ctx.imports.push_back(imp.path);

  // Names used around the cursor (nearest first) that are defined in other
  // files. Only a window is walked: completion runs on every pause in typing.
  std::vector<std::pair<uint32_t, std::string>> used;
  const uint32_t lo = ctx.window.begin, hi = ctx.window.end;
  for (auto& use : identifiersIn(doc, {lo, hi})) {
    if (use.name.size() < 3 || (use.range.begin <= offset && use.range.end >= offset)) continue;
    uint32_t distance =
        use.range.begin > offset ? use.range.begin - offset : offset - use.range.end;
    used.push_back({distance, std::move(use.name)});
  }
  std::sort(used.begin(), used.end());
  std::set<std::string> seen;
  std::vector<std::string> names;    // nearest first, each once
  constexpr size_t kMaxNames = 128;  // the budget runs out long before farther names matter
  for (auto& [distance, name] : used)
    if (names.size() < kMaxNames && seen.insert(name).second) names.push_back(std::move(name));
  // One index query for all of them (a query per name cost a millisecond).
  auto defined = index->definitionsOfEach(names, relPath, 2);
  size_t budget = budgets.definitions * kCharsPerToken;
  for (const auto& name : names) {
    auto it = defined.find(name);
    if (it == defined.end()) continue;
    for (const auto& h : it->second) {
      if (h.relPath == relPath) continue;
      std::string snippet = h.symbol.signature.empty() ? h.symbol.name : h.symbol.signature;
      if (!h.symbol.doc.empty()) {
        std::string doc1 = h.symbol.doc.substr(0, h.symbol.doc.find('\n'));
        if (snippet.size() + doc1.size() + 1 < 400)
          snippet = std::move(doc1.append("\n").append(snippet));
      }
      if (snippet.size() > budget) break;
      budget -= snippet.size();
      ctx.definitions.push_back({h.relPath, std::move(snippet)});
    }
    if (budget < 40) break;
  }
  if (budgets.repoMap > 0) {
    // Only a map already rendered: ranking the whole workspace is too slow
    // for a keystroke (the engine renders it after each index refresh).
    RepoMapOptions o;
    o.tokenBudget = budgets.repoMap;
    ctx.repoMap = index->cachedRepoMap(o).value_or("");
  }
  return ctx;
}

}  // namespace sb
