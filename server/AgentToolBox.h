// The code tools an agent may call are the MCP catalog's tools: written once
// (McpCodeTools.cpp) and adapted here into plain blocking functions, with the
// same argument validation the MCP front end applies.
#pragma once

#include <memory>

#include "McpCatalog.h"
#include "agents/AgentTools.h"

namespace sb {

std::shared_ptr<agents::ToolBox> agentToolsFrom(std::shared_ptr<const McpCatalog> catalog);

}  // namespace sb
