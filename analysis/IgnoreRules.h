// .gitignore semantics for the workspace scanner: patterns, negation,
// directory-only and anchored patterns, `*`, `?`, `[...]` and `**`.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

// Matches a gitignore-style glob against a '/'-separated path. `*` and `?`
// never match '/', `**` matches any number of path segments.
bool globMatch(std::string_view pattern, std::string_view path);

class IgnoreRules {
 public:
  // Adds the lines of one .gitignore (or exclude list) found in directory
  // `base`, relative to the workspace root ("" for the root itself).
  void add(std::string_view text, std::string_view base);
  void addPattern(std::string_view line, std::string_view base);

  enum class Verdict { None, Ignored, Included };
  // The last matching rule decides; `relPath` is relative to the root.
  Verdict match(std::string_view relPath, bool isDir) const;
  bool empty() const { return rules_.empty(); }
  // For depth-first walks: rules added below a directory are dropped on leaving it.
  size_t mark() const { return rules_.size(); }
  void truncate(size_t mark) { rules_.resize(mark); }

 private:
  struct Rule {
    std::string base;     // directory of the .gitignore, "" for root
    std::string pattern;  // without leading '!' or trailing '/'
    bool negated = false;
    bool dirOnly = false;
    bool anchored = false;  // contains a '/' before its end: relative to base
  };
  std::vector<Rule> rules_;
};

}  // namespace sb
