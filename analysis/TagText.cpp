#include "analysis/TagText.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "analysis/Utf8.h"

namespace sb::tags {
namespace {

bool isSpace(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> splitLines(std::string_view s) {
  std::vector<std::string_view> lines;
  for (;;) {
    const size_t nl = s.find('\n');
    lines.push_back(trimRight(s.substr(0, nl)));
    if (nl == std::string_view::npos) return lines;
    s.remove_prefix(nl + 1);
  }
}

// Lines joined by '\n' without leading and trailing blank lines.
std::string joinLines(const std::vector<std::string_view>& lines) {
  size_t first = 0, last = lines.size();
  while (first < last && lines[first].empty()) ++first;
  while (last > first && lines[last - 1].empty()) --last;
  std::string out;
  for (size_t i = first; i < last; ++i) {
    if (i > first) out += '\n';
    out.append(lines[i]);
  }
  return out;
}

std::string_view dropOneSpace(std::string_view s) {
  return s.starts_with(' ') ? s.substr(1) : s;
}

}  // namespace

void truncateUtf8(std::string& s, size_t maxBytes) {
  s.resize(utf8::truncate(s, maxBytes).size());
}

std::string collapseSignature(std::string_view text, size_t maxBytes) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (isSpace(c)) {
      space = !out.empty();
      continue;
    }
    const bool opener = !out.empty() && (out.back() == '(' || out.back() == '[');
    if (space && !opener && c != ')' && c != ']') out += ' ';
    space = false;
    out += c;
  }
  if (out.ends_with(':') && !out.ends_with("::")) out.pop_back();
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > maxBytes) {
    constexpr std::string_view kEllipsis = "…";
    truncateUtf8(out, maxBytes - kEllipsis.size());
    out += kEllipsis;
  }
  return out;
}

std::string stripCommentMarkers(std::string_view c) {
  c = trimRight(c);
  std::vector<std::string_view> lines;
  if (c.starts_with("/*")) {
    c.remove_prefix(2);
    if (c.ends_with("*/")) c.remove_suffix(2);
    while (c.starts_with('*') || c.starts_with('!')) c.remove_prefix(1);
    while (c.ends_with('*')) c.remove_suffix(1);
    for (std::string_view line : splitLines(c)) {
      line = trim(line);
      if (line.starts_with('*'))
        line = dropOneSpace(line.substr(1));  // " * text" continuation lines
      lines.push_back(line);
    }
    return joinLines(lines);
  }
  for (std::string_view line : splitLines(c)) {
    line = trim(line);
    if (line.starts_with("//")) {
      line.remove_prefix(2);
      if (line.starts_with('/') || line.starts_with('!')) line.remove_prefix(1);
    } else if (line.starts_with('#')) {
      line.remove_prefix(1);
    }
    lines.push_back(dropOneSpace(line));
  }
  return joinLines(lines);
}

std::string cleanDocstring(std::string_view s) {
  while (!s.empty() && std::isalpha(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);  // r, u, b, f
  for (std::string_view q : {"\"\"\"", "'''", "\"", "'"}) {
    if (s.size() >= 2 * q.size() && s.starts_with(q) && s.ends_with(q)) {
      s = s.substr(q.size(), s.size() - 2 * q.size());
      break;
    }
  }
  std::vector<std::string_view> lines = splitLines(s);
  // Indentation common to all non-blank lines after the first.
  size_t indent = std::string_view::npos;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t first = lines[i].find_first_not_of(" \t");
    if (first != std::string_view::npos) indent = std::min(indent, first);
  }
  lines[0] = trim(lines[0]);
  for (size_t i = 1; i < lines.size(); ++i)
    lines[i] = lines[i].size() > indent && indent != std::string_view::npos
                   ? lines[i].substr(indent)
                   : trim(lines[i]);
  return joinLines(lines);
}

std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'' || s.front() == '`') &&
      s.back() == s.front())
    return s.substr(1, s.size() - 2);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') return s.substr(1, s.size() - 2);
  return s;
}

std::string normalizeImport(std::string_view text) {
  text = trim(text);
  if (!text.starts_with("import") || text.size() < 7 || !isSpace(text[6]))
    return std::string(unquote(text));
  // Java: `import static a.b.*;`
  text = trim(text.substr(6));
  if (text.starts_with("static") && text.size() > 6 && isSpace(text[6]))
    text = trim(text.substr(6));
  if (text.ends_with(';')) text.remove_suffix(1);
  std::string out;
  for (char c : text)
    if (!isSpace(c)) out += c;
  return out;
}

std::string_view withoutTemplateArgs(std::string_view s) {
  return s.substr(0, s.find('<'));
}

bool isUpperCaseName(std::string_view s) {
  bool letter = false;
  for (char c : s) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    letter |= std::isupper(static_cast<unsigned char>(c)) != 0;
  }
  return letter;
}

}  // namespace sb::tags
