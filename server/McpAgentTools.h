// The product's MCP tools that need a language model: complete_code and ask
// (a prompt with index context routed to the configured backends), and
// run_workflow / workflow_status / cancel_workflow over the workflow hub.
// They join the code tools in the catalog `switchboard mcp` serves.
#pragma once

#include <memory>
#include <string>

#include "Engine.h"
#include "McpCatalog.h"
#include "WorkflowHub.h"
#include "agents/Config.h"

namespace sb {

struct McpAgentDeps {
  std::string root;  // canonical workspace root
  WorkflowHub* hub = nullptr;
  WorkspaceRegistry* registry = nullptr;
  Workers* workers = nullptr;
  EngineOptions engine;  // its llm is the router (null: offline)
  agents::Settings settings;
};

// A copy of `code` with the agent tools added.
std::shared_ptr<const McpCatalog> withAgentTools(const std::shared_ptr<const McpCatalog>& code,
                                                 McpAgentDeps deps);

}  // namespace sb
