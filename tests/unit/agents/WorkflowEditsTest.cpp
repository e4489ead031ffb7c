// What becomes of the edits a workflow's steps propose: the same path checks
// in every apply mode (a proposal that could not be applied is listed as
// rejected, with the reason), refused propose_edit calls kept as rejected
// edits, the workflow-wide read ledger (also after a resume), resume not
// repeating an interrupted step's edits, unified diffs, and a role from the
// configuration inside a workflow.
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "WorkflowHarness.h"
#include "agents/Sha256.h"

using namespace sb::agents;
using namespace sb::agents::test;
using nlohmann::json;
using sb::fake::FakeToolCall;
using sb::fake::RecordedRequest;
using sb::fake::Reply;

namespace {

WorkflowTemplate oneStep(const std::string& role = "developer") {
  return WorkflowTemplate::fromJson(
      json{{"name", "one"}, {"steps", {{{"id", "dev"}, {"role", role}, {"task", "{{task}}"}}}}});
}

// plan (planner) -> implement (developer).
WorkflowTemplate planThenImplement() {
  return WorkflowTemplate::fromJson(
      json{{"name", "two"},
           {"steps",
            {{{"id", "plan"}, {"role", "planner"}, {"task", "{{task}}"}},
             {{"id", "implement"},
              {"role", "developer"},
              {"task", "{{task}}"},
              {"depends_on", {"plan"}}}}}});
}

int toolResults(const RecordedRequest& req) {
  int n = 0;
  json body = req.json();
  for (auto& m : body["messages"]) n += m.value("role", "") == "tool";
  return n;
}

const EditRecord* editOf(const WorkflowRecord& w, const std::string& path) {
  for (auto& e : w.edits)
    if (e.path == path) return &e;
  return nullptr;
}

struct EventLog {
  std::mutex mu;
  std::vector<WorkflowEvent> events;
  void add(const WorkflowEvent& e) {
    std::lock_guard lock(mu);
    events.push_back(e);
  }
  std::vector<WorkflowEvent> of(WorkflowEvent::Kind kind) {
    std::lock_guard lock(mu);
    std::vector<WorkflowEvent> out;
    for (auto& e : events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }
};

TEST(WorkflowEdits, ProposeOnlyModeListsUnsafeProposalsAsRejectedWithTheReason) {
  WorkflowRig rig;
  std::filesystem::create_directory_symlink(rig.ws.outside(),
                                            std::filesystem::path(rig.ws.root()) / "link");
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    if (toolResults(req) == 0)  // the same escapes through the tool
      return sb::fake::toolCallReply(
          req, {FakeToolCall{"propose_edit", {{"path", "../t.py"}, {"content", "t = 1\n"}}},
                FakeToolCall{"propose_edit", {{"path", "/etc/t.py"}, {"content", "t = 1\n"}}},
                FakeToolCall{"propose_edit", {{"path", "link/t.py"}, {"content", "t = 1\n"}}}});
    return sb::fake::autoReply(req,
                               "```python:../x.py\nx = 1\n```\n\n"
                               "```python:/etc/x.py\nx = 1\n```\n\n"
                               "```python:link/x.py\nx = 1\n```\n\n"
                               "```python:ok.py\ny = 1\n```\n");
  });
  EventLog log;
  rig.runner->subscribe([&](const WorkflowEvent& e) { log.add(e); });
  WorkflowRecord w = rig.finish(rig.runner->start(oneStep(), "x", ApplyMode::None));
  ASSERT_EQ(w.state, "completed") << w.error;

  ASSERT_EQ(w.edits.size(), 7u);
  for (const char* path :
       {"../t.py", "/etc/t.py", "link/t.py", "../x.py", "/etc/x.py", "link/x.py"}) {
    const EditRecord* e = editOf(w, path);
    ASSERT_NE(e, nullptr) << path;
    EXPECT_EQ(e->state, "rejected") << path;
    EXPECT_FALSE(e->reason.empty()) << path;
  }
  EXPECT_NE(editOf(w, "link/x.py")->reason.find("symlink"), std::string::npos)
      << editOf(w, "link/x.py")->reason;
  EXPECT_EQ(editOf(w, "ok.py")->state, "proposed");
  EXPECT_FALSE(rig.ws.exists("ok.py"));  // proposed only
  EXPECT_FALSE(std::filesystem::exists(rig.ws.outside() + "/x.py"));
  EXPECT_FALSE(std::filesystem::exists(rig.ws.outside() + "/t.py"));

