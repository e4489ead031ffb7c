// Fuzzes incremental document edits. The input is
//
//   u8 language (python, json, cpp) | u16le n | n bytes of initial text
//   then edits until the input runs out:
//   u8 op | 4 x pos (start line, start char, end line, end char) | u8 n | n bytes
//
// op bits 0-1 pick the encoding (UTF-8, UTF-16, UTF-32, UTF-16), bits 5-7 all
// set make the change a whole-text replacement, bit 4 puts the next edit in the
// same Document::apply call. A pos is one byte below 0xFE, 0xFE + u16le, or
// 0xFF + u8 k meaning UINT32_MAX - k.
//
// Checks after every apply: the snapshot's text equals a reference string
// edited the same way through LineIndex::offsetAt; the snapshot's line index
// agrees with a fresh one; every node of the (incrementally reparsed) tree has
// points that match its byte offsets, and the tree equals a fresh parse when
// that parse has no errors. At the end, positionAt/offsetAt round-trip on
// character boundaries and agree with a naive re-implementation.

#include <tree_sitter/api.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "FuzzCheck.h"
#include "analysis/Document.h"
#include "analysis/Text.h"
#include "analysis/Utf8.h"

namespace {

using sb::Position;
using sb::PositionEncoding;

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), left_(size) {}
  bool empty() const { return left_ == 0; }
  uint8_t u8() {
    if (left_ == 0) return 0;
    --left_;
    return *p_++;
  }
  uint16_t u16() {
    const uint16_t lo = u8();
    return static_cast<uint16_t>(lo | (u8() << 8));
  }
  uint32_t pos() {
    const uint8_t b = u8();
    if (b == 0xFE) return u16();
    if (b == 0xFF) return UINT32_MAX - u8();
    return b;
  }
  std::string bytes(size_t n) {
    n = std::min(n, left_);
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    left_ -= n;
    return s;
  }

 private:
  const uint8_t* p_;
  size_t left_;
};

const char* encName(PositionEncoding enc) {
  switch (enc) {
    case PositionEncoding::Utf8:
      return "utf-8";
    case PositionEncoding::Utf16:
      return "utf-16";
    case PositionEncoding::Utf32:
      return "utf-32";
  }
  return "?";
}

uint32_t unitsOf(uint32_t len, PositionEncoding enc) {
  if (enc == PositionEncoding::Utf8) return len;
  if (enc == PositionEncoding::Utf16) return len == 4 ? 2 : 1;
  return 1;
}

// ---- A naive model of positions: no index, no fast paths. ----

// Line starts, breaking at \n, \r\n and a lone \r.
std::vector<uint32_t> naiveLineStarts(std::string_view t) {
  std::vector<uint32_t> starts{0};
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
    if (t[i] == '\n' || t[i] == '\r') starts.push_back(static_cast<uint32_t>(i + 1));
  }
  return starts;
}

uint32_t naiveContentEnd(std::string_view t, uint32_t start) {
  uint32_t e = start;
  while (e < t.size() && t[e] != '\n' && t[e] != '\r') ++e;
  return e;
}

uint32_t naiveOffsetAt(std::string_view t, const std::vector<uint32_t>& starts, Position p,
                       PositionEncoding enc) {
  if (p.line >= starts.size()) return static_cast<uint32_t>(t.size());
  uint32_t pos = starts[p.line];
  const uint32_t end = naiveContentEnd(t, pos);
  uint64_t units = 0;
  while (pos < end) {
    const uint32_t len = sb::utf8::sequenceLength(t, pos);
    if (units + unitsOf(len, enc) > p.character) break;
    units += unitsOf(len, enc);
    pos += len;
  }
  return pos;
}

Position naivePositionAt(std::string_view t, const std::vector<uint32_t>& starts, uint32_t offset,
                         PositionEncoding enc) {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(t.size()));
  const uint32_t line = static_cast<uint32_t>(
      std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin() - 1);
  const uint32_t target = std::min(offset, naiveContentEnd(t, starts[line]));
  uint32_t pos = starts[line], units = 0;
  while (pos < target) {
    const uint32_t len = sb::utf8::sequenceLength(t, pos);
    if (pos + len > target) break;
    units += unitsOf(len, enc);
    pos += len;
  }
  return {line, units};
}

// Tree-sitter's point for a byte offset: rows at '\n' only, columns in bytes.
TSPoint tsPoint(std::string_view t, uint32_t offset) {
  const std::string_view before = t.substr(0, offset);
  const auto row = static_cast<uint32_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t nl = before.rfind('\n');
  return {row, static_cast<uint32_t>(nl == std::string_view::npos ? offset : offset - nl - 1)};
}

