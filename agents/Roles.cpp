#include "agents/Roles.h"

#include <optional>
#include <stdexcept>

namespace sb::agents {

using nlohmann::json;

namespace {

const std::vector<std::string> kReadTools = {
    "find_symbol", "get_definition", "find_references", "document_outline",
    "repo_map",    "search_code",    "read_file",       "get_diagnostics"};

std::vector<std::string> plus(std::vector<std::string> v, const std::string& extra) {
  v.push_back(extra);
  return v;
}

constexpr const char* kCommon =
    " You work inside one code repository through tools: look things up with them instead of "
    "guessing, and "
    "cite files as path:line. Paths are relative to the workspace root.";

}  // namespace

RoleSet::RoleSet() {
  auto add = [this](Role r) { roles_[r.name] = std::move(r); };
  add({"planner",
       "Breaks a task into concrete steps",
       std::string("You are the planner of a small software team. Read the relevant code, then "
                   "write a short, "
                   "numbered implementation plan: which files and functions change and how, and "
                   "what to test. "
                   "Do not write the code.") +
           kCommon,
       kReadTools,
       {},
       0.2});
  add({"developer",
       "Writes the code",
       std::string("You are the developer. Implement the task by proposing complete edits with the "
                   "propose_edit "
                   "tool (whole new file content, or a unified diff), one call per file. Keep "
                   "changes minimal and "
                   "consistent with the surrounding code. End with a two-line summary of what you "
                   "changed.") +
           kCommon,
       plus(kReadTools, "propose_edit"),
       {},
       0.2});
  add({"reviewer",
       "Reviews a change",
       std::string(
           "You are the code reviewer. Check the change for bugs, missing cases, unclear names and "
           "missing tests. Answer with a verdict line (APPROVE or REQUEST CHANGES) and a list of "
           "findings with path:line.") +
           kCommon,
       kReadTools,
       {},
       0.1});
  add({"tester",
       "Writes tests",
       std::string("You are the test engineer. Write focused tests for the change in the project's "
                   "existing test "
                   "style and framework, proposing new or changed test files with propose_edit.") +
           kCommon,
       plus(kReadTools, "propose_edit"),
       {},
       0.2});
  add({"writer",
       "Writes documentation",
       std::string("You are the technical writer. Document the change for its users: update or add "
                   "doc comments "
                   "and documentation files with propose_edit, concise and accurate.") +
           kCommon,
       plus(kReadTools, "propose_edit"),
       {},
       0.3});
}

void RoleSet::configure(const json& agents) {
  if (agents.is_null()) return;
  if (!agents.is_object()) throw std::invalid_argument("agents: expected an object");
  if (auto l = agents.find("limits"); l != agents.end()) {
    if (!l->is_object()) throw std::invalid_argument("agents.limits: expected an object");
    auto positive = [&](const char* key, auto& out) {
      if (auto v = l->find(key); v != l->end()) {
        if (!v->is_number_integer() || v->get<long long>() <= 0)
          throw std::invalid_argument(std::string("agents.limits.") + key +
                                      ": expected a positive integer");
        out = static_cast<std::remove_reference_t<decltype(out)>>(v->get<long long>());
      }
    };
    positive("maxTurns", limits_.maxTurns);
    positive("maxTokens", limits_.maxTokens);
    positive("maxToolOutputChars", limits_.maxToolOutputChars);
    positive("maxOutputTokens", limits_.maxOutputTokens);
    long long seconds = limits_.maxTime.count();
    positive("maxSeconds", seconds);
    limits_.maxTime = std::chrono::seconds(seconds);
  }
  if (auto w = agents.find("workflows"); w != agents.end()) {
    if (!w->is_object()) throw std::invalid_argument("agents.workflows: expected an object");
    auto bounded = [&](const char* key, long long lo, long long hi) -> std::optional<long long> {
      auto v = w->find(key);
      if (v == w->end()) return std::nullopt;
      if (!v->is_number_integer() || v->get<long long>() < lo || v->get<long long>() > hi)
        throw std::invalid_argument(std::string("agents.workflows.") + key +
                                    ": expected an integer from " + std::to_string(lo) + " to " +
                                    std::to_string(hi));
      return v->get<long long>();
    };
    if (auto v = bounded("maxParallel", 1, 64)) workflows_.maxParallel = static_cast<int>(*v);
    if (auto v = bounded("stepRetries", 0, 10)) workflows_.stepRetries = static_cast<int>(*v);
    if (auto v = bounded("retryBaseDelayMs", 0, 600000))
      workflows_.retryBaseDelay = std::chrono::milliseconds(*v);
  }
  auto rs = agents.find("roles");
  if (rs == agents.end()) return;
  if (!rs->is_object())
    throw std::invalid_argument("agents.roles: expected an object of roles by name");
  for (auto& item : rs->items()) {
    // Not a structured binding: the lambdas below capture `spec`, which
    // clang before 16 refuses for a binding (the fuzz build uses clang 14).
    const std::string& name = item.key();
    const json& spec = item.value();
    std::string where = "agents.roles." + name;
    if (!spec.is_object()) throw std::invalid_argument(where + ": expected an object");
    Role r = roles_.count(name) ? roles_[name] : Role{name, "", "", kReadTools, {}, 0.2};
    auto str = [&](const char* key, std::string& out) {
      if (auto v = spec.find(key); v != spec.end()) {
        if (!v->is_string()) throw std::invalid_argument(where + "." + key + ": expected a string");
        out = v->get<std::string>();
      }
    };
    auto list = [&](const char* key, std::vector<std::string>& out) {
      if (auto v = spec.find(key); v != spec.end()) {
        if (!v->is_array())
          throw std::invalid_argument(where + "." + key + ": expected an array of strings");
        out.clear();
        for (auto& e : *v) {
          if (!e.is_string())
            throw std::invalid_argument(where + "." + key + ": expected an array of strings");
          out.push_back(e.get<std::string>());
        }
      }
    };
    str("description", r.description);
    str("system", r.system);
    list("tools", r.tools);
    list("backends", r.backends);
    if (auto v = spec.find("temperature"); v != spec.end()) {
      if (!v->is_number()) throw std::invalid_argument(where + ".temperature: expected a number");
      r.temperature = v->get<double>();
    }
    if (r.system.empty())
      throw std::invalid_argument(where + ".system: a new role needs a system prompt");
    roles_[name] = std::move(r);
  }
}

const Role* RoleSet::find(const std::string& name) const {
  auto it = roles_.find(name);
  return it == roles_.end() ? nullptr : &it->second;
}

std::vector<std::string> RoleSet::names() const {
  std::vector<std::string> out;
  for (auto& [n, r] : roles_) out.push_back(n);
  return out;
}

}  // namespace sb::agents
