// Unified diffs as LLMs write them: parsed leniently (wrong or missing line
// numbers in @@ headers, counts that do not add up, blank context lines that
// lost their leading space) and applied strictly (every context and removed
// line must be found in the original, ignoring only trailing whitespace).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sb::agents {

struct DiffLine {
  char op = ' ';  // ' ' context, '-' removed, '+' added
  std::string text;
  bool noNewline = false;  // followed by "\ No newline at end of file"
};

struct DiffHunk {
  // From "@@ -oldStart,oldCount +newStart,newCount @@"; absent when the
  // header has no numbers ("@@ ... @@", "@@ @@").
  std::optional<size_t> oldStart, oldCount, newStart, newCount;
  std::vector<DiffLine> lines;
};

struct FileDiff {
  std::string oldPath, newPath;  // "a/"/"b/" prefixes and timestamps removed; may be empty
  std::vector<DiffHunk> hunks;
  std::string text;          // this file's part of the input, headers included
  bool newFile = false;      // "--- /dev/null" or "new file mode"
  bool deletedFile = false;  // "+++ /dev/null" or "deleted file mode"
  // The path the diff writes to: newPath, or oldPath for a deletion.
  const std::string& path() const { return deletedFile || newPath.empty() ? oldPath : newPath; }
};

struct ParsedDiff {
  std::vector<FileDiff> files;
  size_t consumed = 0;  // bytes of the input that belong to the diff
};

// Parses the unified diff of one or more files. Hunks before any file header
// form a file with empty paths. With stopAtProse, parsing ends at the first
// line that cannot belong to a diff (for diffs embedded in prose); otherwise
// such lines between files are skipped. Never throws.
ParsedDiff parseUnifiedDiff(std::string_view text, bool stopAtProse = false);

// True if `text` starts (after blank lines) like a unified diff: a file
// header pair, "diff --git", or a hunk header.
bool looksLikeUnifiedDiff(std::string_view text);

struct DiffError {
  std::string message;
};
using DiffOutcome = std::variant<std::string, DiffError>;

// Applies one file's diff to `original` (empty for a new file). Hunks are
// placed where their context and removed lines match, nearest to the stated
// line first (then the text after the previous hunk); lines added keep the
// original's line ending style (CRLF or LF).
DiffOutcome applyFileDiff(std::string_view original, const FileDiff& diff);

// Parses `diff` (which must describe exactly one file) and applies it.
DiffOutcome applyUnifiedDiff(std::string_view original, std::string_view diff);

}  // namespace sb::agents
