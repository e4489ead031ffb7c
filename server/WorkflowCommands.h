// `switchboard workflow run|list|show|resume|cancel|templates` and
// `switchboard status`: the workflow runner and status report on a terminal.
#pragma once

#include <iosfwd>
#include <memory>

#include "CommandLine.h"
#include "StatusReport.h"
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
int runStatusCommand(const CommandLine& cl, const StatusSources& sources, std::ostream& out);

}  // namespace sb
