// What serving daemons tell `switchboard status` run in another process.
// Each daemon (lsp, mcp) keeps one row in
// $XDG_STATE_HOME/switchboard/daemons.sqlite: its model backends (health,
// request counts, latencies, over every router it uses) and the workspaces it
// has open and is indexing. It writes the row when that changes (checked
// every two seconds) and deletes it on a clean exit. Readers trust only rows
// whose process is still the one that wrote them (pid and start time), so a
// daemon killed with -9 drops out at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agents/LlmRouter.h"

namespace sb {

class WorkspaceRegistry;

struct DaemonSnapshot {
  int pid = 0;
  std::string command;  // "lsp", "mcp"
  std::int64_t startedMs = 0, updatedMs = 0;
  // {backends: [statusReport's backend objects], workspaces: [{root, indexing}]}
  nlohmann::json state;
};

// $XDG_STATE_HOME/switchboard/daemons.sqlite (~/.local/state without it).
std::string daemonStatusPath();

class StatusPublisher {
 public:
  // Starts publishing at once; a file that cannot be opened only costs a warning.
  StatusPublisher(std::string path, std::string command, WorkspaceRegistry* registry,
                  std::chrono::milliseconds interval = std::chrono::seconds(2));
  ~StatusPublisher();  // stops and removes this process's row
  StatusPublisher(const StatusPublisher&) = delete;
  StatusPublisher& operator=(const StatusPublisher&) = delete;

  // A router whose figures count (the process's, and one per LSP session
  // that brought its own settings); held weakly, dropped when it goes.
  void track(const std::shared_ptr<agents::LlmRouter>& router);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The rows of daemons still running; rows of dead ones are deleted. Empty if
// the file does not exist or cannot be read.
std::vector<DaemonSnapshot> readLiveDaemons(const std::string& path);

}  // namespace sb
