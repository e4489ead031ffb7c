// The product's MCP catalog: code-intelligence tools, resources and prompts
// over one workspace, answered by the engine and the workspace index.
#pragma once

#include <memory>
#include <string>

#include "Engine.h"
#include "McpCatalog.h"
#include "WorkspaceRegistry.h"

namespace sb {

// Builds the catalog for the workspace at `root` (indexed through `registry`,
// refreshed in the background). Paths in tool arguments are relative to the
// root or absolute inside it; lines and columns are 1-based, columns count
// characters.
std::shared_ptr<const McpCatalog> makeCodeCatalog(const std::string& root,
                                                  WorkspaceRegistry& registry, Workers& workers,
                                                  const EngineOptions& options);

// Resolves a tool's path argument inside `root` (canonical): refuses "..",
// absolute paths elsewhere and symlinks that lead out. Throws
// std::invalid_argument with the reason.
std::string confinedPath(const std::string& root, const std::string& path);

}  // namespace sb
