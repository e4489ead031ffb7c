// Random edit sequences: after every apply the document's text must equal a
// reference edited independently, and the incrementally reparsed tree must
// equal a fresh parse of the same text (structure, bytes and points).

#include <gtest/gtest.h>
#include <tree_sitter/api.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "TestUtil.h"
#include "analysis/Document.h"
#include "analysis/Language.h"

namespace sb {
namespace {

// Byte offsets where an LSP position can point: character starts, not
// between \r and \n. The test's texts are valid UTF-8.
std::vector<uint32_t> boundaries(const std::string& s) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < s.size();) {
    out.push_back(i);
    const auto b = static_cast<unsigned char>(s[i]);
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')
      i += 2;
    else
      i += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  }
  out.push_back(static_cast<uint32_t>(s.size()));
  return out;
}

// A straightforward position computation, independent of LineIndex.
Position naivePosition(const std::string& s, uint32_t offset, PositionEncoding enc) {
  Position p;
  for (uint32_t i = 0; i < offset;) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (s[i] == '\n' || s[i] == '\r') {
      i += (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
      p = {p.line + 1, 0};
      continue;
    }
    const uint32_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    p.character += enc == PositionEncoding::Utf8    ? len
                   : enc == PositionEncoding::Utf16 ? (len == 4 ? 2 : 1)
                                                    : 1;
    i += len;
  }
  return p;
}

std::string sexp(TSNode n) {
  const std::unique_ptr<char, decltype(&std::free)> s(ts_node_string(n), &std::free);
  return s.get();
}

// Walks both trees together; reports the first node whose type, bytes or points differ.
std::string firstDifference(TSNode a, TSNode b) {
  TSTreeCursor ca = ts_tree_cursor_new(a), cb = ts_tree_cursor_new(b);
  std::string diff;
  for (;;) {
    const TSNode x = ts_tree_cursor_current_node(&ca), y = ts_tree_cursor_current_node(&cb);
    const TSPoint xs = ts_node_start_point(x), ys = ts_node_start_point(y);
    const TSPoint xe = ts_node_end_point(x), ye = ts_node_end_point(y);
    if (std::string_view(ts_node_type(x)) != ts_node_type(y) ||
        ts_node_start_byte(x) != ts_node_start_byte(y) ||
        ts_node_end_byte(x) != ts_node_end_byte(y) || xs.row != ys.row || xs.column != ys.column ||
        xe.row != ye.row || xe.column != ye.column) {
      diff = std::string(ts_node_type(x)) + " at byte " + std::to_string(ts_node_start_byte(x)) +
             " point " + std::to_string(xs.row) + ":" + std::to_string(xs.column) + " vs " +
             ts_node_type(y) + " at byte " + std::to_string(ts_node_start_byte(y)) + " point " +
             std::to_string(ys.row) + ":" + std::to_string(ys.column);
      break;
    }
    const bool da = ts_tree_cursor_goto_first_child(&ca), db = ts_tree_cursor_goto_first_child(&cb);
    if (da != db) {
      diff = "child count differs";
      break;
    }
    if (da) continue;
    bool done = false;
    for (;;) {
      const bool sa = ts_tree_cursor_goto_next_sibling(&ca),
                 sb = ts_tree_cursor_goto_next_sibling(&cb);
      if (sa != sb) {
        diff = "sibling count differs";
        done = true;
        break;
      }
      if (sa) break;
      if (!ts_tree_cursor_goto_parent(&ca)) {
        done = true;
        break;
      }
      ts_tree_cursor_goto_parent(&cb);
    }
    if (done) break;
  }
  ts_tree_cursor_delete(&ca);
  ts_tree_cursor_delete(&cb);
  return diff;
}

// Tree-sitter's point for a byte offset: rows at '\n' only, columns in bytes.
TSPoint naivePoint(const std::string& s, uint32_t offset) {
  TSPoint p{0, 0};
  for (uint32_t i = 0; i < offset; ++i) {
    if (s[i] == '\n')
      p = {p.row + 1, 0};
    else
      ++p.column;
  }
  return p;
}

bool samePoint(TSPoint a, TSPoint b) {
  return a.row == b.row && a.column == b.column;
}

