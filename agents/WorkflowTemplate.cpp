#include "agents/WorkflowTemplate.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "analysis/FileText.h"

namespace sb::agents {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string requiredString(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty())
    throw std::invalid_argument(where + "." + key + ": expected a non-empty string");
  return it->get<std::string>();
}

// Kahn's algorithm, keeping the file's order among ready steps; what is
// left over is on a cycle.
std::vector<WorkflowStepSpec> ordered(std::vector<WorkflowStepSpec> steps) {
  std::vector<WorkflowStepSpec> out;
  std::set<std::string> done;
  while (!steps.empty()) {
    bool progressed = false;
    for (auto it = steps.begin(); it != steps.end();) {
      bool ready = true;
      for (auto& d : it->dependsOn) ready = ready && done.count(d);
      if (ready) {
        done.insert(it->id);
        out.push_back(std::move(*it));
        it = steps.erase(it);
        progressed = true;
      } else {
        ++it;
      }
    }
    if (!progressed) {
      std::string names;
      for (auto& s : steps) names += (names.empty() ? "" : ", ") + s.id;
      throw std::invalid_argument("steps depend on each other in a cycle: " + names);
    }
  }
  return out;
}

}  // namespace

WorkflowTemplate WorkflowTemplate::fromJson(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("a workflow must be a JSON object");
  WorkflowTemplate t;
  t.name = requiredString(j, "name", "workflow");
  if (auto d = j.find("description"); d != j.end() && d->is_string())
    t.description = d->get<std::string>();
  auto steps = j.find("steps");
  if (steps == j.end() || !steps->is_array() || steps->empty())
    throw std::invalid_argument("workflow.steps: expected a non-empty array");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const json& s = (*steps)[i];
    std::string where = "steps[" + std::to_string(i) + "]";
    if (!s.is_object()) throw std::invalid_argument(where + ": expected an object");
    WorkflowStepSpec step{requiredString(s, "id", where),
                          requiredString(s, "role", where),
                          requiredString(s, "task", where),
                          {}};
    if (!ids.insert(step.id).second)
      throw std::invalid_argument(where + ".id: duplicate step id '" + step.id + "'");
    if (auto d = s.find("depends_on"); d != s.end()) {
      if (!d->is_array())
        throw std::invalid_argument(where + ".depends_on: expected an array of step ids");
      for (auto& dep : *d) {
        if (!dep.is_string())
          throw std::invalid_argument(where + ".depends_on: expected an array of step ids");
        step.dependsOn.push_back(dep.get<std::string>());
      }
    }
    t.steps.push_back(std::move(step));
  }
  for (auto& s : t.steps)
    for (auto& d : s.dependsOn)
      if (!ids.count(d))
        throw std::invalid_argument("step '" + s.id + "' depends on unknown step '" + d + "'");
  t.steps = ordered(std::move(t.steps));
  return t;
}

json WorkflowTemplate::toJson() const {
  json steps = json::array();
  for (auto& s : this->steps)
    steps.push_back(
        {{"id", s.id}, {"role", s.role}, {"task", s.task}, {"depends_on", s.dependsOn}});
  return {{"name", name}, {"description", description}, {"steps", std::move(steps)}};
}

std::string WorkflowTemplate::renderTask(const WorkflowStepSpec& step,
                                         const std::string& task) const {
  std::string out;
  const std::string& t = step.task;
  for (std::size_t i = 0; i < t.size();) {
    if (t.compare(i, 8, "{{task}}") == 0) {
      out += task;
      i += 8;
    } else {
      out += t[i++];
    }
  }
  return out;
}

std::vector<WorkflowTemplate> loadWorkflowTemplates(const std::vector<std::string>& dirs,
                                                    std::vector<std::string>* problems) {
  std::map<std::string, WorkflowTemplate> byName;
  for (auto& [name, text] : builtinWorkflowSources()) {
    auto t = WorkflowTemplate::fromJson(json::parse(text));  // tested: built-ins always parse
    byName[t.name] = std::move(t);
  }
  for (auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (auto& f : files) {
      try {
        auto t = WorkflowTemplate::fromJson(
            json::parse(readFileText(f.string()).value_or(std::string())));
        byName[t.name] = std::move(t);
      } catch (const std::exception& e) {
        if (problems) problems->push_back(f.string() + ": " + e.what());
      }
    }
  }
  std::vector<WorkflowTemplate> out;
  out.reserve(byName.size());
  for (auto& [n, t] : byName) out.push_back(std::move(t));
  return out;
}

std::vector<std::string> workflowTemplateDirs(const std::string& workspaceRoot) {
  std::vector<std::string> dirs;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg)
    dirs.push_back((fs::path(xdg) / "switchboard" / "workflows").string());
  else if (home && *home)
    dirs.push_back((fs::path(home) / ".config" / "switchboard" / "workflows").string());
  if (!workspaceRoot.empty())
    dirs.push_back((fs::path(workspaceRoot) / ".switchboard" / "workflows").string());
  return dirs;
}

}  // namespace sb::agents
