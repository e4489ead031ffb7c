#include "analysis/IgnoreRules.h"

namespace sb {
namespace {

// Matches one character class "[...]" at p against c; advances p past it.
// Returns false (no match) for a malformed class, like git.
bool matchClass(std::string_view& p, char c) {
  size_t i = 1;  // past '['
  bool negate = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  for (; i < p.size() && (first || p[i] != ']'); ++i, first = false) {
    char lo = p[i];
    if (lo == '\\' && i + 1 < p.size()) lo = p[++i];
    char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hi = p[i + 2];
      i += 2;
    }
    if (c >= lo && c <= hi) matched = true;
  }
  if (i >= p.size()) return false;  // unterminated
  p.remove_prefix(i + 1);
  return matched != negate;
}

bool matchHere(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      // "**/" matches zero or more whole segments; a trailing "**" matches all.
      std::string_view rest = p.substr(2);
      if (rest.empty()) return true;
      if (rest.front() == '/') {
        rest.remove_prefix(1);
        for (size_t i = 0;; ++i) {
          if (matchHere(rest, s.substr(i))) return true;
          size_t slash = s.find('/', i);
          if (slash == std::string_view::npos) return false;
          i = slash;
        }
      }
      // "**" inside a segment acts like "*".
      p.remove_prefix(1);
      continue;
    }
    char pc = p.front();
    if (pc == '*') {
      p.remove_prefix(1);
      for (size_t i = 0; i <= s.size(); ++i) {
        if (matchHere(p, s.substr(i))) return true;
        if (i < s.size() && s[i] == '/') return false;
      }
      return false;
    }
    if (s.empty()) return false;
    if (pc == '?') {
      if (s.front() == '/') return false;
      p.remove_prefix(1);
    } else if (pc == '[') {
      if (s.front() == '/' || !matchClass(p, s.front())) return false;
    } else {
      if (pc == '\\' && p.size() > 1) {
        p.remove_prefix(1);
        pc = p.front();
      }
      if (pc != s.front()) return false;
      p.remove_prefix(1);
    }
    s.remove_prefix(1);
  }
  return s.empty();
}

std::string_view trimTrailingSpaces(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    if (line.size() >= 2 && line[line.size() - 2] == '\\') break;  // escaped space stays
    line.remove_suffix(1);
  }
  return line;
}

}  // namespace

bool globMatch(std::string_view pattern, std::string_view path) {
  return matchHere(pattern, path);
}

void IgnoreRules::add(std::string_view text, std::string_view base) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    addPattern(text.substr(0, nl), base);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

void IgnoreRules::addPattern(std::string_view line, std::string_view base) {
  line = trimTrailingSpaces(line);
  if (line.empty() || line.front() == '#') return;
  Rule r;
  r.base = std::string(base);
  if (line.front() == '!') {
    r.negated = true;
    line.remove_prefix(1);
  } else if (line.substr(0, 2) == "\\!" || line.substr(0, 2) == "\\#") {
    line.remove_prefix(1);
  }
  if (!line.empty() && line.back() == '/') {
    r.dirOnly = true;
    line.remove_suffix(1);
  }
  if (line.empty()) return;
  if (line.find('/') != std::string_view::npos) {
    r.anchored = true;
    if (line.front() == '/') line.remove_prefix(1);
  }
  r.pattern = std::string(line);
  rules_.push_back(std::move(r));
}

IgnoreRules::Verdict IgnoreRules::match(std::string_view relPath, bool isDir) const {
  for (auto it = rules_.rbegin(); it != rules_.rend(); ++it) {
    const Rule& r = *it;
    if (r.dirOnly && !isDir) continue;
    std::string_view path = relPath;
    if (!r.base.empty()) {
      if (path.size() <= r.base.size() || path.substr(0, r.base.size()) != r.base ||
          path[r.base.size()] != '/')
        continue;
      path.remove_prefix(r.base.size() + 1);
    }
    bool hit;
    if (r.anchored) {
      hit = globMatch(r.pattern, path);
    } else {
      size_t slash = path.rfind('/');
      hit = globMatch(r.pattern, slash == std::string_view::npos ? path : path.substr(slash + 1));
    }
    if (hit) return r.negated ? Verdict::Included : Verdict::Ignored;
  }
  return Verdict::None;
}

}  // namespace sb