// Every node's points agree with its bytes (what a wrong TSInputEdit point breaks).
std::string inconsistentPoint(TSNode root, const std::string& text) {
  TSTreeCursor c = ts_tree_cursor_new(root);
  std::string bad;
  for (bool more = true; more && bad.empty();) {
    const TSNode n = ts_tree_cursor_current_node(&c);
    if (!samePoint(ts_node_start_point(n), naivePoint(text, ts_node_start_byte(n))) ||
        !samePoint(ts_node_end_point(n), naivePoint(text, ts_node_end_byte(n))))
      bad = std::string(ts_node_type(n)) + " at byte " + std::to_string(ts_node_start_byte(n));
    if (ts_tree_cursor_goto_first_child(&c)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&c))
      if (!ts_tree_cursor_goto_parent(&c)) {
        more = false;
        break;
      }
  }
  ts_tree_cursor_delete(&c);
  return bad;
}

struct Case {
  const char* fixture;
  PositionEncoding enc;
};

// One edit in byte terms, on the text as it is when the edit is made.
struct ByteEdit {
  uint32_t begin, end;
  std::string insert;
};

class IncrementalEdits : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    original_ = test::readFixture(GetParam().fixture);
    reference_ = original_;
    doc_.emplace(std::string("file:///t/") + GetParam().fixture, "", 0, reference_);
    const Language* lang = doc_->snapshot()->language();
    ASSERT_NE(lang, nullptr);
    parser_.reset(ts_parser_new());
    ASSERT_TRUE(ts_parser_set_language(parser_.get(), lang->grammar()));
    refTree_ = parseFresh();
  }

  TreeHandle parseFresh(const TSTree* old = nullptr) {
    return TreeHandle(ts_parser_parse_string(parser_.get(), old, reference_.data(),
                                             static_cast<uint32_t>(reference_.size())));
  }

  // Sends the edits as one didChange; edits the reference text and a test-owned
  // tree the straightforward way, then checks the document against both.
  void applyAndCheck(const std::vector<ByteEdit>& edits) {
    const PositionEncoding enc = GetParam().enc;
    std::vector<TextChange> changes;
    for (ByteEdit e : edits) {
      // LSP positions cannot point between \r and \n (an undo can need to):
      // widen the edit over the pair, as a client would.
      if (e.begin > 0 && e.begin < reference_.size() && reference_[e.begin - 1] == '\r' &&
          reference_[e.begin] == '\n') {
        --e.begin;
        e.insert.insert(0, "\r");
      }
      if (e.end > 0 && e.end < reference_.size() && reference_[e.end - 1] == '\r' &&
          reference_[e.end] == '\n') {
        ++e.end;
        e.insert += '\n';
      }
      changes.push_back(
          {Range{naivePosition(reference_, e.begin, enc), naivePosition(reference_, e.end, enc)},
           e.insert});
      TSInputEdit te{};
      te.start_byte = e.begin;
      te.old_end_byte = e.end;
      te.new_end_byte = e.begin + static_cast<uint32_t>(e.insert.size());
      te.start_point = naivePoint(reference_, e.begin);
      te.old_end_point = naivePoint(reference_, e.end);
      reference_.replace(e.begin, e.end - e.begin, e.insert);
      te.new_end_point = naivePoint(reference_, te.new_end_byte);
      refTree_.edit(te);
    }
    refTree_ = parseFresh(refTree_.get());
    ++version_;
    const EditStats stats = doc_->apply(changes, version_, enc);
    const auto snap = doc_->snapshot();
    ASSERT_EQ(snap->text(), reference_) << "version " << version_;
    ASSERT_EQ(snap->version(), version_);
    ASSERT_TRUE(snap->hasTree()) << snap->parseSkippedReason();
    EXPECT_TRUE(stats.incremental) << "version " << version_;

    const TreeHandle tree = snap->tree();
    const TreeHandle full = parseFresh();
    // The same reparse done by hand gives exactly the same tree.
    ASSERT_EQ(sexp(tree.root()), sexp(refTree_.root())) << "version " << version_;
    ASSERT_EQ(firstDifference(tree.root(), refTree_.root()), "") << "version " << version_;
    ASSERT_EQ(inconsistentPoint(tree.root(), reference_), "") << "version " << version_;
    // Error recovery may legitimately differ between an incremental and a
    // fresh parse of broken text (tree-sitter's own tests only compare valid
    // text), so a fresh parse is the oracle whenever it has no errors.
    if (!ts_node_has_error(full.root())) {
      ++validChecks_;
      ASSERT_EQ(sexp(tree.root()), sexp(full.root())) << "version " << version_ << "\n"
                                                      << reference_;
      ASSERT_EQ(firstDifference(tree.root(), full.root()), "") << "version " << version_;
    }
  }

  std::string original_, reference_;
  std::optional<Document> doc_;
  ParserPtr parser_;
  TreeHandle refTree_;
  int version_ = 0;
  int validChecks_ = 0;
};

