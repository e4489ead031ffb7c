// `switchboard status [--probe] [--json]` in its own process: the backends'
// health, request counts and latencies as the running daemons publish them
// (DaemonStatus), the workspace's index from its database (indexing if a
// daemon says so), and its workflows from the workflow store. With no daemon
// running there are no figures: configured backends show as "not probed",
// or --probe asks each one like `config check`.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "CommandLine.h"
#include "StatusReport.h"
#include "agents/BackendConfig.h"

namespace sb {

struct StatusCliContext {
  StatusSources sources;                          // the router in it is this process's
  std::vector<agents::BackendConfig> configured;  // for --probe
  std::string daemonsPath;                        // DaemonStatus's file
};

// The report: statusReport's, its backends from the live daemons (plus the
// configured ones none of them reported), and {daemons: [{pid, command,
// startedMs, updatedMs, workspaces}]}.
nlohmann::json cliStatusReport(const StatusCliContext& ctx, bool probe);
int runStatusCommand(const CommandLine& cl, const StatusCliContext& ctx, std::ostream& out);

}  // namespace sb
