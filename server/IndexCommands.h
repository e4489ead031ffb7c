// Command-line front end to the workspace index: `index`, `find`, `repomap`.
#pragma once

#include <string>

#include "WorkspaceRegistry.h"

namespace sb {

int runIndexCommand(WorkspaceRegistry& registry, const std::string& dir);
int runFindCommand(WorkspaceRegistry& registry, const std::string& dir, const std::string& query,
                   size_t limit);
int runRepoMapCommand(WorkspaceRegistry& registry, const std::string& dir, size_t tokens);

}  // namespace sb