  // Each refused call is an Edit event too, not only the tool's output.
  auto edits = log.of(WorkflowEvent::Kind::Edit);
  ASSERT_EQ(edits.size(), 7u);
  int rejected = 0;
  for (auto& e : edits) rejected += e.state == "rejected";
  EXPECT_EQ(rejected, 6);
  auto calls = rig.store->toolCalls(w.id);
  ASSERT_EQ(calls.size(), 3u);
  for (auto& c : calls) EXPECT_EQ(c.output.rfind("edit refused: ", 0), 0u) << c.output;
}

TEST(WorkflowEdits, AFileAnEarlierStepReadIsNotOverwrittenAfterItChangedOnDisk) {
  WorkflowRig rig;
  rig.ws.write("app.py", "a = 1\n");
  rig.server.setResponder([&](const RecordedRequest& req) -> std::optional<Reply> {
    if (roleOf(req) == "planner") {
      if (toolResults(req) == 0)
        return sb::fake::toolCallReply(req, {FakeToolCall{"read_file", {{"path", "app.py"}}}});
      return sb::fake::autoReply(req, "1. change a in app.py");
    }
    if (toolResults(req) == 0) {
      // The user edits the file between the plan and the implementation;
      // the developer writes from the plan without reading it again.
      rig.ws.write("app.py", "a = 1  # the user's change\n");
      return sb::fake::toolCallReply(
          req, {FakeToolCall{"propose_edit", {{"path", "app.py"}, {"content", "a = 2\n"}}}});
    }
    return sb::fake::autoReply(req, "done");
  });
  WorkflowRecord w = rig.finish(rig.runner->start(planThenImplement(), "x", ApplyMode::Write));
  EXPECT_EQ(rig.ws.read("app.py"), "a = 1  # the user's change\n");
  ASSERT_EQ(w.edits.size(), 1u);
  EXPECT_EQ(w.edits[0].state, "rejected");
  EXPECT_NE(w.edits[0].reason.find("changed"), std::string::npos) << w.edits[0].reason;
  // What the planner read is kept with the workflow.
  auto reads = rig.store->reads(w.id);
  ASSERT_EQ(reads.count("app.py"), 1u);
  EXPECT_EQ(reads["app.py"], sha256Hex("a = 1\n"));
}

TEST(WorkflowEdits, TheWorkflowsReadsStillCountAfterAResume) {
  WorkflowRig rig;
  rig.ws.write("app.py", "a = 1\n");
  // The plan step read app.py and completed; then the process died.
  std::string id = rig.store->create(planThenImplement(), "x", "write");
  rig.store->claim(id, 999999);
  rig.store->setState(id, "running");
  StepRecord plan;
  plan.id = "plan";
  plan.state = "completed";
  plan.output = "1. change a in app.py";
  rig.store->stepStarted(id, "plan");
  rig.store->recordRead(id, "app.py", sha256Hex("a = 1\n"));
  rig.store->stepFinished(id, plan);
  rig.ws.write("app.py", "a = 1  # changed while nothing ran\n");

  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    if (toolResults(req) == 0)
      return sb::fake::toolCallReply(
          req, {FakeToolCall{"propose_edit", {{"path", "app.py"}, {"content", "a = 2\n"}}}});
    return sb::fake::autoReply(req, "done");
  });
  WorkflowRunner restarted(
      {rig.ws.root(), rig.store, rig.router, readFileTools(rig.ws.root()), rig.roles},
      WorkflowRig::fastOptions());
  restarted.resume(id);
  ASSERT_TRUE(restarted.wait(id, std::chrono::seconds(20)));
  WorkflowRecord w = *rig.store->load(id);
  EXPECT_EQ(rig.ws.read("app.py"), "a = 1  # changed while nothing ran\n");
  ASSERT_EQ(w.edits.size(), 1u);
  EXPECT_EQ(w.edits[0].state, "rejected");
  EXPECT_NE(w.edits[0].reason.find("changed"), std::string::npos) << w.edits[0].reason;
}

