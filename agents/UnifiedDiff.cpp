#include "agents/UnifiedDiff.h"

#include <algorithm>
#include <charconv>

namespace sb::agents {

namespace {

struct Line {
  std::string_view text;  // without '\n'; a trailing '\r' is dropped by splitDiffLines
  size_t end = 0;         // byte offset just past this line's '\n' (or the end of input)
};

bool startsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool isFileHeader(const std::vector<Line>& lines, size_t i) {
  return i + 1 < lines.size() && startsWith(lines[i].text, "--- ") &&
         startsWith(lines[i + 1].text, "+++ ");
}

// "--- a/src/x.cpp\t2024-01-01 10:00" -> "a/src/x.cpp"; quotes removed.
std::string headerPath(std::string_view rest) {
  const size_t tab = rest.find('\t');
  if (tab != std::string_view::npos) rest = rest.substr(0, tab);
  rest = trim(rest);
  if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"')
    rest = rest.substr(1, rest.size() - 2);
  return std::string(rest);
}

// Drops git's "a/" and "b/" prefixes when both sides use them (or the other
// side is /dev/null), so a real directory named "a" is left alone otherwise.
void stripGitPrefixes(FileDiff& f) {
  const bool oldOk = startsWith(f.oldPath, "a/") || f.newFile;
  const bool newOk = startsWith(f.newPath, "b/") || f.deletedFile;
  if (!oldOk || !newOk) return;
  if (startsWith(f.oldPath, "a/")) f.oldPath.erase(0, 2);
  if (startsWith(f.newPath, "b/")) f.newPath.erase(0, 2);
}

void setHeaderPaths(FileDiff& f, std::string_view oldLine, std::string_view newLine) {
  f.oldPath = headerPath(oldLine.substr(4));
  f.newPath = headerPath(newLine.substr(4));
  if (f.oldPath == "/dev/null") {
    f.newFile = true;
    f.oldPath.clear();
  }
  if (f.newPath == "/dev/null") {
    f.deletedFile = true;
    f.newPath.clear();
  }
  stripGitPrefixes(f);
}

// "diff --git a/x b/x": a fallback when no ---/+++ pair follows (mode-only
// changes, deletions of empty files).
void setGitLinePaths(FileDiff& f, std::string_view rest) {
  const size_t b = rest.rfind(" b/");
  if (!startsWith(rest, "a/") || b == std::string_view::npos || b < 2) return;
  f.oldPath = std::string(rest.substr(2, b - 2));
  f.newPath = std::string(rest.substr(b + 3));
}

bool isGitExtendedHeader(std::string_view s) {
  for (std::string_view p :
       {"index ", "new file mode", "deleted file mode", "old mode", "new mode", "similarity index",
        "dissimilarity index", "rename from", "rename to", "copy from", "copy to", "Binary files"})
    if (startsWith(s, p)) return true;
  return false;
}

// Splits s into lines. With stopAtProse, splitting ends just after the first
// line that cannot belong to a diff, so that finding a short diff in long
// prose costs the diff's length, not the prose's.
std::vector<Line> splitDiffLines(std::string_view s, bool stopAtProse = false) {
  std::vector<Line> lines;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t nl = s.find('\n', pos);
    const size_t stop = nl == std::string_view::npos ? s.size() : nl;
    std::string_view text = s.substr(pos, stop - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    pos = nl == std::string_view::npos ? s.size() : nl + 1;
    lines.push_back({text, pos});
    const char c = text.empty() ? ' ' : text[0];
    const bool diffLine = c == ' ' || c == '+' || c == '-' || c == '@' || c == '\\' ||
                          startsWith(text, "diff --git ") || isGitExtendedHeader(text);
    if (stopAtProse && !diffLine) break;
  }
  return lines;
}

// Reads an unsigned number at s[i...], advancing i; false if there is none.
bool readNumber(std::string_view s, size_t& i, size_t& out) {
  const char* begin = s.data() + i;
  const auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), out);
  if (ec != std::errc() || ptr == begin) return false;
  i += static_cast<size_t>(ptr - begin);
  return true;
}

