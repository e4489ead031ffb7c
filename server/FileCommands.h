// One-shot command-line tools over files: `symbols` and `check`.
#pragma once

#include <string>
#include <vector>

namespace sb {

struct ParseLimits;

// Prints each file's outline; returns the process exit code.
int printSymbols(const std::vector<std::string>& files, const ParseLimits& limits);
// Prints syntax errors compiler-style; exit code 1 if any file has one.
int checkSyntax(const std::vector<std::string>& files, const ParseLimits& limits);

}  // namespace sb
