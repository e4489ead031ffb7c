#include "agents/WorkflowRunner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "agents/AgentLoop.h"
#include "agents/EditApplier.h"
#include "agents/Sha256.h"
#include "analysis/FileText.h"

namespace sb::agents {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* toString(ApplyMode mode) {
  switch (mode) {
    case ApplyMode::None:
      return "none";
    case ApplyMode::Write:
      return "write";
    case ApplyMode::Client:
      return "client";
  }
  return "none";
}

std::optional<ApplyMode> applyModeFromString(const std::string& s) {
  if (s == "none") return ApplyMode::None;
  if (s == "write") return ApplyMode::Write;
  if (s == "client") return ApplyMode::Client;
  return std::nullopt;
}

// One workflow running in this process.
struct WorkflowRunner::Run {
  std::string id;
  WorkflowRecord record;  // steps' states live here, under mu
  ApplyMode mode = ApplyMode::None;
  ClientApplier applier;
  std::shared_ptr<LlmRouter> router;
  std::shared_ptr<const RoleSet> roles;
  WorkflowLimits limits;
  // What any step of the workflow saw of each file (the latest read, or the
  // workflow's own write), kept in the store: a step that did not read a
  // file itself still may not overwrite changes made on disk since.
  ReadLedger seen;
  CancelSource cancel;
  std::mutex mu;
  std::condition_variable changed;
  std::map<std::size_t, std::thread> threads;  // running steps
  std::vector<std::size_t> finishedThreads;    // to join
  bool done = false;
  bool finishing = false;  // guarded by shared_->mu: the outcome is decided, nothing to stop
  std::thread driver;
};

// An edit a step proposed; refusal: why the propose_edit call was refused.
struct WorkflowRunner::Proposal {
  ProposedEdit edit;
  std::string refusal;
};

struct WorkflowRunner::Shared {
  mutable std::mutex mu;
  std::condition_variable finished;
  std::map<std::string, std::shared_ptr<Run>> runs;
  std::map<int, std::function<void(const WorkflowEvent&)>> listeners;
  int nextListener = 1;
  std::vector<std::thread> finishedDrivers;  // joined at the next launch or on destruction
};

WorkflowRunner::WorkflowRunner(Deps deps, WorkflowOptions options)
    : deps_(std::move(deps)), options_(options), shared_(std::make_shared<Shared>()) {
  int n = deps_.store->markInterrupted();
  if (n > 0)
    spdlog::info(
        "workflows: {} interrupted by an earlier exit; `switchboard workflow resume ID` continues "
        "them",
        n);
}

WorkflowRunner::~WorkflowRunner() {
  std::vector<std::thread> drivers;
  {
    std::lock_guard lock(shared_->mu);
    for (auto& [id, r] : shared_->runs) {
      r->cancel.cancel();
      r->changed.notify_all();
      drivers.push_back(std::move(r->driver));
    }
    for (auto& t : shared_->finishedDrivers) drivers.push_back(std::move(t));
    shared_->finishedDrivers.clear();
  }
  for (auto& t : drivers)
    if (t.joinable()) t.join();
}

int WorkflowRunner::subscribe(std::function<void(const WorkflowEvent&)> listener) {
  std::lock_guard lock(shared_->mu);
  int token = shared_->nextListener++;
  shared_->listeners[token] = std::move(listener);
  return token;
}

void WorkflowRunner::unsubscribe(int token) {
  std::lock_guard lock(shared_->mu);
  shared_->listeners.erase(token);
}

void WorkflowRunner::emit(const WorkflowEvent& e) {
  std::vector<std::function<void(const WorkflowEvent&)>> listeners;
  {
    std::lock_guard lock(shared_->mu);
    for (auto& [t, l] : shared_->listeners) listeners.push_back(l);
  }
  for (auto& l : listeners) l(e);
}

std::string WorkflowRunner::start(const WorkflowTemplate& t, const std::string& task,
                                  ApplyMode mode, ClientApplier applier, Models models) {
  auto router = models.router ? models.router : deps_.router;
  if (!router || !router->configured())
    throw std::invalid_argument(LlmRouter::notConfiguredMessage());
  const RoleSet& roles = models.roles ? *models.roles : *deps_.roles;
  for (auto& s : t.steps)
    if (!roles.find(s.role))
      throw std::invalid_argument("step '" + s.id + "' uses role '" + s.role +
                                  "', which is not defined");
  std::string id = deps_.store->create(t, task, toString(mode));
  launch(id, std::move(applier), std::move(models));
  return id;
}

void WorkflowRunner::resume(const std::string& id, ClientApplier applier, Models models) {
  auto rec = deps_.store->load(id);
  if (!rec) throw std::invalid_argument("no workflow with id " + id);
  {
    std::lock_guard lock(shared_->mu);
    if (shared_->runs.count(id))
      throw std::invalid_argument("workflow " + id + " is already running");
  }
  deps_.store->markInterrupted();
  rec = deps_.store->load(id);
  if (rec->state == "running")
    throw std::invalid_argument("workflow " + id + " is running in another process");
  if (rec->state == "completed")
    throw std::invalid_argument("workflow " + id + " has already completed");
  auto router = models.router ? models.router : deps_.router;
  if (!router || !router->configured())
    throw std::invalid_argument(LlmRouter::notConfiguredMessage());
  const RoleSet& roles = models.roles ? *models.roles : *deps_.roles;
  for (auto& s : rec->steps)
    if (!roles.find(s.role))
      throw std::invalid_argument("step '" + s.id + "' uses role '" + s.role +
                                  "', which is not defined");
  deps_.store->resetUnfinishedSteps(id);
  launch(id, std::move(applier), std::move(models));
}

void WorkflowRunner::launch(const std::string& id, ClientApplier applier, Models models) {
  auto run = std::make_shared<Run>();
  run->router = models.router ? models.router : deps_.router;
  run->roles = models.roles ? models.roles : deps_.roles;
  run->limits = run->roles->workflowLimits();
  run->id = id;
  run->record = *deps_.store->load(id);
  for (auto& [path, hash] : deps_.store->reads(id)) run->seen.recordHash(path, hash);
  run->mode = applyModeFromString(run->record.applyMode).value_or(ApplyMode::None);
  run->applier = std::move(applier);
  if (run->mode == ApplyMode::Client && !run->applier)
    run->mode = ApplyMode::None;  // no client to show them to
  deps_.store->claim(id, static_cast<int>(getpid()));
  deps_.store->setState(id, "running");
  std::vector<std::thread> finished;
  {
    std::lock_guard lock(shared_->mu);
    finished.swap(shared_->finishedDrivers);
    shared_->runs[id] = run;
    run->driver =
        std::thread([this, run] { drive(run); });  // under the lock: the driver moves it when done
  }
  for (auto& t : finished)
    if (t.joinable()) t.join();  // each has at most a notify left to run
}

bool WorkflowRunner::cancel(const std::string& id) {
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(shared_->mu);
    if (auto it = shared_->runs.find(id); it != shared_->runs.end()) {
      // A run that has finished but is not yet removed has nothing to stop.
      if (it->second->finishing) return false;
      run = it->second;
    }
  }
  if (run) {
    run->cancel.cancel();
    run->changed.notify_all();
    return true;
  }
  auto rec = deps_.store->load(id);
  if (!rec || rec->state != "running") return false;
  deps_.store->requestCancel(id);
  return true;
}

