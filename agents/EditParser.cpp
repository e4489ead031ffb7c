#include "agents/EditParser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "agents/UnifiedDiff.h"

namespace sb::agents {

namespace {

bool startsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
bool isAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool isAlpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Characters no path written in prose contains (or that make it a URL, a
// glob or markup).
bool plausiblePathChars(std::string_view s, bool allowSpaces) {
  if (s.empty() || s.size() > 1024 || s.find("://") != std::string_view::npos) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
    if (c == ' ' && !allowSpaces) return false;
    if (c == '`' || c == '<' || c == '>' || c == '|' || c == '"' || c == '*' || c == '?' ||
        c == '\t')
      return false;
  }
  return s.back() != '/' && s.front() != ' ' && s.back() != ' ';
}

// Names of technologies that look like file names ("Node.js" as a heading
// above an example is not a file to write).
bool isTechName(std::string_view s) {
  static constexpr std::array<std::string_view, 26> kNames = {
      "node.js",  "vue.js",    "next.js",    "nuxt.js",       "react.js",  "express.js",
      "d3.js",    "three.js",  "chart.js",   "socket.io",     "asp.net",   "ado.net",
      "nest.js",  "ember.js",  "angular.js", "backbone.js",   "p5.js",     "alpine.js",
      "solid.js", "moment.js", "deno.land",  "tensorflow.js", "svelte.js", "immer.js",
      "redux.js", "vb.net"};
  const std::string l = lower(s);
  return std::find(kNames.begin(), kNames.end(), l) != kNames.end();
}

// A file path: a '/' in it, or a last component with an extension that has a
// letter ("app.py", ".gitignore"; not "v1.2" or "e.g.").
bool looksLikePath(std::string_view s, bool allowSpaces = false) {
  if (!plausiblePathChars(s, allowSpaces) || isTechName(s)) return false;
  if (s.find('/') != std::string_view::npos) return s != "/";
  const size_t dot = s.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view ext = s.substr(dot + 1);
  if (ext.empty() || ext.size() > 16) return false;
  bool letter = false;
  for (char c : ext) {
    if (!isAlnum(c) && c != '_' && c != '-' && c != '+') return false;
    letter = letter || isAlpha(c);
  }
  return letter;
}

// A language name in an info string ("python", "c++", "objective-c", "c#").
bool looksLikeLanguage(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!isAlnum(c) && c != '+' && c != '-' && c != '#' && c != '_' && c != '.') return false;
  return true;
}

std::string_view stripQuotes(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

struct FenceInfo {
  std::string language, path;
  bool citation = false;  // "```12:20:src/app.py": existing lines quoted, not an edit
};

// Splits an info string into words; a quoted value after '=' keeps its spaces.
std::vector<std::string_view> infoWords(std::string_view info) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < info.size()) {
    while (i < info.size() && isSpace(info[i])) ++i;
    if (i >= info.size()) break;
    const size_t begin = i;
    char quote = 0;
    for (; i < info.size(); ++i) {
      const char c = info[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (isSpace(c)) {
        break;
      }
    }
    words.push_back(info.substr(begin, i - begin));
  }
  return words;
}

FenceInfo parseInfo(std::string_view info) {
  FenceInfo out;
  const std::vector<std::string_view> words = infoWords(trim(info));
  std::vector<std::string_view> plain;
  for (std::string_view w : words) {
    while (!w.empty() && (w.front() == '{' || w.front() == ',')) w.remove_prefix(1);
    while (!w.empty() && (w.back() == '}' || w.back() == ',')) w.remove_suffix(1);
    const size_t eq = w.find('=');
    if (eq == std::string_view::npos) {
      if (!w.empty()) plain.push_back(w);
      continue;
    }
    const std::string key = lower(w.substr(0, eq));
    const std::string_view value = trim(stripQuotes(w.substr(eq + 1)));
    const bool pathKey = key == "path" || key == "file" || key == "filepath" || key == "filename" ||
                         key == "file_path" || key == "file-path";
    const bool maybePathKey = key == "title" || key == "name";
    if (out.path.empty() &&
        ((pathKey && plausiblePathChars(value, true)) || (maybePathKey && looksLikePath(value))))
      out.path = std::string(value);
  }
  if (plain.empty()) return out;

  const std::string_view first = plain[0];
  const size_t colon = first.find(':');
  if (colon != std::string_view::npos) {
    const std::string_view left = first.substr(0, colon), right = first.substr(colon + 1);
    if (!left.empty() && std::all_of(left.begin(), left.end(), isDigit)) {
      out.citation = true;
      return out;
    }
    if ((left.empty() || looksLikeLanguage(left)) && plausiblePathChars(right, false)) {
      out.language = std::string(left);
      if (out.path.empty()) out.path = std::string(right);
    } else {
      out.language = std::string(first);
    }
  } else if (looksLikePath(first)) {
    if (out.path.empty()) out.path = std::string(first);
  } else {
    out.language = std::string(first);
  }
  if (out.path.empty() && plain.size() >= 2 && looksLikePath(plain[1]))
    out.path = std::string(plain[1]);
  return out;
}

// Strips markdown emphasis wrapped around the whole of s ("**x**", "_x_").
std::string_view stripEmphasis(std::string_view s) {
  for (;;) {
    s = trim(s);
    bool changed = false;
    for (std::string_view w : {"**", "__", "*", "_"}) {
      if (s.size() > 2 * w.size() && startsWith(s, w) && s.substr(s.size() - w.size()) == w) {
        s = s.substr(w.size(), s.size() - 2 * w.size());
        changed = true;
        break;
      }
    }
    if (!changed && !s.empty() && s.back() == ':') {
      s.remove_suffix(1);
      changed = true;
    }
    if (!changed) return s;
  }
}

bool isFileLabel(std::string_view label) {
  std::string l;
  for (char c : label)
    if (c != '*' && c != '_' && c != '`')
      l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  l = std::string(trim(l));
  for (std::string_view k :
       {"file", "filename", "file name", "path", "filepath", "file path", "new file",
        "updated file", "modified file", "changed file", "create file", "update file", "edit file",
        "create", "update", "edit", "modify", "new"})
    if (l == k) return true;
  return false;
}

// A line naming the file of the block below it: "File: src/app.py",
// "### `src/app.py`", "**src/app.py**", "1. `src/app.py` (new)".
std::optional<std::string> hintPath(std::string_view line) {
  std::string_view s = trim(line);
  if (startsWith(s, "#")) {
    size_t n = 0;
    while (n < s.size() && s[n] == '#') ++n;
    if (n > 6 || n >= s.size() || s[n] != ' ') return std::nullopt;
    s = trim(s.substr(n));
  }
  if (startsWith(s, "- ") || startsWith(s, "* ") || startsWith(s, "+ ")) {
    s = trim(s.substr(2));
  } else {
    size_t n = 0;
    while (n < s.size() && n < 4 && isDigit(s[n])) ++n;
    if (n > 0 && n + 1 < s.size() && (s[n] == '.' || s[n] == ')') && s[n + 1] == ' ')
      s = trim(s.substr(n + 2));
  }
  s = stripEmphasis(s);
  bool labelled = false;
  const size_t colon = s.find(':');
  if (colon != std::string_view::npos && isFileLabel(s.substr(0, colon))) {
    s = s.substr(colon + 1);
    // "**File:** x" leaves "** x"; a path never starts with '*'.
    while (!s.empty() && (s.front() == '*' || isSpace(s.front()))) s.remove_prefix(1);
    if (startsWith(s, "__ ")) s.remove_prefix(3);
    s = stripEmphasis(s);
    labelled = true;
  }
  if (!s.empty() && s.back() == ')') {
    const size_t open = s.rfind(" (");
    if (open != std::string_view::npos) s = stripEmphasis(s.substr(0, open));
  }
  bool quoted = false;
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') {
    s = trim(s.substr(1, s.size() - 2));
    quoted = true;
  }
  if (!looksLikePath(s, quoted)) return std::nullopt;
  // "Node.js" under a heading is a topic, unless labelled or quoted as code.
  if (!labelled && !quoted && isTechName(s)) return std::nullopt;
  return std::string(s);
}