// "@@ -a[,b] +c[,d] @@ ...": the numbers if they are all there.
void parseHunkHeader(std::string_view s, DiffHunk& h) {
  size_t i = 2;
  auto skipSpaces = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  skipSpaces();
  size_t a = 0, b = 1, c = 0, d = 1;
  if (i >= s.size() || s[i] != '-') return;
  ++i;
  if (!readNumber(s, i, a)) return;
  if (i < s.size() && s[i] == ',') {
    ++i;
    if (!readNumber(s, i, b)) return;
  }
  skipSpaces();
  if (i >= s.size() || s[i] != '+') return;
  ++i;
  if (!readNumber(s, i, c)) return;
  if (i < s.size() && s[i] == ',') {
    ++i;
    if (!readNumber(s, i, d)) return;
  }
  skipSpaces();
  if (!startsWith(s.substr(i), "@@")) return;
  h.oldStart = a;
  h.oldCount = b;
  h.newStart = c;
  h.newCount = d;
}

// Parses the hunk whose header is lines[i]; returns the index after it.
size_t parseHunk(const std::vector<Line>& lines, size_t i, bool stopAtProse, DiffHunk& h) {
  parseHunkHeader(lines[i].text, h);
  ++i;
  size_t oldSeen = 0, newSeen = 0;
  // Lines that were empty in the input (a context line whose space was
  // stripped, or a blank line after the hunk): trailing ones are dropped.
  std::vector<bool> fromEmpty;
  auto countsMet = [&] { return h.oldCount && oldSeen >= *h.oldCount && newSeen >= *h.newCount; };
  for (; i < lines.size(); ++i) {
    const std::string_view l = lines[i].text;
    if (startsWith(l, "@@") || startsWith(l, "diff --git ")) break;
    // "--- x" could be a removed line "-- x"; trust the counts when they say so.
    if (isFileHeader(lines, i) && (!h.oldCount || oldSeen >= *h.oldCount)) break;
    if (stopAtProse && countsMet()) break;
    const char op = l.empty() ? ' ' : l[0];
    if (op == '\\') {
      if (!h.lines.empty()) h.lines.back().noNewline = true;
      continue;
    }
    if (op != ' ' && op != '-' && op != '+') break;
    h.lines.push_back({op, std::string(l.empty() ? l : l.substr(1)), false});
    fromEmpty.push_back(l.empty());
    if (op != '+') ++oldSeen;
    if (op != '-') ++newSeen;
  }
  while (!h.lines.empty() && fromEmpty.back() && !h.lines.back().noNewline &&
         (!h.oldCount || (oldSeen > *h.oldCount && newSeen > *h.newCount))) {
    h.lines.pop_back();
    fromEmpty.pop_back();
    --oldSeen;
    --newSeen;
    --i;  // give the blank line back
  }
  return i;
}

}  // namespace

ParsedDiff parseUnifiedDiff(std::string_view text, bool stopAtProse) {
  ParsedDiff out;
  const std::vector<Line> lines = splitDiffLines(text, stopAtProse);
  auto lineStart = [&](size_t i) { return i == 0 ? size_t{0} : lines[i - 1].end; };
  size_t fileBegin = 0;          // byte offset where the current file's text starts
  bool gitHeaderOpen = false;    // just after "diff --git" and its extended headers
  bool awaitingHeaders = false;  // after "diff --git", before ---/+++ or a hunk
  // A file's text runs from its first header to its last diff line
  // (out.consumed), leaving out prose that follows it.
  auto closeFile = [&] {
    if (!out.files.empty())
      out.files.back().text = std::string(text.substr(fileBegin, out.consumed - fileBegin));
  };
  auto startFile = [&](size_t i) {
    closeFile();
    out.files.emplace_back();
    fileBegin = lineStart(i);
  };

  size_t i = 0;
  while (i < lines.size()) {
    const std::string_view l = lines[i].text;
    if (startsWith(l, "diff --git ")) {
      startFile(i);
      setGitLinePaths(out.files.back(), l.substr(11));
      gitHeaderOpen = awaitingHeaders = true;
      out.consumed = lines[i].end;
      ++i;
      continue;
    }
    if (gitHeaderOpen && isGitExtendedHeader(l)) {
      FileDiff& f = out.files.back();
      if (startsWith(l, "new file mode")) f.newFile = true;
      if (startsWith(l, "deleted file mode")) f.deletedFile = true;
      out.consumed = lines[i].end;
      ++i;
      continue;
    }
    gitHeaderOpen = false;
    if (isFileHeader(lines, i)) {
      if (!awaitingHeaders) startFile(i);
      awaitingHeaders = false;
      FileDiff& f = out.files.back();
      const bool gitNew = f.newFile, gitDeleted = f.deletedFile;
      setHeaderPaths(f, l, lines[i + 1].text);
      f.newFile = f.newFile || gitNew;
      f.deletedFile = f.deletedFile || gitDeleted;
      out.consumed = lines[i + 1].end;
      i += 2;
      continue;
    }
    if (startsWith(l, "@@")) {
      if (out.files.empty()) startFile(i);
      awaitingHeaders = false;
      DiffHunk h;
      i = parseHunk(lines, i, stopAtProse, h);
      out.consumed = lineStart(i);
      if (!h.lines.empty()) out.files.back().hunks.push_back(std::move(h));
      continue;
    }
    if (stopAtProse) break;
    awaitingHeaders = false;
    ++i;
  }
  closeFile();
  return out;
}