bool WorkflowRunner::wait(const std::string& id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(shared_->mu);
  return shared_->finished.wait_for(lock, timeout, [&] {
    auto it = shared_->runs.find(id);
    return it == shared_->runs.end() || it->second->done;
  });
}

std::vector<std::string> WorkflowRunner::running() const {
  std::lock_guard lock(shared_->mu);
  std::vector<std::string> out;
  for (auto& [id, r] : shared_->runs)
    if (!r->done) out.push_back(id);
  return out;
}

namespace {

int countDone(const WorkflowRecord& r) {
  int n = 0;
  for (auto& s : r.steps)
    n += s.state == "completed" || s.state == "failed" || s.state == "cancelled";
  return n;
}

}  // namespace

int WorkflowRunner::stepsDone(Run& run) {
  std::lock_guard lock(run.mu);
  return countDone(run.record);
}

void WorkflowRunner::noteSeen(Run& run, const std::string& relPath, const std::string& hash) {
  run.seen.recordHash(relPath, hash);
  try {
    deps_.store->recordRead(run.id, relPath, hash);
  } catch (const std::exception& e) {
    spdlog::warn("workflow {}: cannot store what was read: {}", run.id, e.what());
  }
}

void WorkflowRunner::drive(const std::shared_ptr<Run>& run) {
  auto& steps = run->record.steps;
  const int total = static_cast<int>(steps.size());
  emit({WorkflowEvent::Kind::Started,
        run->id,
        {},
        "running",
        "workflow " + run->id + " (" + run->record.templateName + "): " + std::to_string(total) +
            " steps",
        countDone(run->record),
        total});
  auto lastPoll = Clock::now();
  std::unique_lock lock(run->mu);
  for (;;) {
    for (auto i : run->finishedThreads) {
      run->threads[i].join();
      run->threads.erase(i);
    }
    run->finishedThreads.clear();
    bool cancelled = run->cancel.token().cancelled();
    // A failed or cancelled step takes its dependants down with it.
    for (auto& s : steps) {
      if (s.state != "pending") continue;
      for (auto& d : s.dependsOn) {
        auto dep = std::find_if(steps.begin(), steps.end(), [&](auto& x) { return x.id == d; });
        if (dep != steps.end() && (dep->state == "failed" || dep->state == "cancelled")) {
          s.state = dep->state == "failed" ? "failed" : "cancelled";
          s.error = "dependency '" + d + "' " + dep->state +
                    (dep->error.empty() ? "" : ": " + dep->error);
          deps_.store->stepFinished(run->id, s);
          emit({WorkflowEvent::Kind::StepFinished, run->id, s.id, s.state, s.id + ": " + s.error,
                countDone(run->record), total});
          break;
        }
      }
    }
    if (cancelled) {
      for (auto& s : steps)
        if (s.state == "pending") {
          s.state = "cancelled";
          s.error = "workflow cancelled";
          deps_.store->stepFinished(run->id, s);
        }
    } else {
      for (std::size_t i = 0;
           i < steps.size() && static_cast<int>(run->threads.size()) < run->limits.maxParallel;
           ++i) {
        auto& s = steps[i];
        if (s.state != "pending") continue;
        bool ready = std::all_of(s.dependsOn.begin(), s.dependsOn.end(), [&](const std::string& d) {
          auto dep = std::find_if(steps.begin(), steps.end(), [&](auto& x) { return x.id == d; });
          return dep != steps.end() && dep->state == "completed";
        });
        if (!ready) continue;
        s.state = "running";
        run->threads[i] = std::thread([this, run, i] { runStep(run, i); });
      }
    }
    if (run->threads.empty()) break;
    run->changed.wait_for(lock, options_.pollInterval);
    if (Clock::now() - lastPoll >= options_.pollInterval) {
      lastPoll = Clock::now();
      lock.unlock();
      try {
        deps_.store->heartbeat(run->id);
        if (deps_.store->cancelRequested(run->id)) run->cancel.cancel();
      } catch (const std::exception& e) {
        spdlog::warn("workflow {}: store: {}", run->id, e.what());
      }
      lock.lock();
    }
  }
  std::string state = "completed", error;
  for (auto& s : steps) {
    if (s.state == "failed" && state != "cancelled") {
      state = "failed";
      if (error.empty()) error = "step '" + s.id + "' failed: " + s.error;
    }
    if (s.state == "cancelled") state = "cancelled";
  }
  if (run->cancel.token().cancelled() && state == "completed") state = "cancelled";
  lock.unlock();
  {
    std::lock_guard g(shared_->mu);
    run->finishing = true;
  }
  deps_.store->setState(run->id, state, error);
  emit({WorkflowEvent::Kind::Finished,
        run->id,
        {},
        state,
        "workflow " + run->id + " " + state + (error.empty() ? "" : ": " + error),
        countDone(run->record),
        total});
  {
    std::lock_guard g(shared_->mu);
    run->done = true;
    shared_->finishedDrivers.push_back(
        std::move(run->driver));  // this thread; empty if the destructor took it
    shared_->runs.erase(run->id);
  }
  shared_->finished.notify_all();
}

