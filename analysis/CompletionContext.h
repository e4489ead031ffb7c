// What a model needs to complete code at a cursor: the text around it, cut at
// syntax boundaries to a budget, plus cross-file context from the index
// (definitions of names used near the cursor, the file's imports, the
// repository map), each section within its own budget.
#pragma once

#include <string>
#include <vector>

#include "analysis/Document.h"
#include "analysis/WorkspaceIndex.h"

namespace sb {

struct CompletionBudgets {  // in tokens (~4 characters each)
  size_t prefix = 1500;
  size_t suffix = 500;
  size_t definitions = 1000;
  size_t repoMap = 300;
};

struct ContextSnippet {
  std::string path;  // relative to the workspace root
  std::string text;  // signature, and doc comment when there is room
};

struct CompletionContext {
  std::string language;                // grammar name, "" if unknown
  std::string path;                    // relative path (or the URI outside a workspace)
  std::string prefix;                  // text before the cursor
  std::string suffix;                  // text after the cursor
  std::string linePrefix, lineSuffix;  // the cursor's line, split at the cursor
  std::string wordPrefix;              // the identifier characters just before the cursor
  ByteRange window;                    // the bytes around the cursor searched for identifiers
  std::vector<ContextSnippet> definitions;
  std::vector<std::string> imports;
  std::string repoMap;
};

// `index` may be null (no workspace): then only the document is used.
CompletionContext buildCompletionContext(const DocumentSnapshot& doc, uint32_t offset,
                                         WorkspaceIndex* index, const std::string& relPath,
                                         const CompletionBudgets& budgets);

// The comment syntax of a language, for context rendered into a prompt.
std::string lineCommentFor(std::string_view language);

}  // namespace sb