bool samePoint(TSPoint a, TSPoint b) {
  return a.row == b.row && a.column == b.column;
}

// ---- Checks ----

void checkLineIndex(std::string_view text, const sb::LineIndex& lines) {
  const auto starts = naiveLineStarts(text);
  SB_FUZZ_CHECK(lines.lineCount() == starts.size(), "%u lines in the snapshot, %zu in the text",
                lines.lineCount(), starts.size());
  for (uint32_t i = 0; i < starts.size(); ++i)
    SB_FUZZ_CHECK(lines.lineStart(i) == starts[i], "line %u starts at %u, expected %u", i,
                  lines.lineStart(i), starts[i]);
}

void checkTreePoints(std::string_view text, TSNode root) {
  SB_FUZZ_CHECK(ts_node_end_byte(root) <= text.size(), "root ends at %u past the text (%zu bytes)",
                ts_node_end_byte(root), text.size());
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  for (;;) {
    const TSNode n = ts_tree_cursor_current_node(&cursor);
    const uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
    SB_FUZZ_CHECK(b <= e && e <= text.size(), "node %s spans [%u, %u) in %zu bytes",
                  ts_node_type(n), b, e, text.size());
    const TSPoint sp = ts_node_start_point(n), ep = ts_node_end_point(n), wantS = tsPoint(text, b),
                  wantE = tsPoint(text, e);
    SB_FUZZ_CHECK(samePoint(sp, wantS) && samePoint(ep, wantE),
                  "node %s [%u, %u) has points (%u,%u)-(%u,%u), bytes say (%u,%u)-(%u,%u)",
                  ts_node_type(n), b, e, sp.row, sp.column, ep.row, ep.column, wantS.row,
                  wantS.column, wantE.row, wantE.column);
    if (ts_tree_cursor_goto_first_child(&cursor)) continue;
    bool moved = false;
    while (!moved) {
      if (ts_tree_cursor_goto_next_sibling(&cursor)) {
        moved = true;
      } else if (!ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        return;
      }
    }
  }
}

// Same shape, node types and byte ranges.
void checkSameTree(TSNode a, TSNode b) {
  std::vector<std::pair<TSNode, TSNode>> stack{{a, b}};
  while (!stack.empty()) {
    auto [x, y] = stack.back();
    stack.pop_back();
    SB_FUZZ_CHECK(
        ts_node_symbol(x) == ts_node_symbol(y) && ts_node_start_byte(x) == ts_node_start_byte(y) &&
            ts_node_end_byte(x) == ts_node_end_byte(y) &&
            ts_node_child_count(x) == ts_node_child_count(y),
        "incremental tree differs from a fresh parse: %s [%u, %u) with %u children vs %s [%u, %u) "
        "with %u children",
        ts_node_type(x), ts_node_start_byte(x), ts_node_end_byte(x), ts_node_child_count(x),
        ts_node_type(y), ts_node_start_byte(y), ts_node_end_byte(y), ts_node_child_count(y));
    for (uint32_t i = 0; i < ts_node_child_count(x); ++i)
      stack.emplace_back(ts_node_child(x, i), ts_node_child(y, i));
  }
}

void checkSnapshot(const sb::DocumentSnapshot& snap, std::string_view reference,
                   std::string_view languageId) {
  const std::string_view text = snap.text();
  SB_FUZZ_CHECK(text == reference,
                "snapshot text (%zu bytes) differs from the reference (%zu bytes)", text.size(),
                reference.size());
  checkLineIndex(text, snap.lines());
  if (!snap.hasTree()) {
    SB_FUZZ_CHECK(!snap.parseSkippedReason().empty(), "no tree and no reason");
    return;
  }
  const sb::TreeHandle tree = snap.tree();
  checkTreePoints(text, tree.root());

  const sb::Document fresh("file:///fuzz/fresh", languageId, 0, std::string(text));
  const auto freshSnap = fresh.snapshot();
  if (!freshSnap->hasTree()) return;
  const sb::TreeHandle freshTree = freshSnap->tree();
  if (!ts_node_has_error(freshTree.root())) checkSameTree(tree.root(), freshTree.root());
}

