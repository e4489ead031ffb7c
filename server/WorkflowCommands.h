// `switchboard workflow run|list|show|resume|cancel|templates`: the
// workflow runner on a terminal.
#pragma once

#include <iosfwd>
#include <memory>

#include "CommandLine.h"
#include "WorkflowHub.h"
#include "agents/Config.h"

namespace sb {

struct WorkflowCliContext {
  WorkflowHub& hub;
  std::string root;  // canonical workspace root
  std::shared_ptr<agents::LlmRouter> router;
  agents::Settings settings;
};

int runWorkflowCommand(const CommandLine& cl, WorkflowCliContext& ctx, std::ostream& out,
                       std::ostream& err);

}  // namespace sb
