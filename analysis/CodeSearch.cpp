#include "analysis/CodeSearch.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "analysis/FileText.h"
#include "analysis/IgnoreRules.h"

namespace sb {
namespace {

constexpr size_t kMaxLineText = 400;

std::string readAll(const std::string& path) {
  return readFileText(path).value_or(std::string());
}

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Reports every match in one file's text through `add`; false to stop.
template <class Add>
bool scanLines(std::string_view text,
               const std::function<bool(std::string_view, size_t&, size_t&)>& find, Add add) {
  uint32_t line = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view content = text.substr(start, end - start);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    size_t from = 0, at = 0, len = 0;
    while (from <= content.size()) {
      std::string_view rest = content.substr(from);
      if (!find(rest, at, len)) break;
      if (!add(line, static_cast<uint32_t>(from + at), static_cast<uint32_t>(len), content))
        return false;
      from += at + std::max<size_t>(len, 1);
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
    ++line;
  }
  return true;
}

}  // namespace

CodeSearchResult searchCode(const std::string& root, const std::string& pattern,
                            const CodeSearchOptions& options, const CancelToken& cancel) {
  CodeSearchResult result;
  if (pattern.empty()) {
    result.error = "empty pattern";
    return result;
  }
  std::unique_ptr<RE2> re;
  if (options.regex) {
    RE2::Options reOptions;
    reOptions.set_case_sensitive(options.caseSensitive);
    reOptions.set_log_errors(false);
    reOptions.set_max_mem(64 << 20);
    re = std::make_unique<RE2>(pattern, reOptions);
    if (!re->ok()) {
      result.error = "invalid regular expression: " + re->error();
      return result;
    }
  }
  const std::string needle = options.caseSensitive ? pattern : lowerAscii(pattern);
  std::function<bool(std::string_view, size_t&, size_t&)> find;
  if (re) {
    find = [&](std::string_view s, size_t& at, size_t& len) {
      re2::StringPiece match;
      if (!re->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, &match, 1))
        return false;
      at = static_cast<size_t>(match.data() - s.data());
      len = match.size();
      return true;
    };
  } else if (options.caseSensitive) {
    find = [&](std::string_view s, size_t& at, size_t& len) {
      at = s.find(needle);
      len = needle.size();
      return at != std::string_view::npos;
    };
  } else {
    find = [&](std::string_view s, size_t& at, size_t& len) {
      at = lowerAscii(s).find(needle);
      len = needle.size();
      return at != std::string::npos;
    };
  }

  ScanOptions scan = options.scan;
  scan.anyTextFile = true;
  ScanResult files = scanWorkspace(root, scan);
  for (const auto& f : files.files) {
    if (cancel.cancelled()) break;
    if (!options.pathGlob.empty() && !globMatch(options.pathGlob, f.relPath) &&
        !globMatch("**/" + options.pathGlob, f.relPath))
      continue;
    std::string text = readAll(f.path);
    if (std::string_view(text).substr(0, 8192).find('\0') != std::string_view::npos)
      continue;  // binary
    ++result.filesSearched;
    // Whole-file prefilter: most files have no match at all.
    if (!re && options.caseSensitive && text.find(needle) == std::string::npos) continue;
    bool more = scanLines(
        text, find, [&](uint32_t line, uint32_t col, uint32_t len, std::string_view content) {
          if (result.matches.size() >= options.maxResults) {
            result.truncated = true;
            return false;
          }
          result.matches.push_back(
              {f.relPath, line, col, len, std::string(content.substr(0, kMaxLineText))});
          return true;
        });
    if (!more) break;
  }
  return result;
}

}  // namespace sb
