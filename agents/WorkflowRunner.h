// Runs workflows: a DAG of agent steps, independent ones in parallel up to a
// limit, each given its dependencies' outputs. Every state change goes to
// the WorkflowStore as it happens; edits the agents propose are checked
// (confined to the workspace, not over files changed since read) and then
// left as proposals, written atomically, or handed to the client, per the
// workflow's apply mode. Front ends (LSP, MCP, CLI) subscribe to events.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/AgentTools.h"
#include "agents/EditApplier.h"
#include "agents/LlmRouter.h"
#include "agents/Roles.h"
#include "agents/WorkflowStore.h"
#include "agents/WorkflowTemplate.h"

namespace sb::agents {

// Where proposed edits go: kept as proposals, written to disk by the daemon
// (CLI and MCP with an explicit flag), or sent to the client that started
// the workflow (LSP workspace/applyEdit, so the user sees them).
enum class ApplyMode { None, Write, Client };
const char* toString(ApplyMode mode);
std::optional<ApplyMode> applyModeFromString(const std::string& s);

// Asks the client to apply one planned file change (label: why, for its
// UI); an error message if it did not.
using ClientApplier =
    std::function<std::optional<std::string>(const PlannedEdit& edit, const std::string& label)>;

struct WorkflowEvent {
  enum class Kind {
    Started,
    StepStarted,
    ToolCalled,
    StepFinished,
    Edit,
    Finished
  } kind = Kind::Started;
  std::string workflowId, stepId;
  std::string
      state;  // of the step (StepStarted/StepFinished), edit (Edit) or workflow (Started/Finished)
  std::string message;  // one line for a log or a progress bar
  int stepsDone = 0, stepsTotal = 0;
};

// The runner's own timing. How steps are scheduled and retried
// (maxParallel, stepRetries, retryBaseDelay) comes with each run's RoleSet,
// from the "agents.workflows" settings of the client that started it.
struct WorkflowOptions {
  std::chrono::milliseconds pollInterval{200};  // cancel requests from other processes, heartbeat
};

class WorkflowRunner {
 public:
  struct Deps {
    std::string root;  // canonical workspace root
    std::shared_ptr<WorkflowStore> store;
    std::shared_ptr<LlmRouter> router;     // defaults; a start or resume may bring its own
    std::shared_ptr<const ToolBox> tools;  // the shared code tools; propose_edit is added per step
    std::shared_ptr<const RoleSet> roles;
  };
  // The models and roles one run uses (a client's own configuration); null
  // members fall back to the Deps.
  struct Models {
    std::shared_ptr<LlmRouter> router;
    std::shared_ptr<const RoleSet> roles;
  };
  WorkflowRunner(Deps deps, WorkflowOptions options = {});
  ~WorkflowRunner();  // cancels what runs here and waits for it
  WorkflowRunner(const WorkflowRunner&) = delete;
  WorkflowRunner& operator=(const WorkflowRunner&) = delete;

  // Creates the workflow and starts it in the background; returns its id.
  // Throws std::invalid_argument for a role that does not exist.
  std::string start(const WorkflowTemplate& t, const std::string& task, ApplyMode mode,
                    ClientApplier applier = {}, Models models = {});
  // Continues an interrupted, failed or cancelled workflow: completed steps
  // keep their outputs and are not run again. Throws std::invalid_argument
  // (unknown id, already running, already completed).
  void resume(const std::string& id, ClientApplier applier = {}, Models models = {});
  // Cancels a workflow running here at once, or asks the process running it
  // (through the store). False if there is no such running workflow.
  bool cancel(const std::string& id);
  // Waits until the workflow running here finishes; false on timeout.
  bool wait(const std::string& id, std::chrono::milliseconds timeout);
  std::vector<std::string> running() const;

  int subscribe(std::function<void(const WorkflowEvent&)> listener);
  void unsubscribe(int token);

  WorkflowStore& store() { return *deps_.store; }
  const Deps& deps() const { return deps_; }

 private:
  struct Run;
  void launch(const std::string& id, ClientApplier applier, Models models);
  void drive(const std::shared_ptr<Run>& run);
  void runStep(const std::shared_ptr<Run>& run, std::size_t index);
  struct Proposal;
  void handleEdits(const std::shared_ptr<Run>& run, const std::string& stepId,
                   const std::string& output, std::vector<Proposal> fromTools, ReadLedger& ledger);
  // Notes what a step saw of a file (or wrote to it) in the workflow's ledger and the store.
  void noteSeen(Run& run, const std::string& relPath, const std::string& hash);
  static int stepsDone(Run& run);
  void emit(const WorkflowEvent& e);

  Deps deps_;
  WorkflowOptions options_;
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace sb::agents