bool looksLikeUnifiedDiff(std::string_view text) {
  const std::vector<Line> lines = splitDiffLines(text);
  size_t i = 0;
  while (i < lines.size() && trim(lines[i].text).empty()) ++i;
  if (i >= lines.size()) return false;
  return startsWith(lines[i].text, "diff --git ") || isFileHeader(lines, i) ||
         (startsWith(lines[i].text, "@@") && i + 1 < lines.size());
}

namespace {

std::string_view withoutCr(std::string_view s) {
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

std::string_view rtrimAll(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\f' || s.back() == '\v'))
    s.remove_suffix(1);
  return s;
}

bool sameLine(std::string_view fileLine, std::string_view hunkLine, bool loose) {
  return loose ? rtrimAll(fileLine) == rtrimAll(hunkLine)
               : withoutCr(fileLine) == withoutCr(hunkLine);
}

// The hunk's old side matches the file at `pos`?
bool matchesAt(const std::vector<std::string_view>& file, const std::vector<const DiffLine*>& old,
               size_t pos, bool loose) {
  for (size_t j = 0; j < old.size(); ++j)
    if (!sameLine(file[pos + j], old[j]->text, loose)) return false;
  return true;
}

std::string quoteForError(std::string_view s) {
  constexpr size_t kMax = 120;
  std::string out = "\"";
  for (char c : s.substr(0, kMax)) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += c == '\t' ? "\\t" : c == '\r' ? "\\r" : "?";
      continue;
    }
    out += c;
  }
  if (s.size() > kMax) out += "...";
  return out + "\"";
}

std::string hunkName(size_t k, const DiffHunk& h) {
  std::string s = "hunk " + std::to_string(k + 1);
  if (h.oldStart)
    s += " (@@ -" + std::to_string(*h.oldStart) + "," + std::to_string(*h.oldCount) + " +" +
         std::to_string(*h.newStart) + "," + std::to_string(*h.newCount) + " @@)";
  return s;
}

// Why the hunk fits nowhere: the place where most of its leading lines match.
std::string explainMismatch(const std::vector<std::string_view>& file,
                            const std::vector<const DiffLine*>& old, size_t from) {
  if (old.size() > file.size() - std::min(from, file.size()))
    return "the file has " + std::to_string(file.size() - std::min(from, file.size())) +
           " lines left after the previous hunk, the hunk needs " + std::to_string(old.size());
  size_t bestPos = from, bestLen = 0;
  for (size_t pos = from; pos + old.size() <= file.size(); ++pos) {
    size_t len = 0;
    while (len < old.size() && sameLine(file[pos + len], old[len]->text, true)) ++len;
    if (len > bestLen) {
      bestLen = len;
      bestPos = pos;
    }
  }
  if (bestLen == 0)
    return "its first line " + quoteForError(old[0]->text) + " is not in the file" +
           (from > 0 ? " after line " + std::to_string(from) : std::string());
  const size_t at = bestPos + bestLen;
  return "closest match at line " + std::to_string(bestPos + 1) + ", but line " +
         std::to_string(at + 1) + " is " + quoteForError(file[at]) + " where the hunk has " +
         quoteForError(old[bestLen]->text);
}

// The position in [lo, hi] nearest to `want` (later first on a tie) where
// the hunk's old side matches.
std::optional<size_t> nearestMatch(const std::vector<std::string_view>& file,
                                   const std::vector<const DiffLine*>& old, size_t want, size_t lo,
                                   size_t hi, bool loose) {
  const size_t maxD = std::max(hi - want, want - lo);
  for (size_t d = 0; d <= maxD; ++d) {
    if (d <= hi - want && matchesAt(file, old, want + d, loose)) return want + d;
    if (d > 0 && d <= want - lo && matchesAt(file, old, want - d, loose)) return want - d;
  }
  return std::nullopt;
}

struct OutLine {
  std::string_view text;
  bool addCr = false;
};

}  // namespace

