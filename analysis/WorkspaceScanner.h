// Finds the files of a workspace worth indexing: known languages, honouring
// .gitignore files and an exclude list, never leaving the workspace through a
// symlink, and skipping oversized files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/Language.h"

namespace sb {

struct ScanOptions {
  // gitignore-style patterns applied before the workspace's own .gitignore files.
  std::vector<std::string> exclude = {".git/",        ".hg/",     ".svn/",    "node_modules/",
                                      "__pycache__/", ".venv/",   ".tox/",    ".mypy_cache/",
                                      ".cache/",      "*.min.js", "*.min.css"};
  bool honourGitignore = true;
  uint64_t maxFileBytes = 1024 * 1024;  // larger files are left out of the index
  size_t maxFiles = 200000;
  // Also list files in no known language (for text search); their
  // ScannedFile::language is null.
  bool anyTextFile = false;
};

struct ScannedFile {
  std::string path;     // absolute, under the workspace root
  std::string relPath;  // relative to the root, '/'-separated
  const Language* language = nullptr;
  uint64_t size = 0;
  int64_t mtimeNs = 0;
};

struct ScanResult {
  std::vector<ScannedFile> files;
  size_t ignored = 0;    // by .gitignore or the exclude list
  size_t oversized = 0;  // over maxFileBytes
  size_t escapingLinks = 0;
  std::vector<std::string> notes;  // one line per notable skip, for the log
};

// `root` must be an existing directory; it is canonicalised first.
ScanResult scanWorkspace(const std::string& root, const ScanOptions& options);

// The canonical path of `path` if it lies inside `root` (both canonical),
// following symlinks; empty otherwise. Used to confine every file access.
std::string resolveInside(const std::string& root, const std::string& path);

}  // namespace sb