struct Fence {
  size_t indent = 0;
  char ch = '`';
  size_t len = 0;
  std::string_view info;
};

std::optional<Fence> fenceOpen(std::string_view line) {
  Fence f;
  while (f.indent < line.size() && line[f.indent] == ' ') ++f.indent;
  if (f.indent >= line.size() || (line[f.indent] != '`' && line[f.indent] != '~'))
    return std::nullopt;
  f.ch = line[f.indent];
  size_t i = f.indent;
  while (i < line.size() && line[i] == f.ch) ++i;
  f.len = i - f.indent;
  if (f.len < 3) return std::nullopt;
  f.info = trim(line.substr(i));
  if (f.ch == '`' && f.info.find('`') != std::string_view::npos) return std::nullopt;
  return f;
}

bool fenceCloses(std::string_view line, char ch, size_t len) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  const size_t start = i;
  while (i < line.size() && line[i] == ch) ++i;
  return i - start >= len && trim(line.substr(i)).empty();
}

// The line closing the fence opened at lines[open], or nullopt. A fence line
// with an info string inside the block opens a nested block (models write
// README.md files with their examples inside a fence of the same length).
std::optional<size_t> findClose(const std::vector<std::string_view>& lines, size_t open,
                                const Fence& f) {
  std::vector<size_t> depth{f.len};
  for (size_t j = open + 1; j < lines.size(); ++j) {
    if (fenceCloses(lines[j], f.ch, depth.back())) {
      depth.pop_back();
      if (depth.empty()) return j;
      continue;
    }
    const std::optional<Fence> inner = fenceOpen(lines[j]);
    if (inner && inner->ch == f.ch && inner->len >= depth.back() && !inner->info.empty())
      depth.push_back(inner->len);
  }
  return std::nullopt;
}