void checkPositions(std::string_view text, const sb::LineIndex& lines) {
  const auto starts = naiveLineStarts(text);
  // Every character boundary of a short text; an even sample of a long one.
  std::vector<uint32_t> boundaries;
  for (uint32_t off = 0; off < text.size(); off += sb::utf8::sequenceLength(text, off))
    boundaries.push_back(off);
  boundaries.push_back(static_cast<uint32_t>(text.size()));
  const size_t stride = std::max<size_t>(1, boundaries.size() / 512);
  std::vector<uint32_t> sample;
  for (size_t i = 0; i < boundaries.size(); i += stride) sample.push_back(boundaries[i]);
  if (sample.back() != text.size()) sample.push_back(static_cast<uint32_t>(text.size()));
  for (PositionEncoding enc :
       {PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32}) {
    Position prev{};
    for (const uint32_t off : sample) {
      const Position p = lines.positionAt(text, off, enc);
      const Position want = naivePositionAt(text, starts, off, enc);
      SB_FUZZ_CHECK(p == want, "%s positionAt(%u) = %u:%u, expected %u:%u", encName(enc), off,
                    p.line, p.character, want.line, want.character);
      SB_FUZZ_CHECK(prev <= p, "%s positionAt is not monotonic at %u", encName(enc), off);
      prev = p;
      // Between the \r and \n of a pair is not a position of its own.
      const bool midPair =
          off > 0 && off < text.size() && text[off - 1] == '\r' && text[off] == '\n';
      if (!midPair) {
        const uint32_t back = lines.offsetAt(text, p, enc);
        SB_FUZZ_CHECK(back == off, "%s offsetAt(positionAt(%u) = %u:%u) = %u", encName(enc), off,
                      p.line, p.character, back);
      }
    }
    // Clamping: past the line end, past the last line.
    for (uint32_t line = 0; line < starts.size() && line < 64; ++line) {
      for (uint32_t ch : {0u, 1u, 7u, 1000u, UINT32_MAX}) {
        const Position p{line, ch};
        const uint32_t got = lines.offsetAt(text, p, enc),
                       want = naiveOffsetAt(text, starts, p, enc);
        SB_FUZZ_CHECK(got == want, "%s offsetAt(%u:%u) = %u, expected %u", encName(enc), line, ch,
                      got, want);
      }
    }
    SB_FUZZ_CHECK(
        lines.offsetAt(text, {static_cast<uint32_t>(starts.size()), 0}, enc) == text.size(),
        "a line past the end does not clamp to the end");
  }
}

struct Lang {
  const char* id;
  const char* uri;
};
constexpr Lang kLangs[] = {{"python", "file:///fuzz/a.py"},
                           {"json", "file:///fuzz/a.json"},
                           {"cpp", "file:///fuzz/a.cpp"}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  const Lang& lang = kLangs[in.u8() % std::size(kLangs)];
  std::string reference = in.bytes(in.u16());
  sb::Document doc(lang.uri, lang.id, 0, reference);
  checkSnapshot(*doc.snapshot(), reference, lang.id);

  int version = 0;
  while (!in.empty()) {
    std::vector<sb::TextChange> changes;
    PositionEncoding enc = PositionEncoding::Utf16;
    bool more = true;
    while (more && !in.empty() && changes.size() < 8) {
      const uint8_t op = in.u8();
      if (changes.empty()) {
        constexpr PositionEncoding kEnc[] = {PositionEncoding::Utf8, PositionEncoding::Utf16,
                                             PositionEncoding::Utf32, PositionEncoding::Utf16};
        enc = kEnc[op & 3];
      }
      more = (op & 0x10) != 0;
      sb::TextChange change;
      if ((op & 0xE0) != 0xE0) {
        const Position start{in.pos(), in.pos()};
        const Position end{in.pos(), in.pos()};
        change.range = sb::Range{start, end};
      }
      change.text = in.bytes(in.u8());

      // The reference edit, as the protocol defines it.
      if (!change.range) {
        reference = change.text;
      } else {
        const sb::LineIndex lines(reference);
        uint32_t a = lines.offsetAt(reference, change.range->start, enc);
        uint32_t b = lines.offsetAt(reference, change.range->end, enc);
        const auto starts = naiveLineStarts(reference);
        SB_FUZZ_CHECK(a == naiveOffsetAt(reference, starts, change.range->start, enc) &&
                          b == naiveOffsetAt(reference, starts, change.range->end, enc),
                      "%s offsetAt disagrees with the naive model", encName(enc));
        if (b < a) std::swap(a, b);
        reference.replace(a, b - a, change.text);
      }
      changes.push_back(std::move(change));
    }
    doc.apply(changes, ++version, enc);
    const auto snap = doc.snapshot();
    SB_FUZZ_CHECK(snap->version() == version, "snapshot version %d, expected %d", snap->version(),
                  version);
    checkSnapshot(*snap, reference, lang.id);
  }
  checkPositions(doc.snapshot()->text(), doc.snapshot()->lines());
  return 0;
}
