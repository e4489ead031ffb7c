// Agent roles: a system prompt, the backends to use (first one, then its
// fallbacks) and the tools the role may call. Built-in roles can be
// overridden and new ones added from configuration ("agents.roles"); the
// same settings object bounds each step's tool loop ("agents.limits") and
// how workflows schedule and retry steps ("agents.workflows"). Every front
// end builds one from the settings of the client that starts a run.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sb::agents {

// Bounds on one agent step's tool loop; every one is configurable ("agents.limits").
struct AgentLimits {
  int maxTurns = 12;       // model calls in one step
  int maxTokens = 100000;  // prompt + completion tokens summed over the step
  std::chrono::seconds maxTime{600};
  int maxToolOutputChars = 16000;  // a longer tool result is cut, with a note
  int maxOutputTokens = 4096;      // per model call
};

// How a workflow runs its steps ("agents.workflows").
struct WorkflowLimits {
  int maxParallel = 3;  // steps of one workflow running at once
  int stepRetries = 2;  // for transient backend errors, after the router's own retries
  std::chrono::milliseconds retryBaseDelay{1000};  // doubled at each further attempt
};

struct Role {
  std::string name, description;
  std::string system;
  std::vector<std::string> tools;     // tool names, "*" for all
  std::vector<std::string> backends;  // by name, in order; empty: the configured chain
  double temperature = 0.2;
};

class RoleSet {
 public:
  RoleSet();  // the built-in roles
  // Overrides and additions from the settings' "agents" object; throws
  // std::invalid_argument naming the bad field.
  void configure(const nlohmann::json& agentsSettings);
  const Role* find(const std::string& name) const;
  std::vector<std::string> names() const;
  const AgentLimits& limits() const { return limits_; }
  const WorkflowLimits& workflowLimits() const { return workflows_; }

 private:
  std::map<std::string, Role> roles_;
  AgentLimits limits_;
  WorkflowLimits workflows_;
};

}  // namespace sb::agents