void ensureNewline(std::string& s) {
  if (!s.empty() && s.back() != '\n') s += '\n';
}

class Parser {
 public:
  explicit Parser(std::string_view input) {
    // CRLF -> LF, so content, paths and diffs are all LF.
    text_.reserve(input.size());
    for (size_t i = 0; i < input.size(); ++i)
      if (!(input[i] == '\r' && i + 1 < input.size() && input[i + 1] == '\n')) text_ += input[i];
    for (size_t pos = 0; pos < text_.size();) {
      const size_t nl = text_.find('\n', pos);
      const size_t stop = nl == std::string::npos ? text_.size() : nl;
      starts_.push_back(pos);
      lines_.push_back(std::string_view(text_).substr(pos, stop - pos));
      pos = stop + 1;
    }
  }

  std::vector<ProposedEdit> run() {
    size_t i = 0, hintFloor = 0;
    while (i < lines_.size()) {
      if (const std::optional<Fence> f = fenceOpen(lines_[i])) {
        const std::optional<size_t> close = findClose(lines_, i, *f);
        if (!close) break;  // the rest is an unclosed block: truncated output
        block(*f, i, *close, hint(i, hintFloor));
        i = hintFloor = *close + 1;
        continue;
      }
      if (startsWith(lines_[i], "diff --git ") ||
          (startsWith(lines_[i], "--- ") && i + 1 < lines_.size() &&
           startsWith(lines_[i + 1], "+++ "))) {
        const ParsedDiff d = parseUnifiedDiff(std::string_view(text_).substr(starts_[i]), true);
        addDiffs(d, "", "diff");
        const size_t end = starts_[i] + std::max<size_t>(d.consumed, 1);
        while (i < lines_.size() && starts_[i] < end) ++i;
        hintFloor = i;
        continue;
      }
      ++i;
    }
    return std::move(edits_);
  }

 private:
  // The path named on the line before the fence at `open` (or the one before
  // a blank line), if that line is not part of an earlier block.
  std::optional<std::string> hint(size_t open, size_t floor) const {
    for (size_t k = open; k > floor && open - k < 2;) {
      --k;
      if (trim(lines_[k]).empty()) continue;
      return hintPath(lines_[k]);
    }
    return std::nullopt;
  }

  void block(const Fence& f, size_t open, size_t close, const std::optional<std::string>& hinted) {
    const FenceInfo info = parseInfo(f.info);
    if (info.citation) return;
    std::string content;
    for (size_t j = open + 1; j < close; ++j) {
      std::string_view l = lines_[j];
      size_t strip = 0;
      while (strip < f.indent && strip < l.size() && l[strip] == ' ') ++strip;
      content += l.substr(strip);
      content += '\n';
    }
    const std::string path = info.path.empty() ? hinted.value_or("") : info.path;
    const std::string lang = lower(info.language);
    if (lang == "diff" || lang == "patch" || lang == "udiff" || looksLikeUnifiedDiff(content)) {
      addDiffs(parseUnifiedDiff(content), path, info.language);
      return;
    }
    const std::string_view p = trim(path);
    if (p.empty()) return;
    edits_.push_back(
        {ProposedEdit::Kind::WholeFile, std::string(p), std::move(content), info.language});
  }

