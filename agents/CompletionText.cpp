#include "agents/CompletionText.h"

#include <algorithm>
#include <vector>

namespace sb::agents {
namespace {

size_t indentOf(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

}  // namespace

std::optional<std::string> cleanCompletion(std::string text, const CompletionSurroundings& around) {
  // Models sometimes echo the end-of-turn or file-separator tokens.
  for (std::string_view junk : {"<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<EOT>", "</s>"})
    if (size_t at = text.find(junk); at != std::string::npos) text.erase(at);

  // Mid-line (text after the cursor): one line only, and not what already follows.
  if (!blank(around.lineSuffix)) {
    text = text.substr(0, text.find('\n'));
    std::string_view rest = trimRight(around.lineSuffix);
    std::string_view t = trimRight(text);
    // Drop a tail that repeats the start of the line's remainder: "foo(x)" + ")" already there.
    for (size_t k = std::min(rest.size(), t.size()); k > 0; --k)
      if (t.substr(t.size() - k) == rest.substr(0, k)) {
        text = std::string(t.substr(0, t.size() - k));
        break;
      }
  } else {
    // A block: stop where the code dedents below the cursor's line (the
    // enclosing scope closes) or after maxLines.
    std::vector<std::string> lines = splitLines(text);
    // The cursor line's indentation: at a line start, the completion's own first line sets it.
    size_t base = blank(around.linePrefix) && !lines.empty() && !blank(lines[0])
                      ? around.linePrefix.size() + indentOf(lines[0])
                      : indentOf(around.linePrefix);
    std::string out;
    size_t kept = 0;
    for (size_t i = 0; i < lines.size() && kept < around.maxLines; ++i) {
      const std::string& line = lines[i];
      if (i > 0 && !blank(line) && indentOf(line) < base) break;
      if (i > 0) out += '\n';
      out += line;
      ++kept;
    }
    text = out;
    // Drop trailing lines that repeat the lines after the cursor.
    std::vector<std::string> next = splitLines(around.suffix);
    size_t firstNext = 0;
    while (firstNext < next.size() && blank(next[firstNext])) ++firstNext;
    lines = splitLines(text);
    while (lines.size() > 1 && firstNext < next.size() &&
           trimRight(lines.back()) == trimRight(next[firstNext]) && !blank(lines.back()))
      lines.pop_back();
    text.clear();
    for (size_t i = 0; i < lines.size(); ++i) text += (i ? "\n" : "") + lines[i];
  }
  // Trailing whitespace is noise; leading whitespace on the first line matters only at a line
  // start.
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  if (blank(text)) return std::nullopt;
  return text;
}

}  // namespace sb::agents
