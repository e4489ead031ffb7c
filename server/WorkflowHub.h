// The workflow runners of this process, one per workspace, shared by every
// session: two editors on the same folder see the same workflows live. Each
// runner's agents call the workspace's code tools (the MCP catalog's).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "Engine.h"
#include "McpCatalog.h"
#include "WorkspaceRegistry.h"
#include "agents/WorkflowRunner.h"

namespace sb {

class WorkflowHub {
 public:
  // roles: the agents settings the process started with (roles, limits,
  // agents.workflows), for runs that do not bring their client's own; null:
  // the built-in defaults.
  WorkflowHub(WorkspaceRegistry& registry, Workers& workers, EngineOptions engine,
              agents::WorkflowOptions options = {},
              std::shared_ptr<const agents::RoleSet> roles = nullptr);
  ~WorkflowHub();
  WorkflowHub(const WorkflowHub&) = delete;
  WorkflowHub& operator=(const WorkflowHub&) = delete;

  // The runner for `root`, created on first use (its SQLite store under
  // $XDG_STATE_HOME; workflows left running by a dead process are marked
  // interrupted). Throws if the store cannot be opened.
  std::shared_ptr<agents::WorkflowRunner> runner(const std::string& root);
  // The code catalog the runner's agents use, shared with an MCP front end.
  std::shared_ptr<const McpCatalog> catalog(const std::string& root);
  std::vector<std::shared_ptr<agents::WorkflowRunner>> runners() const;

  // Events of every workflow in `root`, whether its runner exists yet or is
  // created later (an editor that only watches sees another's workflow).
  using Listener = std::function<void(const agents::WorkflowEvent&)>;
  int subscribe(const std::string& root, Listener listener);
  void unsubscribe(int token);

 private:
  struct Entry {
    std::shared_ptr<const McpCatalog> catalog;
    std::shared_ptr<agents::WorkflowRunner> runner;
  };
  struct Subscription {
    std::string root;
    Listener listener;
    int runnerToken = 0;  // 0 until the runner exists
  };
  Entry& entry(const std::string& root);  // under mu_

  WorkspaceRegistry& registry_;
  Workers& workers_;
  EngineOptions engine_;
  agents::WorkflowOptions options_;
  std::shared_ptr<const agents::RoleSet> roles_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::map<int, Subscription> subscriptions_;
  int nextToken_ = 1;
};

}  // namespace sb