  // One edit per file of the diff that has something to apply; a file
  // without a path in its headers takes `fallbackPath` (from the fence).
  void addDiffs(const ParsedDiff& d, const std::string& fallbackPath, const std::string& language) {
    for (const FileDiff& f : d.files) {
      if (f.hunks.empty() && !f.newFile && !f.deletedFile) continue;
      const std::string_view p = trim(f.path().empty() ? std::string_view(fallbackPath) : f.path());
      if (p.empty()) continue;
      ProposedEdit e{f.deletedFile ? ProposedEdit::Kind::Delete : ProposedEdit::Kind::Diff,
                     std::string(p), f.text, language};
      ensureNewline(e.content);
      edits_.push_back(std::move(e));
    }
  }

  std::string text_;
  std::vector<size_t> starts_;
  std::vector<std::string_view> lines_;
  std::vector<ProposedEdit> edits_;
};

}  // namespace

std::vector<ProposedEdit> parseProposedEdits(std::string_view modelOutput) {
  return Parser(modelOutput).run();
}

std::vector<FencedBlock> fencedBlocks(std::string_view markdown) {
  // Lines as views without their line end, so offsets stay in `markdown`.
  std::vector<std::string_view> lines;
  std::vector<size_t> starts;
  for (size_t pos = 0; pos < markdown.size();) {
    const size_t nl = markdown.find('\n', pos);
    const size_t stop = nl == std::string_view::npos ? markdown.size() : nl;
    std::string_view line = markdown.substr(pos, stop - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    starts.push_back(pos);
    lines.push_back(line);
    pos = nl == std::string_view::npos ? markdown.size() : nl + 1;
  }
  std::vector<FencedBlock> out;
  for (size_t i = 0; i < lines.size();) {
    const std::optional<Fence> f = fenceOpen(lines[i]);
    if (!f) {
      ++i;
      continue;
    }
    const std::optional<size_t> close = findClose(lines, i, *f);
    if (!close) break;
    FencedBlock b;
    b.info = std::string(f->info);
    for (size_t j = i + 1; j < *close; ++j) {
      std::string_view l = lines[j];
      size_t strip = 0;
      while (strip < f->indent && strip < l.size() && l[strip] == ' ') ++strip;
      b.content += l.substr(strip);
      b.content += '\n';
    }
    b.begin = starts[i];
    b.end = *close + 1 < starts.size() ? starts[*close + 1] : markdown.size();
    out.push_back(std::move(b));
    i = *close + 1;
  }
  return out;
}

bool looksElided(std::string_view content) {
  size_t pos = 0;
  while (pos < content.size()) {
    const size_t nl = content.find('\n', pos);
    std::string_view l =
        content.substr(pos, (nl == std::string_view::npos ? content.size() : nl) - pos);
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
    l = trim(l);
    // Drop comment markers: //, #, /*, */, <!--, -->, --, ;, {/* */}.
    for (bool changed = true; changed;) {
      changed = false;
      for (std::string_view m : {"{/*", "//", "/*", "<!--", "--", "#", ";", "*"}) {
        if (startsWith(l, m)) {
          l = trim(l.substr(m.size()));
          changed = true;
        }
      }
      for (std::string_view m : {"*/}", "*/", "-->"}) {
        if (l.size() >= m.size() && l.substr(l.size() - m.size()) == m) {
          l = trim(l.substr(0, l.size() - m.size()));
          changed = true;
        }
      }
    }
    if (!startsWith(l, "...") && !startsWith(l, "\xe2\x80\xa6")) continue;  // "..." or U+2026
    const std::string low = lower(l);
    for (std::string_view w : {"existing", "unchanged", "rest of", "remain", "same as", "previous",
                               "other", "as before", "omitted", "keep"})
      if (low.find(w) != std::string::npos) return true;
  }
  return false;
}

}  // namespace sb::agents
