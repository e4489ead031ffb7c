#include "analysis/Document.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace sb {
namespace {

// Bytes looked at for NUL when deciding a file is binary (as git does).
constexpr size_t kBinarySniffBytes = 8 * 1024;

std::string formatBytes(size_t n) {
  char buf[32];
  if (n >= 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(n) / (1024.0 * 1024.0));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(n) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%zu bytes", n);
    return buf;
  }
  std::string s = buf;
  if (const size_t p = s.find(".0 "); p != std::string::npos) s.erase(p, 2);  // "9.0 MB" -> "9 MB"
  return s;
}

// Tree-sitter points count rows at '\n' only and columns in bytes. They equal
// LSP lines unless the text has a lone '\r' line end; then count directly.
TSPoint tsPointAt(std::string_view text, const LineIndex& lines, uint32_t offset) {
  if (!lines.hasLoneCarriageReturn()) {
    const uint32_t line = lines.lineOf(offset);
    return {line, offset - lines.lineStart(line)};
  }
  const std::string_view before = text.substr(0, offset);
  const auto row = static_cast<uint32_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t nl = before.rfind('\n');
  const auto column =
      static_cast<uint32_t>(nl == std::string_view::npos ? offset : offset - nl - 1);
  return {row, column};
}

// The point just after `inserted` when it is inserted at `start`.
TSPoint pointAfter(TSPoint start, std::string_view inserted) {
  const auto rows = static_cast<uint32_t>(std::count(inserted.begin(), inserted.end(), '\n'));
  if (rows == 0) return {start.row, start.column + static_cast<uint32_t>(inserted.size())};
  return {start.row + rows, static_cast<uint32_t>(inserted.size() - inserted.rfind('\n') - 1)};
}

}  // namespace

DocumentSnapshot::DocumentSnapshot(Key, std::string uri, int version, const Language* language,
                                   std::string text, TreeHandle tree,
                                   std::string parseSkippedReason)
    : uri_(std::move(uri)),
      version_(version),
      language_(language),
      text_(std::move(text)),
      lines_(text_),
      tree_(std::move(tree)),
      skipped_(std::move(parseSkippedReason)) {}

Document::Document(std::string uri, std::string_view lspLanguageId, int version, std::string text,
                   ParseLimits limits)
    : uri_(std::move(uri)), limits_(limits) {
  language_ = languageForLspId(lspLanguageId);
  if (!language_) language_ = languageForPath(uri_);
  if (!language_) {
    noParserReason_ = lspLanguageId.empty()
                          ? "no grammar for '" + uri_ + "'"
                          : "no grammar for language '" + std::string(lspLanguageId) + "'";
  } else {
    parser_.reset(ts_parser_new());
    if (!ts_parser_set_language(parser_.get(), language_->grammar())) {
      // An ABI mismatch between a grammar and libtree-sitter shows up only here.
      parser_.reset();
      noParserReason_ =
          "grammar for '" + std::string(language_->name) + "' does not load (ABI mismatch)";
    } else {
      ts_parser_set_timeout_micros(parser_.get(), limits_.parseTimeoutMicros);
    }
  }
  publish(version, std::move(text), TreeHandle{});
}

EditStats Document::apply(std::span<const TextChange> changes, int version, PositionEncoding enc) {
  std::string text(current_->text());
  TreeHandle tree = current_->tree();
  // The index of `text`, rebuilt only when a later change needs positions.
  const LineIndex* lines = &current_->lines();
  std::optional<LineIndex> rebuilt;

  for (const TextChange& change : changes) {
    if (!change.range) {
      text = change.text;
      tree = TreeHandle{};  // nothing to reuse after a full replacement
      lines = nullptr;
      continue;
    }
    if (!lines) lines = &rebuilt.emplace(text);
    uint32_t start = lines->offsetAt(text, change.range->start, enc);
    uint32_t end = lines->offsetAt(text, change.range->end, enc);
    if (end < start) std::swap(start, end);

    if (tree) {
      TSInputEdit e{};
      e.start_byte = start;
      e.old_end_byte = end;
      e.new_end_byte = start + static_cast<uint32_t>(change.text.size());
      e.start_point = tsPointAt(text, *lines, start);
      e.old_end_point = tsPointAt(text, *lines, end);
      e.new_end_point = pointAfter(e.start_point, change.text);
      tree.edit(e);
    }
    text.replace(start, end - start, change.text);
    lines = nullptr;
  }
  return publish(version, std::move(text), std::move(tree));
}

EditStats Document::publish(int version, std::string text, TreeHandle oldTree) {
  EditStats stats;
  std::string reason;
  TreeHandle tree;
  if (!parser_) {
    reason = noParserReason_;
  } else if (text.size() > limits_.maxParseBytes) {
    reason = "file is " + formatBytes(text.size()) + ", over the " +
             formatBytes(limits_.maxParseBytes) + " parse limit";
  } else if (std::string_view(text).substr(0, kBinarySniffBytes).find('\0') !=
             std::string_view::npos) {
    reason = "binary content";
  } else {
    stats.incremental = static_cast<bool>(oldTree);
    const auto t0 = std::chrono::steady_clock::now();
    tree = TreeHandle(ts_parser_parse_string(parser_.get(), oldTree.get(), text.data(),
                                             static_cast<uint32_t>(text.size())));
    stats.parseMicros =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    if (!tree) {
      // Timed out: the parser keeps its partial state unless reset.
      ts_parser_reset(parser_.get());
      stats.incremental = false;
      reason = "parse took over " + std::to_string(limits_.parseTimeoutMicros / 1000) +
               " ms and was abandoned";
    }
  }
  current_ =
      std::make_shared<const DocumentSnapshot>(DocumentSnapshot::Key{}, uri_, version, language_,
                                               std::move(text), std::move(tree), std::move(reason));
  return stats;
}

}  // namespace sb