namespace {

const char* kindName(ProposedEdit::Kind k) {
  switch (k) {
    case ProposedEdit::Kind::WholeFile:
      return "file";
    case ProposedEdit::Kind::Diff:
      return "diff";
    case ProposedEdit::Kind::Delete:
      return "delete";
  }
  return "file";
}

ToolSpec proposeEditSpec() {
  return {
      "propose_edit",
      "Propose a change to one file of the workspace: either its complete new content, or a "
      "unified diff of it. "
      "Paths are relative to the workspace root. The edit is checked and shown to the user; it is "
      "not applied "
      "silently.",
      {{"type", "object"},
       {"properties",
        {{"path", {{"type", "string"}, {"description", "workspace-relative path of the file"}}},
         {"content", {{"type", "string"}, {"description", "the complete new content of the file"}}},
         {"diff",
          {{"type", "string"}, {"description", "a unified diff of this file, instead of content"}}},
         {"description",
          {{"type", "string"}, {"description", "one line saying what the change does"}}}}},
       {"required", {"path"}}}};
}

}  // namespace

void WorkflowRunner::runStep(const std::shared_ptr<Run>& run, std::size_t index) {
  StepRecord step;
  std::string context;
  {
    std::lock_guard lock(run->mu);
    step = run->record.steps[index];
    for (auto& d : step.dependsOn)
      for (auto& s : run->record.steps)
        if (s.id == d)
          context += "\n\n## Output of step '" + s.id + "' (" + s.role + ")\n\n" + s.output;
  }
  std::string task = step.task;
  if (!context.empty()) task += "\n\n# Results of the steps this one depends on" + context;
  {
    std::vector<std::string> lines;
    auto current = deps_.store->load(run->id);
    for (auto& e : current ? current->edits : std::vector<EditRecord>{})
      if (std::find(step.dependsOn.begin(), step.dependsOn.end(), e.stepId) != step.dependsOn.end())
        lines.push_back("- " + e.path + " (" + e.kind + ", " + e.state +
                        (e.reason.empty() ? "" : ": " + e.reason) + ")");
    if (!lines.empty()) {
      task += "\n\n# Edits proposed by those steps\n";
      for (auto& l : lines) task += l + "\n";
    }
  }
  const Role* role = run->roles->find(step.role);

  // The step's tools: the shared ones, noting which files the model saw
  // (so edits over later changes are refused), plus propose_edit.
  std::vector<Proposal> proposed;
  std::mutex proposedMu;
  // What this step's model has seen: a parallel step's edit to the same file
  // makes this step's edit of it stale. Files it did not read are checked
  // against what the workflow's other steps saw (run->seen).
  auto ledger = std::make_shared<ReadLedger>();
  ToolBox box;
  for (auto& name : deps_.tools->names()) {
    AgentTool t = *deps_.tools->find(name);
    auto inner = t.run;
    t.run = [this, run, ledger, inner](const json& args, const CancelToken& cancel) {
      ToolOutput out = inner(args, cancel);
      if (!out.isError && args.contains("path") && args["path"].is_string()) {
        std::string rel = args["path"].get<std::string>();
        if (auto norm = normaliseRelativePath(rel)) {
          if (auto text = readFileText((std::filesystem::path(deps_.root) / *norm).string())) {
            std::string hash = sha256Hex(*text);
            if (!ledger->hashOf(*norm)) ledger->recordHash(*norm, hash);
            noteSeen(*run, *norm, hash);
          }
        }
      }
      return out;
    };
    box.add(std::move(t));
  }
  box.add({proposeEditSpec(),
           [this, run, ledger, &proposed, &proposedMu](const json& args,
                                                       const CancelToken&) -> ToolOutput {
             ProposedEdit e;
             e.path = args.value("path", "");
             if (args.contains("diff") && args["diff"].is_string()) {
               e.kind = ProposedEdit::Kind::Diff;
               e.content = args["diff"].get<std::string>();
             } else if (args.contains("content") && args["content"].is_string()) {
               e.content = args["content"].get<std::string>();
               if (!e.content.empty() && e.content.back() != '\n') e.content += '\n';
             } else {
               return {"propose_edit needs either 'content' (the whole new file) or 'diff'", true};
             }
             ReadLedger view;
             view.mergeFrom(run->seen);
             view.mergeFrom(*ledger);
             auto plan = planEdit(deps_.root, e, &view);
             std::lock_guard lock(proposedMu);
             if (auto* r = std::get_if<RejectedEdit>(&plan)) {
               // Recorded as a rejected edit too, so `workflow show` lists it.
               proposed.push_back({std::move(e), r->reason});
               return {"edit refused: " + r->reason, true};
             }
             proposed.push_back({std::move(e), {}});
             return {"edit to " + std::get<PlannedEdit>(plan).relPath +
                         " recorded; it will be checked and shown to the user",
                     false};
           }});

  const int total = static_cast<int>(run->record.steps.size());
  AgentResult result;
  for (int attempt = 1;; ++attempt) {
    deps_.store->stepStarted(run->id, step.id);
    emit({WorkflowEvent::Kind::StepStarted, run->id, step.id, "running",
          step.id + ": " + step.role +
              (attempt > 1 ? " (attempt " + std::to_string(attempt) + ")" : ""),
          stepsDone(*run), total});
    AgentObserver observer;
    observer.message = [this, run, &step](const Message& m) {
      try {
        deps_.store->addMessage(run->id, step.id, m);
      } catch (const std::exception& e) {
        spdlog::warn("workflow {}: cannot store a message: {}", run->id, e.what());
      }
    };
    observer.toolCall = [this, run, &step, total](const ToolCall& c, const ToolOutput& out,
                                                  std::chrono::milliseconds ms) {
      try {
        deps_.store->addToolCall(run->id,
                                 {step.id, c.name, c.arguments, out.text, out.isError, ms.count()});
      } catch (const std::exception& e) {
        spdlog::warn("workflow {}: cannot store a tool call: {}", run->id, e.what());
      }
      emit({WorkflowEvent::Kind::ToolCalled, run->id, step.id, out.isError ? "error" : "ok",
            step.id + ": " + c.name + (out.isError ? " failed" : ""), stepsDone(*run), total});
    };
    {
      std::lock_guard lock(proposedMu);
      proposed.clear();
    }
    result = runAgent(*run->router, box, *role, run->roles->limits(), task, observer,
                      run->cancel.token());
    if (result.status != AgentResult::Status::Failed || !result.retryable ||
        attempt > run->limits.stepRetries || run->cancel.token().cancelled())
      break;
    auto delay = run->limits.retryBaseDelay * (1 << (attempt - 1));
    spdlog::info("workflow {}: step {} failed ({}); retrying in {} ms", run->id, step.id,
                 result.error, delay.count());
    auto until = Clock::now() + delay;
    while (Clock::now() < until && !run->cancel.token().cancelled())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (run->cancel.token().cancelled()) {
      result.status = AgentResult::Status::Cancelled;
      result.error = "cancelled";
      break;
    }
  }

  step.output = result.output;
  step.error = result.error;
  step.promptTokens = result.promptTokens;
  step.completionTokens = result.completionTokens;
  step.turns = result.turns;
  step.backend = result.backend;
  step.model = result.model;
  switch (result.status) {
    case AgentResult::Status::Completed:
      step.state = "completed";
      break;
    case AgentResult::Status::LimitReached:
      step.state = result.output.empty() ? "failed" : "completed";
      break;
    case AgentResult::Status::Cancelled:
      step.state = "cancelled";
      break;
    case AgentResult::Status::Failed:
      step.state = "failed";
      break;
  }
  // Only roles that may edit produce edits: a planner's or reviewer's code
  // blocks are illustrations.
  bool edits = std::any_of(role->tools.begin(), role->tools.end(),
                           [](const std::string& t) { return t == "propose_edit" || t == "*"; });
  if (step.state == "completed" && edits)
    handleEdits(run, step.id, step.output, std::move(proposed), *ledger);
  deps_.store->stepFinished(run->id, step);
  int done = 0;
  {
    std::lock_guard lock(run->mu);
    auto& slot = run->record.steps[index];
    slot.state = step.state;
    slot.output = step.output;
    slot.error = step.error;
    slot.promptTokens = step.promptTokens;
    slot.completionTokens = step.completionTokens;
    slot.turns = step.turns;
    run->finishedThreads.push_back(index);
    done = countDone(run->record);
  }
  emit({WorkflowEvent::Kind::StepFinished, run->id, step.id, step.state,
        step.id + ": " + step.state + (step.error.empty() ? "" : " (" + step.error + ")"), done,
        total});
  run->changed.notify_all();
}

