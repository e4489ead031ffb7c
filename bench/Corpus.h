// Real source code already on the machine, for benchmarks that must not run
// on synthetic text.
#pragma once

#include <string>
#include <vector>

namespace sb::bench {

struct SourceFile {
  std::string path;
  std::string text;
};

// Files under `root` (recursively) whose extension is in `extensions`, in
// path order, until `maxBytes` are collected.
std::vector<SourceFile> collectSources(const std::string& root,
                                       const std::vector<std::string>& extensions, size_t maxBytes);

// About `lines` lines of real C++: Boost headers that tree-sitter parses
// without a syntax error, concatenated whole.
std::string cleanCppText(size_t lines);
// About `lines` lines of macro-heavy real C++ (libstdc++ headers), which
// tree-sitter parses with error nodes; incremental reparse reuses little of
// an erroneous region, so this is the slow case.
std::string macroHeavyCppText(size_t lines);

}  // namespace sb::bench
