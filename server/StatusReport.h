// What `switchboard status` and the editors' status bars show: the model
// backends and their health, the index of each workspace, and workflows.
// Built from engine objects only; each front end renders it.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "WorkflowHub.h"
#include "WorkspaceRegistry.h"
#include "agents/LlmRouter.h"

namespace sb {

struct StatusSources {
  std::shared_ptr<agents::LlmRouter> router;  // null: offline
  std::vector<std::shared_ptr<WorkspaceIndex>> indexes;
  WorkspaceRegistry* registry = nullptr;  // for "indexing now"
  WorkflowHub* workflows = nullptr;
  std::vector<std::string> roots;  // whose workflows to list
};

// {backends: [{name, provider, model, url, state, requests, failures,
// cacheHits, p50Ms, p99Ms, lastError}], offline, index: {state, files,
// symbols, lines, roots}, workflows: [{id, template, task, state, steps...}]}
nlohmann::json statusReport(const StatusSources& sources);

// One backend's entry: {name, provider, model, url, state, circuit,
// requests, failures, cacheHits, p50Ms, p99Ms, lastError}.
nlohmann::json backendJson(const agents::BackendStatus& b);
// The one word an editor shows: healthy, failing (recent errors but still
// tried), open (skipped until its cool-down ends), unknown (no traffic).
std::string backendHealth(const nlohmann::json& backend);
// Adds `b` to the entry for the same backend (name and URL) in `list`, or
// appends it: counts add up, latencies are those of the busier entry (the
// percentiles of two samples do not combine), the worst circuit wins.
void mergeBackend(nlohmann::json& list, const nlohmann::json& b);

// The same as lines for a terminal.
std::string statusText(const nlohmann::json& report);

}  // namespace sb
