// A workspace in a temporary folder, a fake backend that answers each role
// from a script, and a runner over both, for the workflow tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "FakeBackend.h"
#include "Harness.h"
#include "agents/WorkflowRunner.h"

namespace sb::agents::test {

namespace fs = std::filesystem;

class TempWorkspace {
 public:
  TempWorkspace() {
    std::string pattern = (fs::temp_directory_path() / "sb-wf-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = fs::canonical(pattern);
    fs::create_directories(dir_ / "ws");
  }
  ~TempWorkspace() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string root() const { return (dir_ / "ws").string(); }
  std::string outside() const { return dir_.string(); }  // the folder holding the workspace
  std::string db() const { return (dir_ / "workflows.sqlite").string(); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir_ / "ws" / rel).parent_path());
    std::ofstream(dir_ / "ws" / rel, std::ios::binary) << text;
  }
  std::string read(const std::string& rel) const {
    std::ifstream in(dir_ / "ws" / rel, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bool exists(const std::string& rel) const { return fs::exists(dir_ / "ws" / rel); }

 private:
  fs::path dir_;
};

// The role a request is for, from its system prompt.
inline std::string roleOf(const fake::RecordedRequest& req) {
  auto body = req.json();
  std::string system =
      body.is_object() && body.contains("messages") ? body["messages"][0].value("content", "") : "";
  for (const char* role :
       {"planner", "developer", "code reviewer", "test engineer", "technical writer"})
    if (system.find(std::string("You are the ") + role) != std::string::npos)
      return role == std::string("code reviewer") ? "reviewer" : role;
  return "?";
}

// True if the request already carries a tool result (the model's second turn).
inline bool hasToolResult(const fake::RecordedRequest& req) {
  auto body = req.json();
  if (!body.is_object() || !body.contains("messages")) return false;
  for (auto& m : body["messages"])
    if (m.value("role", "") == "tool") return true;
  return false;
}

// A read_file tool over the workspace (the real one comes from the MCP catalog).
inline std::shared_ptr<ToolBox> readFileTools(const std::string& root) {
  auto box = std::make_shared<ToolBox>();
  box->add({{"read_file",
             "Read a file",
             {{"type", "object"}, {"properties", {{"path", {{"type", "string"}}}}}}},
            [root](const nlohmann::json& args, const CancelToken&) -> ToolOutput {
              std::ifstream in(fs::path(root) / args.value("path", ""));
              if (!in) return {"no such file", true};
              std::stringstream ss;
              ss << in.rdbuf();
              return {ss.str(), false};
            }});
  return box;
}

struct WorkflowRig {
  TempWorkspace ws;
  fake::FakeBackend server;
  std::shared_ptr<WorkflowStore> store = std::make_shared<WorkflowStore>(ws.db());
  std::shared_ptr<LlmRouter> router;
  std::shared_ptr<RoleSet> roles = std::make_shared<RoleSet>();
  std::unique_ptr<WorkflowRunner> runner;

  explicit WorkflowRig(WorkflowOptions options = fastOptions(), int routerRetries = 0) {
    roles->configure(fastRetries());
    auto cfg = backend("fake", Provider::OpenAi, server.url() + "/v1");
    cfg.maxRetries = routerRetries;
    cfg.breakerThreshold = 1000;
    router = std::make_shared<LlmRouter>(std::vector<BackendConfig>{cfg});
    runner = std::make_unique<WorkflowRunner>(
        WorkflowRunner::Deps{ws.root(), store, router, readFileTools(ws.root()), roles}, options);
  }
  static WorkflowOptions fastOptions() {
    WorkflowOptions o;
    o.pollInterval = std::chrono::milliseconds(20);
    return o;
  }
  static nlohmann::json fastRetries() { return {{"workflows", {{"retryBaseDelayMs", 20}}}}; }
  WorkflowRecord finish(const std::string& id,
                        std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    if (!runner->wait(id, timeout)) throw std::runtime_error("workflow did not finish");
    return *store->load(id);
  }
  const StepRecord& step(const WorkflowRecord& w, const std::string& id) {
    for (auto& s : w.steps)
      if (s.id == id) return s;
    throw std::runtime_error("no step " + id);
  }
};

inline WorkflowTemplate templateNamed(const std::string& name) {
  for (auto& t : loadWorkflowTemplates({}))
    if (t.name == name) return t;
  throw std::runtime_error("no template " + name);
}

}  // namespace sb::agents::test