DiffOutcome applyFileDiff(std::string_view original, const FileDiff& diff) {
  if (diff.newFile && !original.empty())
    return DiffError{"the diff creates a new file, but the file already has content"};
  if (diff.hunks.empty()) {
    if (diff.newFile) return std::string();  // an empty new file
    if (diff.deletedFile && original.empty()) return std::string();
    return DiffError{diff.deletedFile ? "the diff deletes the file but shows none of its content"
                                      : "the diff has no hunks"};
  }

  std::vector<std::string_view> file;  // lines without '\n', with any '\r'
  for (size_t pos = 0; pos < original.size();) {
    const size_t nl = original.find('\n', pos);
    const size_t stop = nl == std::string_view::npos ? original.size() : nl;
    file.push_back(original.substr(pos, stop - pos));
    pos = stop + 1;
  }
  const bool crlf = !file.empty() && !file[0].empty() && file[0].back() == '\r';
  bool finalNewline = original.empty() || original.back() == '\n';

  std::vector<OutLine> out;
  out.reserve(file.size());
  size_t cursor = 0;    // next original line not yet copied
  long long shift = 0;  // actual minus stated position of the previous hunk
  for (size_t k = 0; k < diff.hunks.size(); ++k) {
    const DiffHunk& h = diff.hunks[k];
    std::vector<const DiffLine*> old;
    for (const DiffLine& l : h.lines)
      if (l.op != '+') old.push_back(&l);

    // Where the hunk's old side starts according to its header (0-based).
    // For a hunk without old lines, "-N,0" means "after line N".
    long long stated = 0;
    std::optional<size_t> expected;
    if (h.oldStart) {
      stated =
          static_cast<long long>(std::min<size_t>(*h.oldStart, 1ull << 40)) - (old.empty() ? 0 : 1);
      expected = static_cast<size_t>(std::max<long long>(0, stated + shift));
    }

    size_t pos = 0;
    if (old.empty()) {
      if (!expected && !file.empty())
        return DiffError{hunkName(k, h) +
                         " only adds lines and has no line numbers or context to place them"};
      pos = std::clamp(expected.value_or(0), cursor, file.size());
    } else {
      if (old.size() > file.size() || file.size() - old.size() < cursor)
        return DiffError{hunkName(k, h) + " does not apply: " + explainMismatch(file, old, cursor)};
      const size_t last = file.size() - old.size();
      const size_t want = std::clamp(expected.value_or(cursor), cursor, last);
      std::optional<size_t> found;
      // Exact match nearest to the stated line, then ignoring trailing whitespace.
      for (bool loose : {false, true}) {
        found = nearestMatch(file, old, want, cursor, last, loose);
        if (found) break;
      }
      if (!found) {
        std::string at = expected ? " at or near line " + std::to_string(want + 1) : std::string();
        return DiffError{hunkName(k, h) + " does not apply" + at + ": " +
                         explainMismatch(file, old, cursor)};
      }
      pos = *found;
    }
    if (h.oldStart) shift = static_cast<long long>(pos) - stated;

    for (; cursor < pos; ++cursor) out.push_back({file[cursor], false});
    bool oldLacksNewline = false;
    const DiffLine* lastNew = nullptr;
    for (const DiffLine& l : h.lines) {
      if (l.op != '+') {
        if (l.op == ' ') out.push_back({file[cursor], false});
        if (l.noNewline) oldLacksNewline = true;
        ++cursor;
      } else {
        out.push_back({l.text, crlf});
      }
      if (l.op != '-') lastNew = &l;
    }
    if (cursor == file.size()) {
      if (lastNew && lastNew->noNewline)
        finalNewline = false;
      else if (oldLacksNewline)
        finalNewline = true;
    }
  }
  for (; cursor < file.size(); ++cursor) out.push_back({file[cursor], false});

  std::string result;
  size_t total = 0;
  for (const OutLine& l : out) total += l.text.size() + 2;
  result.reserve(total);
  for (size_t j = 0; j < out.size(); ++j) {
    result += out[j].text;
    if (out[j].addCr) result += '\r';
    if (j + 1 < out.size() || finalNewline) result += '\n';
  }
  return result;
}

DiffOutcome applyUnifiedDiff(std::string_view original, std::string_view diff) {
  const ParsedDiff parsed = parseUnifiedDiff(diff);
  if (parsed.files.empty()) return DiffError{"no unified diff found"};
  if (parsed.files.size() > 1)
    return DiffError{"the diff covers " + std::to_string(parsed.files.size()) +
                     " files, expected one"};
  return applyFileDiff(original, parsed.files.front());
}

}  // namespace sb::agents
