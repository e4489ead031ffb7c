// Workflows in SQLite: each workflow's definition and task, its steps with
// their state, outputs, timings and token counts, every message and tool
// call, and the edits proposed. Every change is committed as it happens, so
// a workflow survives a kill -9 of the process running it; `resume` picks up
// from the completed steps. Several processes may share the file (WAL): a
// CLI can cancel a workflow the daemon runs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "agents/Llm.h"
#include "agents/WorkflowTemplate.h"

namespace sb::sql {
class Database;
}

namespace sb::agents {

// Workflow states: pending, running, completed, failed, cancelled, interrupted
// (its process died). Step states: pending, running, completed, failed, cancelled.
struct StepRecord {
  std::string id, role, task;
  std::vector<std::string> dependsOn;
  std::string state = "pending", output, error;
  int attempts = 0;
  std::int64_t startedMs = 0, finishedMs = 0;
  int promptTokens = 0, completionTokens = 0, turns = 0;
  std::string backend, model;
};

struct EditRecord {
  std::int64_t id = 0;
  std::string stepId, path;
  std::string kind;     // "file" (whole content) or "diff"
  std::string content;  // the new content or the diff
  std::string state;    // proposed, applied, rejected
  std::string reason;   // why it was rejected
};

struct ToolCallRecord {
  std::string stepId, name;
  nlohmann::json arguments;
  std::string output;
  bool isError = false;
  std::int64_t ms = 0;
};

struct WorkflowRecord {
  std::string id, templateName, task, state, error;
  std::string applyMode;  // "none", "write" or "client"
  std::int64_t createdMs = 0, updatedMs = 0, heartbeatMs = 0;
  int ownerPid = 0;
  bool cancelRequested = false;
  WorkflowTemplate definition;
  std::vector<StepRecord> steps;  // in the definition's order
  std::vector<EditRecord> edits;
  nlohmann::json toJson(bool withOutputs = true) const;
};

class WorkflowStore {
 public:
  // Opens or creates the file; throws sql::SqliteError / std::runtime_error.
  explicit WorkflowStore(const std::string& path);
  ~WorkflowStore();
  WorkflowStore(const WorkflowStore&) = delete;
  WorkflowStore& operator=(const WorkflowStore&) = delete;

  // $XDG_STATE_HOME/switchboard/workflows/<name>-<hash>.sqlite for a workspace.
  static std::string defaultPath(const std::string& workspaceRoot);

  std::string create(const WorkflowTemplate& t, const std::string& task,
                     const std::string& applyMode);
  std::optional<WorkflowRecord> load(const std::string& id);
  std::vector<WorkflowRecord> list(int limit = 50);  // newest first, steps included, edits not
  std::vector<ToolCallRecord> toolCalls(const std::string& id);
  std::vector<Message> messages(const std::string& id, const std::string& stepId);

  void setState(const std::string& id, const std::string& state, const std::string& error = {});
  void claim(const std::string& id, int pid);  // this process runs it now
  void heartbeat(const std::string& id);
  void requestCancel(const std::string& id);
  bool cancelRequested(const std::string& id);

  void stepStarted(const std::string& id, const std::string& step);
  void stepFinished(const std::string& id, const StepRecord& step);
  // Steps not completed go back to pending (resume).
  void resetUnfinishedSteps(const std::string& id);
  void addMessage(const std::string& id, const std::string& step, const Message& m);
  void addToolCall(const std::string& id, const ToolCallRecord& call);
  std::int64_t addEdit(const std::string& id, const EditRecord& edit);
  void setEditState(std::int64_t editId, const std::string& state, const std::string& reason = {});
  // What the workflow's steps have seen of each file (content hash by
  // workspace-relative path), so a later step, or the same workflow after a
  // resume, does not overwrite changes made on disk since.
  void recordRead(const std::string& id, const std::string& path, const std::string& hash);
  std::map<std::string, std::string> reads(const std::string& id);

  // Workflows marked running whose process is gone become interrupted.
  int markInterrupted();

 private:
  std::mutex mu_;
  std::unique_ptr<sql::Database> db_;
};

}  // namespace sb::agents