TEST(WorkflowEdits, ResumeDoesNotRepeatTheEditsOfAnInterruptedStep) {
  WorkflowRig rig;
  // The step had written a.py and recorded b.py, not yet applied, when the process died.
  std::string id = rig.store->create(oneStep(), "x", "write");
  rig.store->claim(id, 999999);
  rig.store->setState(id, "running");
  rig.store->stepStarted(id, "dev");
  rig.store->addEdit(id, {0, "dev", "a.py", "file", "a = 1\n", "applied", {}});
  rig.ws.write("a.py", "a = 1\n");
  rig.store->addEdit(id, {0, "dev", "b.py", "file", "b = 1\n", "proposed", {}});

  // Run again, the step proposes the same two edits.
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    if (toolResults(req) == 0)
      return sb::fake::toolCallReply(
          req, {FakeToolCall{"propose_edit", {{"path", "a.py"}, {"content", "a = 1\n"}}},
                FakeToolCall{"propose_edit", {{"path", "b.py"}, {"content", "b = 1\n"}}}});
    return sb::fake::autoReply(req, "done");
  });
  WorkflowRunner restarted(
      {rig.ws.root(), rig.store, rig.router, readFileTools(rig.ws.root()), rig.roles},
      WorkflowRig::fastOptions());
  EventLog log;
  restarted.subscribe([&](const WorkflowEvent& e) { log.add(e); });
  restarted.resume(id);
  ASSERT_TRUE(restarted.wait(id, std::chrono::seconds(20)));
  WorkflowRecord w = *rig.store->load(id);
  EXPECT_EQ(w.state, "completed") << w.error;
  ASSERT_EQ(w.edits.size(), 2u);  // not four
  EXPECT_EQ(editOf(w, "a.py")->state, "applied");
  EXPECT_EQ(editOf(w, "b.py")->state, "applied");  // the one left pending is applied now
  EXPECT_EQ(rig.ws.read("b.py"), "b = 1\n");
  auto edits = log.of(WorkflowEvent::Kind::Edit);
  ASSERT_EQ(edits.size(), 1u);  // only b.py was handled again
  EXPECT_EQ(edits[0].message.find("dev: b.py applied"), 0u) << edits[0].message;
}

TEST(WorkflowEdits, UnifiedDiffsFromTheToolAndTheAnswerAreApplied) {
  WorkflowRig rig;
  rig.ws.write("app.py", "def main():\n    return 1\n");
  rig.ws.write("util.py", "X = 1\nY = 2\n");
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    if (toolResults(req) == 0)
      return sb::fake::toolCallReply(
          req, {FakeToolCall{"read_file", {{"path", "app.py"}}},
                FakeToolCall{"propose_edit",
                             {{"path", "app.py"},
                              {"diff",
                               "--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n def main():\n-    "
                               "return 1\n+    return 2\n"}}}});
    return sb::fake::autoReply(req,
                               "Done.\n\n```diff\n--- a/util.py\n+++ b/util.py\n@@ -1,2 +1,2 @@\n "
                               "X = 1\n-Y = 2\n+Y = 3\n```\n");
  });
  WorkflowRecord w = rig.finish(rig.runner->start(oneStep(), "x", ApplyMode::Write));
  ASSERT_EQ(w.state, "completed") << w.error;
  ASSERT_EQ(w.edits.size(), 2u);
  for (auto& e : w.edits) {
    EXPECT_EQ(e.kind, "diff") << e.path;
    EXPECT_EQ(e.state, "applied") << e.path << ": " << e.reason;
  }
  EXPECT_EQ(rig.ws.read("app.py"), "def main():\n    return 2\n");
  EXPECT_EQ(rig.ws.read("util.py"), "X = 1\nY = 3\n");
}

TEST(WorkflowEdits, ARoleFromTheConfigurationWorksInsideAWorkflow) {
  WorkflowRig rig;
  rig.roles->configure(json{{"roles",
                             {{"security",
                               {{"system", "You are the security auditor. Fix what you find."},
                                {"tools", {"read_file", "propose_edit"}},
                                {"temperature", 0.0}}}}}});
  rig.ws.write("db.py", "q = 'SELECT ' + name\n");
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    json body = req.json();
    std::string system = body["messages"][0].value("content", "");
    if (system.find("You are the security auditor") == std::string::npos)
      return sb::fake::errorReply(400, "not the configured role");
    if (toolResults(req) == 0)
      return sb::fake::toolCallReply(req, {FakeToolCall{"read_file", {{"path", "db.py"}}}});
    return sb::fake::autoReply(req,
                               "Parameterised.\n\n```python:db.py\nq = ('SELECT ?', name)\n```\n");
  });
  WorkflowRecord w = rig.finish(rig.runner->start(oneStep("security"), "audit", ApplyMode::Write));
  ASSERT_EQ(w.state, "completed") << w.error;
  EXPECT_EQ(w.steps[0].role, "security");
  EXPECT_EQ(w.steps[0].output.rfind("Parameterised.", 0), 0u);
  // Its tool list was what the configuration said.
  json first = rig.server.requests().front().json();  // kept: a temporary's member would dangle
  std::set<std::string> tools;
  for (auto& t : first["tools"]) tools.insert(t["function"]["name"]);
  EXPECT_EQ(tools, (std::set<std::string>{"read_file", "propose_edit"}));
  EXPECT_EQ(first["temperature"], 0.0);
  // It may edit: its code block was applied.
  ASSERT_EQ(w.edits.size(), 1u);
  EXPECT_EQ(w.edits[0].state, "applied") << w.edits[0].reason;
  EXPECT_EQ(rig.ws.read("db.py"), "q = ('SELECT ?', name)\n");
}

}  // namespace