const std::vector<std::string>& pieces() {
  static const std::vector<std::string> p = {
      "",
      "x",
      "foo",
      "(",
      ")",
      "{",
      "}",
      "[",
      "]",
      ";",
      ",",
      " ",
      "\t",
      "\n",
      "\r\n",
      "\r",
      "\n\n",
      "\xE4\xB8\xAD",      // 中
      "\xF0\x9F\x98\x80",  // 😀
      "e\xCC\x81",         // e + combining acute
      "\"",
      "'",
      "#",
      "//",
      "/*",
      "*/",
      ":",
      "=",
      "->",
      "if (a) {\n  b();\n}\n",
      "def g(x):\n    return x\n",
      "int y = 1;\n",
      "class K {\n}\n",
      "\"\xE2\x82\xAC str\"",  // "€ str"
      "  # \xE4\xB8\xAD\n",    // whitespace and comments keep most texts valid
      " /* \xF0\x9F\x98\x80 */ ",
      "\n    \n",
  };
  return p;
}

// Rounds of 1-3 random didChange notifications (some batching several
// changes), then the same edits undone in reverse order. Every step is checked;
// after each undo the text is the valid fixture again, so the incremental
// tree must equal a fresh parse.
TEST_P(IncrementalEdits, MatchReferenceTextAndFullReparse) {
  std::mt19937 rng(0xC0FFEE ^ static_cast<unsigned>(GetParam().enc) ^
                   std::hash<std::string>{}(GetParam().fixture));
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };

  constexpr int kRounds = 120;
  int edits = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<ByteEdit> undo;  // in the order they must be sent
    const size_t notifications = 1 + pick(3);
    for (size_t k = 0; k < notifications; ++k) {
      std::vector<ByteEdit> batch;
      const size_t changes = pick(4) == 0 ? 2 + pick(2) : 1;
      std::string text = reference_;
      for (size_t j = 0; j < changes; ++j) {
        const std::vector<uint32_t> b = boundaries(text);
        const size_t si = pick(b.size());
        const size_t span = pick(3) == 0 ? pick(12) : 0;
        const size_t ei = std::min(b.size() - 1, si + span);
        const ByteEdit e{b[si], b[ei], pieces()[pick(pieces().size())]};
        undo.push_back({e.begin, e.begin + static_cast<uint32_t>(e.insert.size()),
                        text.substr(e.begin, e.end - e.begin)});
        text.replace(e.begin, e.end - e.begin, e.insert);
        batch.push_back(e);
      }
      ASSERT_NO_FATAL_FAILURE(applyAndCheck(batch));
      edits += static_cast<int>(changes);
    }
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
      ASSERT_NO_FATAL_FAILURE(applyAndCheck({*it}));
      ++edits;
    }
    ASSERT_EQ(reference_, original_);
    ASSERT_FALSE(ts_node_has_error(parseFresh().root())) << "fixture must be valid";
  }
  EXPECT_GE(edits, 300);
  EXPECT_GE(validChecks_, kRounds) << "compared with a fresh parse at least after every undo";
}

std::string caseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.fixture;
  for (char& ch : name)
    if (ch == '.') ch = '_';
  static const char* encs[] = {"Utf8", "Utf16", "Utf32"};
  return name + "_" + encs[static_cast<int>(info.param.enc)];
}

INSTANTIATE_TEST_SUITE_P(Languages, IncrementalEdits,
                         ::testing::Values(Case{"outline.cpp", PositionEncoding::Utf8},
                                           Case{"outline.cpp", PositionEncoding::Utf16},
                                           Case{"outline.cpp", PositionEncoding::Utf32},
                                           Case{"outline.py", PositionEncoding::Utf8},
                                           Case{"outline.py", PositionEncoding::Utf16},
                                           Case{"outline.py", PositionEncoding::Utf32},
                                           Case{"outline.ts", PositionEncoding::Utf8},
                                           Case{"outline.ts", PositionEncoding::Utf16},
                                           Case{"outline.ts", PositionEncoding::Utf32},
                                           Case{"outline.go", PositionEncoding::Utf16},
                                           Case{"outline.json", PositionEncoding::Utf16}),
                         caseName);

}  // namespace
}  // namespace sb
