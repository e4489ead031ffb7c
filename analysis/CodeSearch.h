// Literal and regular-expression search over a workspace's files, honouring
// .gitignore and the exclude list. Regexes use RE2: linear time, so a
// pattern from a model or a user cannot hang the daemon.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/Cancellation.h"
#include "analysis/WorkspaceScanner.h"

namespace sb {

struct CodeSearchOptions {
  bool regex = false;
  bool caseSensitive = true;
  size_t maxResults = 200;
  std::string pathGlob;  // optional, gitignore-style, matched against the relative path
  ScanOptions scan;
};

struct CodeMatch {
  std::string relPath;
  uint32_t line = 0;     // 0-based
  uint32_t column = 0;   // 0-based, bytes
  uint32_t length = 0;   // bytes
  std::string lineText;  // the whole line, at most 400 bytes
};

struct CodeSearchResult {
  std::vector<CodeMatch> matches;
  size_t filesSearched = 0;
  bool truncated = false;  // stopped at maxResults
  std::string error;       // an invalid regex, explained
};

CodeSearchResult searchCode(const std::string& root, const std::string& pattern,
                            const CodeSearchOptions& options, const CancelToken& cancel = {});

}  // namespace sb
