// Builds and refreshes a workspace's IndexStore: scan, skip what is
// unchanged (size + mtime, then content hash), parse the rest on several
// threads, write in batched transactions.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analysis/Cancellation.h"
#include "analysis/Document.h"
#include "analysis/IndexStore.h"
#include "analysis/WorkspaceScanner.h"

namespace sb {

struct IndexerOptions {
  ScanOptions scan;
  ParseLimits parse;
  unsigned threads = 2;
  size_t batchFiles = 200;  // files per write transaction
};

struct IndexProgress {
  size_t done = 0;
  size_t total = 0;
};

struct IndexReport {
  size_t scanned = 0;    // files the scan found
  size_t parsed = 0;     // (re)indexed this run
  size_t unchanged = 0;  // stamp or hash matched
  size_t removed = 0;    // gone from the workspace
  size_t skipped = 0;    // binary, generated, unreadable
  size_t lines = 0;      // lines parsed this run
  double seconds = 0;
  bool cancelled = false;
  std::vector<std::string> notes;
  std::vector<std::string> changedPaths;  // relative paths written or removed
};

using ProgressFn = std::function<void(const IndexProgress&)>;

// Brings `store` up to date with the files under `root` (canonical path).
IndexReport updateIndex(IndexStore& store, const std::string& root, const IndexerOptions& options,
                        const ProgressFn& progress = {}, const CancelToken& cancel = {});

// Extracts what the index keeps for one file's text. Returns false (with
// `why`) for content the index skips: binary, generated or minified.
bool indexText(const std::string& relPath, const std::string& uri, std::string text,
               const ParseLimits& limits, IndexedFile& out, std::string& why);

// Converts one snapshot's tags into index rows (for open documents).
IndexedFile indexSnapshot(const DocumentSnapshot& doc, const std::string& relPath);

}  // namespace sb
