// Workflow templates: a DAG of steps (id, role, task template, depends_on)
// read from JSON. Built-in ones are compiled in from agents/workflows/*.json;
// users add their own as JSON files (see docs/configuration.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::agents {

struct WorkflowStepSpec {
  std::string id, role;
  std::string task;  // "{{task}}" stands for the workflow's task
  std::vector<std::string> dependsOn;
};

struct WorkflowTemplate {
  std::string name, description;
  std::vector<WorkflowStepSpec> steps;  // in a dependency order (sorted on parse)

  // Throws std::invalid_argument: missing fields, duplicate or unknown step
  // ids, a cycle (named), an empty workflow.
  static WorkflowTemplate fromJson(const nlohmann::json& j);
  nlohmann::json toJson() const;
  std::string renderTask(const WorkflowStepSpec& step, const std::string& task) const;
};

// The compiled-in template sources, by name.
std::vector<std::pair<std::string_view, std::string_view>> builtinWorkflowSources();

// Built-in templates, then *.json in each of `dirs` (later ones override by
// name); a bad file is skipped with its error in `problems`.
std::vector<WorkflowTemplate> loadWorkflowTemplates(const std::vector<std::string>& dirs,
                                                    std::vector<std::string>* problems = nullptr);

// The user's and the workspace's template folders:
// $XDG_CONFIG_HOME/switchboard/workflows and <root>/.switchboard/workflows.
std::vector<std::string> workflowTemplateDirs(const std::string& workspaceRoot);

}  // namespace sb::agents
