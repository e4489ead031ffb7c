#pragma once
// An open document: its text, line index and syntax tree, kept up to date by
// incremental reparses, and published as immutable snapshots.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "analysis/Language.h"
#include "analysis/Text.h"
#include "analysis/TreeHandle.h"

namespace sb {

struct TextChange {
  std::optional<Range> range;  // no range: replace the whole text
  std::string text;
};

struct ParseLimits {
  size_t maxParseBytes = 8 * 1024 * 1024;
  uint64_t parseTimeoutMicros = 5'000'000;
};

// Immutable; shared across threads as shared_ptr<const DocumentSnapshot>.
class DocumentSnapshot {
 public:
  // Only Document makes snapshots (the key is constructible by it alone).
  class Key {
    friend class Document;
    Key() = default;
  };
  DocumentSnapshot(Key, std::string uri, int version, const Language* language, std::string text,
                   TreeHandle tree, std::string parseSkippedReason);

  const std::string& uri() const { return uri_; }
  int version() const { return version_; }
  const Language* language() const { return language_; }  // nullptr for unknown
  std::string_view text() const { return text_; }
  const LineIndex& lines() const { return lines_; }

  bool hasTree() const { return static_cast<bool>(tree_); }
  TreeHandle tree() const { return tree_; }  // a fresh copy, for the calling thread
  // "" when parsed; otherwise why there is no tree.
  std::string_view parseSkippedReason() const { return skipped_; }

  uint32_t offsetAt(Position p, PositionEncoding enc) const {
    return lines_.offsetAt(text_, p, enc);
  }
  Position positionAt(uint32_t offset, PositionEncoding enc) const {
    return lines_.positionAt(text_, offset, enc);
  }
  Range toRange(ByteRange r, PositionEncoding enc) const {
    return {positionAt(r.begin, enc), positionAt(r.end, enc)};
  }

 private:
  std::string uri_;
  int version_;
  const Language* language_;
  std::string text_;
  LineIndex lines_;
  TreeHandle tree_;
  std::string skipped_;
};

struct EditStats {
  bool incremental = false;  // reparsed reusing the previous tree
  double parseMicros = 0;
};

// The one mutable owner of a document. Not thread-safe: callers serialize
// calls (one strand per document); snapshots are what other threads read.
class Document {
 public:
  // An unknown LSP languageId falls back to languageForPath(uri).
  Document(std::string uri, std::string_view lspLanguageId, int version, std::string text,
           ParseLimits limits = {});

  std::shared_ptr<const DocumentSnapshot> snapshot() const { return current_; }

  // Applies the changes in order (each range in `enc` units, relative to the
  // text after the previous change), edits the old tree to match, then does
  // one incremental reparse. A change without a range forces a full parse.
  EditStats apply(std::span<const TextChange> changes, int version, PositionEncoding enc);

 private:
  EditStats publish(int version, std::string text, TreeHandle oldTree);

  std::string uri_;
  const Language* language_;
  ParseLimits limits_;
  ParserPtr parser_;
  std::string noParserReason_;  // set when the language has no usable grammar
  std::shared_ptr<const DocumentSnapshot> current_;
};

}  // namespace sb