void WorkflowRunner::handleEdits(const std::shared_ptr<Run>& run, const std::string& stepId,
                                 const std::string& output, std::vector<Proposal> edits,
                                 ReadLedger& ledger) {
  // Code blocks in the answer count too, unless a tool call already proposed the file.
  for (auto& e : parseProposedEdits(output)) {
    bool covered = std::any_of(edits.begin(), edits.end(),
                               [&](auto& x) { return x.refusal.empty() && x.edit.path == e.path; });
    if (!covered) edits.push_back({std::move(e), {}});
  }
  // A run of this step that was interrupted (the process died before the
  // step finished) may have recorded the same edits already: each is
  // handled once, so a resume neither lists nor applies it twice.
  std::vector<EditRecord> earlier;
  if (auto current = deps_.store->load(run->id))
    for (auto& r : current->edits)
      if (r.stepId == stepId) earlier.push_back(r);
  std::vector<bool> matched(earlier.size(), false);

  const int total = static_cast<int>(run->record.steps.size());
  for (auto& [e, refusal] : edits) {
    std::int64_t recordId = 0;
    for (std::size_t i = 0; i < earlier.size() && !recordId; ++i)
      if (!matched[i] && earlier[i].path == e.path && earlier[i].kind == kindName(e.kind) &&
          earlier[i].content == e.content) {
        matched[i] = true;
        recordId = earlier[i].id;
        if (earlier[i].state != "proposed" || run->mode == ApplyMode::None)
          recordId = -1;  // already settled
      }
    if (recordId < 0) continue;
    if (recordId == 0)
      recordId = deps_.store->addEdit(
          run->id, EditRecord{0, stepId, e.path, kindName(e.kind), e.content, "proposed", {}});
    // The same checks in every mode: a proposal that could not be applied
    // is listed as rejected, with the reason, never as "proposed".
    std::string state = "rejected", reason = refusal;
    if (reason.empty()) {
      ReadLedger view;
      view.mergeFrom(run->seen);
      view.mergeFrom(ledger);
      auto plan = planEdit(deps_.root, e, &view);
      if (auto* r = std::get_if<RejectedEdit>(&plan)) {
        reason = r->reason;
      } else if (run->mode == ApplyMode::None) {
        state = "proposed";
      } else {
        auto& p = std::get<PlannedEdit>(plan);
        std::optional<std::string> err =
            run->mode == ApplyMode::Write
                ? applyPlannedEdit(deps_.root, p)
                : run->applier(p, "switchboard " + run->id + ": " + stepId);
        if (err) {
          reason = *err;
        } else {
          state = "applied";
          // The step's next edit of it builds on this; later steps on what
          // is on disk now (an editor applying it may not have saved yet).
          ledger.record(p.relPath, p.newText);
          if (auto now = readFileText(p.absPath)) noteSeen(*run, p.relPath, sha256Hex(*now));
        }
      }
    }
    if (state != "proposed") deps_.store->setEditState(recordId, state, reason);
    emit({WorkflowEvent::Kind::Edit, run->id, stepId, state,
          stepId + ": " + e.path + " " + state + (reason.empty() ? "" : " (" + reason + ")"),
          stepsDone(*run), total});
  }
}

}  // namespace sb::agents
