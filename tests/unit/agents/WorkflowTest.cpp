// Workflows end to end against the scripted fake backend: the feature
// template's plan, edits and review; parallel steps; failure propagation;
// retries; cancellation; tool-loop limits; resume after a crash; and the
// refusal of edits that would leave the workspace or overwrite changes.
#include <gtest/gtest.h>

#include <thread>

#include "WorkflowHarness.h"

using namespace sb::agents;
using namespace sb::agents::test;
using nlohmann::json;
using sb::fake::FakeToolCall;
using sb::fake::RecordedRequest;
using sb::fake::Reply;

namespace {

// The feature workflow's happy path: the developer reads a file, then
// proposes an edit through the tool; the others answer in text.
std::optional<Reply> featureScript(const RecordedRequest& req) {
  std::string role = roleOf(req);
  if (role == "planner") return sb::fake::autoReply(req, "1. Add greet() to app.py\n2. Test it");
  if (role == "developer") {
    auto body = req.json();
    int toolResults = 0;
    for (auto& m : body["messages"]) toolResults += m.value("role", "") == "tool";
    if (toolResults == 0)
      return sb::fake::toolCallReply(req, {FakeToolCall{"read_file", {{"path", "app.py"}}}});
    if (toolResults == 1)
      return sb::fake::toolCallReply(
          req, {FakeToolCall{
                   "propose_edit",
                   {{"path", "app.py"},
                    {"content", "def main():\n    pass\n\ndef greet():\n    return 'hi'\n"}}}});
    return sb::fake::autoReply(req, "Added greet() to app.py.");
  }
  if (role == "reviewer") return sb::fake::autoReply(req, "APPROVE\n- app.py:4 looks fine");
  if (role == "test engineer")
    return sb::fake::autoReply(req,
                               "```python:tests/test_app.py\nfrom app import greet\n\ndef "
                               "test_greet():\n    assert greet() == 'hi'\n```\n");
  if (role == "technical writer") return sb::fake::autoReply(req, "Documented greet().");
  return std::nullopt;
}

TEST(Workflow, FeatureWorkflowPlansEditsReviewsTestsAndDocuments) {
  WorkflowRig rig;
  rig.ws.write("app.py", "def main():\n    pass\n");
  rig.server.setResponder(featureScript);
  std::string id =
      rig.runner->start(templateNamed("feature"), "add a greet function", ApplyMode::Write);
  WorkflowRecord w = rig.finish(id);

  EXPECT_EQ(w.state, "completed") << w.error;
  for (auto& s : w.steps) EXPECT_EQ(s.state, "completed") << s.id << ": " << s.error;
  EXPECT_NE(rig.step(w, "plan").output.find("Add greet()"), std::string::npos);
  EXPECT_EQ(rig.step(w, "review").output.substr(0, 7), "APPROVE");
  EXPECT_EQ(rig.step(w, "implement").turns, 3);
  // The developer's edit and the tester's code block were both written.
  EXPECT_NE(rig.ws.read("app.py").find("def greet():"), std::string::npos);
  EXPECT_NE(rig.ws.read("tests/test_app.py").find("def test_greet"), std::string::npos);
  ASSERT_EQ(w.edits.size(), 2u);
  for (auto& e : w.edits) EXPECT_EQ(e.state, "applied") << e.path << ": " << e.reason;

  // Everything is in the store: tool calls, messages, token counts.
  auto calls = rig.store->toolCalls(id);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].name, "read_file");
  EXPECT_EQ(calls[0].output, "def main():\n    pass\n");
  EXPECT_EQ(calls[1].name, "propose_edit");
  EXPECT_FALSE(calls[1].isError) << calls[1].output;
  EXPECT_EQ(rig.store->messages(id, "implement").size(),
            6u);  // task, call, result, call, result, answer
  EXPECT_GT(rig.step(w, "plan").completionTokens, 0);

  // Steps got their dependencies' outputs.
  bool reviewSawPlan = false;
  for (auto& r : rig.server.requests())
    if (roleOf(r) == "reviewer" && r.body.find("Output of step 'implement'") != std::string::npos &&
        r.body.find("app.py (file, applied)") != std::string::npos)
      reviewSawPlan = true;
  EXPECT_TRUE(reviewSawPlan);
}

TEST(Workflow, ProposeModeLeavesFilesAlone) {
  WorkflowRig rig;
  rig.ws.write("app.py", "def main():\n    pass\n");
  rig.server.setResponder(featureScript);
  std::string id = rig.runner->start(templateNamed("feature"), "add greet", ApplyMode::None);
  WorkflowRecord w = rig.finish(id);
  EXPECT_EQ(w.state, "completed");
  EXPECT_EQ(rig.ws.read("app.py"), "def main():\n    pass\n");
  EXPECT_FALSE(rig.ws.exists("tests/test_app.py"));
  ASSERT_EQ(w.edits.size(), 2u);
  for (auto& e : w.edits) EXPECT_EQ(e.state, "proposed");
}

TEST(Workflow, IndependentStepsRunInParallel) {
  WorkflowRig rig;
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    Reply r = sb::fake::autoReply(req, roleOf(req) + " done");
    if (roleOf(req) != "planner" && roleOf(req) != "developer")
      r.headerDelay = std::chrono::milliseconds(400);
    return r;
  });
  auto start = std::chrono::steady_clock::now();
  std::string id = rig.runner->start(templateNamed("feature"), "x", ApplyMode::None);
  WorkflowRecord w = rig.finish(id);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(w.state, "completed") << w.error;
  // review, tests and docs overlap: each started before the others finished.
  auto& review = rig.step(w, "review");
  auto& tests = rig.step(w, "tests");
  auto& docs = rig.step(w, "docs");
  EXPECT_LT(review.startedMs, tests.finishedMs);
  EXPECT_LT(tests.startedMs, review.finishedMs);
  EXPECT_LT(docs.startedMs, review.finishedMs);
  EXPECT_LT(elapsed,
            std::chrono::milliseconds(1200));  // three 400 ms steps, not run one after another
  // ...but none started before the step they depend on had finished.
  EXPECT_GE(review.startedMs, rig.step(w, "implement").finishedMs);
}

TEST(Workflow, FailingStepFailsItsDependantsWithTheReason) {
  WorkflowRig rig;
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    if (roleOf(req) == "developer") return sb::fake::errorReply(400, "model does not exist");
    return sb::fake::autoReply(req, "ok");
  });
  std::string id = rig.runner->start(templateNamed("feature"), "x", ApplyMode::None);
  WorkflowRecord w = rig.finish(id);
  EXPECT_EQ(w.state, "failed");
  EXPECT_NE(w.error.find("implement"), std::string::npos);
  EXPECT_EQ(rig.step(w, "plan").state, "completed");
  EXPECT_EQ(rig.step(w, "implement").state, "failed");
  EXPECT_NE(rig.step(w, "implement").error.find("model does not exist"), std::string::npos);
  EXPECT_EQ(rig.step(w, "implement").attempts, 1);  // a 400 is not retried
  for (const char* s : {"review", "tests", "docs"}) {
    EXPECT_EQ(rig.step(w, s).state, "failed");
    EXPECT_EQ(rig.step(w, s).error.rfind("dependency 'implement' failed", 0), 0u)
        << rig.step(w, s).error;
    EXPECT_EQ(rig.step(w, s).attempts, 0);
  }
}

TEST(Workflow, TransientErrorsAreRetriedWithBackoff) {
  WorkflowRig rig;
  std::atomic<int> calls{0};
  rig.server.setResponder([&](const RecordedRequest& req) -> std::optional<Reply> {
    if (calls++ < 2) return sb::fake::errorReply(503, "overloaded");
    return sb::fake::autoReply(req, "reviewed");
  });
  std::string id = rig.runner->start(templateNamed("review"), "x", ApplyMode::None);
  WorkflowRecord w = rig.finish(id);
  EXPECT_EQ(w.state, "completed") << w.error;
  EXPECT_EQ(rig.step(w, "review").attempts, 3);
  EXPECT_EQ(rig.step(w, "review").output, "reviewed");
}

TEST(Workflow, CancellationStopsRunningStepsPromptly) {
  WorkflowRig rig;
  rig.server.setResponder([](const RecordedRequest&) -> std::optional<Reply> {
    Reply r;
    r.hang = true;
    return r;
  });
  std::string id = rig.runner->start(templateNamed("feature"), "x", ApplyMode::None);
  ASSERT_TRUE(rig.server.waitForRequests(1, std::chrono::seconds(5)));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(rig.runner->cancel(id));
  WorkflowRecord w = rig.finish(id, std::chrono::seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(w.state, "cancelled");
  for (auto& s : w.steps) EXPECT_EQ(s.state, "cancelled") << s.id;
  EXPECT_TRUE(rig.server.waitForClosedByClient(
      1, std::chrono::seconds(5)));  // the HTTP transfer was aborted
}

TEST(Workflow, CancellingAFinishedWorkflowSaysThereWasNothingToStop) {
  WorkflowRig rig;
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    return sb::fake::autoReply(req, "ok");
  });
  std::string id = rig.runner->start(templateNamed("review"), "x", ApplyMode::None);
  ASSERT_TRUE(rig.runner->wait(id, std::chrono::seconds(10)));
  EXPECT_FALSE(rig.runner->cancel(id));
  EXPECT_EQ(rig.finish(id).state, "completed");
}

TEST(Workflow, CancelRequestFromAnotherProcessIsHonoured) {
  WorkflowRig rig;
  rig.server.setResponder([](const RecordedRequest&) -> std::optional<Reply> {
    Reply r;
    r.hang = true;
    return r;
  });
  std::string id = rig.runner->start(templateNamed("review"), "x", ApplyMode::None);
  ASSERT_TRUE(rig.server.waitForRequests(1, std::chrono::seconds(5)));
  WorkflowStore other(rig.ws.db());  // as `switchboard workflow cancel` would
  other.requestCancel(id);
  WorkflowRecord w = rig.finish(id, std::chrono::seconds(5));
  EXPECT_EQ(w.state, "cancelled");
}

TEST(Workflow, ToolLoopStopsAtItsTurnLimit) {
  WorkflowRig rig;
  rig.roles->configure(json{{"limits", {{"maxTurns", 3}}}});
  rig.ws.write("a.txt", "x\n");
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    if (req.json().contains("tools"))
      return sb::fake::toolCallReply(req, {FakeToolCall{"read_file", {{"path", "a.txt"}}}});
    return sb::fake::autoReply(req, "final answer without tools");
  });
  std::string id = rig.runner->start(templateNamed("review"), "x", ApplyMode::None);
  WorkflowRecord w = rig.finish(id);
  auto& s = rig.step(w, "review");
  EXPECT_EQ(s.turns, 3);
  EXPECT_EQ(s.output, "final answer without tools");
  EXPECT_EQ(rig.server.requestCount(), 3u);
  EXPECT_EQ(rig.store->toolCalls(id).size(), 2u);
  // The last call offered no tools and said why.
  auto last = rig.server.requests().back().json();
  EXPECT_FALSE(last.contains("tools"));
  EXPECT_NE(last["messages"].back()["content"].get<std::string>().find("limit"), std::string::npos);
}

TEST(Workflow, UnknownToolsAndBadArgumentsGoBackToTheModelAsErrors) {
  WorkflowRig rig;
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    if (!hasToolResult(req))
      return sb::fake::toolCallReply(req, {FakeToolCall{"rm_rf", {{"path", "/"}}},
                                           FakeToolCall{"propose_edit", {{"path", "x"}}}});
    return sb::fake::autoReply(req, "done");
  });
  std::string id = rig.runner->start(templateNamed("review"), "x", ApplyMode::None);
  WorkflowRecord w = rig.finish(id);
  EXPECT_EQ(w.state, "completed");
  auto calls = rig.store->toolCalls(id);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_TRUE(calls[0].isError);
  EXPECT_NE(calls[0].output.find("unknown tool 'rm_rf'"), std::string::npos);
  EXPECT_TRUE(calls[1].isError);  // the reviewer may not propose edits
}

TEST(Workflow, EditsThatEscapeTheWorkspaceOrOverwriteChangesAreRefused) {
  WorkflowRig rig;
  rig.ws.write("safe.py", "a = 1\n");
  rig.ws.write("changed.py", "b = 1\n");
  std::filesystem::create_directory_symlink(rig.ws.outside(),
                                            std::filesystem::path(rig.ws.root()) / "link");
  std::atomic<bool> changedBehindItsBack{false};
  rig.server.setResponder([&](const RecordedRequest& req) -> std::optional<Reply> {
    auto body = req.json();
    int results = 0;
    for (auto& m : body["messages"]) results += m.value("role", "") == "tool";
    if (results == 0)
      return sb::fake::toolCallReply(req, {FakeToolCall{"read_file", {{"path", "changed.py"}}}});
    if (results == 1) {
      // Someone edits the file after the model read it.
      std::ofstream(std::filesystem::path(rig.ws.root()) / "changed.py")
          << "b = 2  # by the user\n";
      changedBehindItsBack = true;
      return sb::fake::toolCallReply(
          req,
          {FakeToolCall{"propose_edit", {{"path", "../escape.py"}, {"content", "x"}}},
           FakeToolCall{"propose_edit", {{"path", rig.ws.outside() + "/abs.py"}, {"content", "x"}}},
           FakeToolCall{"propose_edit", {{"path", "link/through-symlink.py"}, {"content", "x"}}},
           FakeToolCall{"propose_edit", {{"path", "changed.py"}, {"content", "b = 3\n"}}},
           FakeToolCall{"propose_edit", {{"path", "safe.py"}, {"content", "a = 2\n"}}}});
    }
    return sb::fake::autoReply(req, "done");
  });
  WorkflowTemplate t = WorkflowTemplate::fromJson(json{
      {"name", "one"}, {"steps", {{{"id", "dev"}, {"role", "developer"}, {"task", "{{task}}"}}}}});
  std::string id = rig.runner->start(t, "edit things", ApplyMode::Write);
  WorkflowRecord w = rig.finish(id);
  ASSERT_TRUE(changedBehindItsBack);
  auto calls = rig.store->toolCalls(id);
  ASSERT_EQ(calls.size(), 6u);
  for (int i = 1; i <= 4; ++i) {
    EXPECT_TRUE(calls[i].isError) << calls[i].arguments.dump();
    EXPECT_EQ(calls[i].output.rfind("edit refused: ", 0), 0u) << calls[i].output;
  }
  EXPECT_FALSE(calls[5].isError) << calls[5].output;
  EXPECT_FALSE(std::filesystem::exists(rig.ws.outside() + "/escape.py"));
  EXPECT_FALSE(std::filesystem::exists(rig.ws.outside() + "/abs.py"));
  EXPECT_FALSE(std::filesystem::exists(rig.ws.outside() + "/through-symlink.py"));
  EXPECT_EQ(rig.ws.read("changed.py"), "b = 2  # by the user\n");
  EXPECT_EQ(rig.ws.read("safe.py"), "a = 2\n");
}

TEST(Workflow, CodeBlocksThatEscapeTheWorkspaceAreRecordedAsRejected) {
  WorkflowRig rig;
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    return sb::fake::autoReply(
        req, "```python:../../etc/evil.py\nx = 1\n```\n\n```python:ok.py\ny = 1\n```\n");
  });
  WorkflowTemplate t = WorkflowTemplate::fromJson(json{
      {"name", "one"}, {"steps", {{{"id", "dev"}, {"role", "developer"}, {"task", "{{task}}"}}}}});
  WorkflowRecord w = rig.finish(rig.runner->start(t, "x", ApplyMode::Write));
  ASSERT_EQ(w.edits.size(), 2u);
  EXPECT_EQ(w.edits[0].state, "rejected");
  EXPECT_FALSE(w.edits[0].reason.empty());
  EXPECT_EQ(w.edits[1].state, "applied");
  EXPECT_EQ(rig.ws.read("ok.py"), "y = 1\n");
}

TEST(Workflow, InterruptedWorkflowResumesWithoutRedoingCompletedSteps) {
  WorkflowRig rig;
  rig.server.setResponder(featureScript);
  rig.ws.write("app.py", "def main():\n    pass\n");
  // A workflow whose process died after the plan step completed.
  std::string id = rig.store->create(templateNamed("feature"), "add greet", "write");
  rig.store->claim(id, 999999);  // no such process
  rig.store->setState(id, "running");
  StepRecord plan;
  plan.id = "plan";
  plan.state = "completed";
  plan.output = "THE STORED PLAN";
  rig.store->stepStarted(id, "plan");
  rig.store->stepFinished(id, plan);
  rig.store->stepStarted(id, "implement");  // was running when it died

  WorkflowRunner restarted(
      {rig.ws.root(), rig.store, rig.router, readFileTools(rig.ws.root()), rig.roles},
      WorkflowRig::fastOptions());
  EXPECT_EQ(rig.store->load(id)->state, "interrupted");
  restarted.resume(id);
  ASSERT_TRUE(restarted.wait(id, std::chrono::seconds(20)));
  WorkflowRecord w = *rig.store->load(id);
  EXPECT_EQ(w.state, "completed") << w.error;
  EXPECT_EQ(rig.step(w, "plan").output, "THE STORED PLAN");
  EXPECT_EQ(rig.step(w, "plan").attempts, 1);
  for (auto& r : rig.server.requests()) EXPECT_NE(roleOf(r), "planner");  // not asked again
  bool developerSawStoredPlan = false;
  for (auto& r : rig.server.requests())
    developerSawStoredPlan |=
        roleOf(r) == "developer" && r.body.find("THE STORED PLAN") != std::string::npos;
  EXPECT_TRUE(developerSawStoredPlan);
  EXPECT_NE(rig.ws.read("app.py").find("def greet"), std::string::npos);
  EXPECT_THROW(restarted.resume(id), std::invalid_argument);  // completed
}

TEST(Workflow, ARoleUsesItsOwnModelAndFallsBackToTheNext) {
  TempWorkspace ws;
  sb::fake::FakeBackend big, small;
  big.setResponder([](const RecordedRequest&) -> std::optional<Reply> {
    return sb::fake::errorReply(500, "down");
  });
  small.setDefaultText("reviewed by the small model");
  auto cfg = [](std::string name, const std::string& url) {
    auto c = backend(std::move(name), Provider::OpenAi, url + "/v1");
    c.maxRetries = 0;
    return c;
  };
  sb::fake::FakeBackend unused;
  auto router = std::make_shared<LlmRouter>(std::vector<BackendConfig>{
      cfg("default", unused.url()), cfg("big", big.url()), cfg("small", small.url())});
  auto roles = std::make_shared<RoleSet>();
  roles->configure(json{{"roles", {{"reviewer", {{"backends", {"big", "small"}}}}}}});
  auto store = std::make_shared<WorkflowStore>(ws.db());
  WorkflowRunner runner({ws.root(), store, router, readFileTools(ws.root()), roles},
                        WorkflowRig::fastOptions());
  std::string id = runner.start(templateNamed("review"), "x", ApplyMode::None);
  ASSERT_TRUE(runner.wait(id, std::chrono::seconds(10)));
  auto w = *store->load(id);
  EXPECT_EQ(w.state, "completed") << w.error;
  EXPECT_EQ(w.steps[0].output, "reviewed by the small model");
  EXPECT_EQ(w.steps[0].backend, "small");
  EXPECT_EQ(big.requestCount(), 1u);
  EXPECT_EQ(unused.requestCount(), 0u);  // the role's list replaces the default chain
}

TEST(Workflow, UnknownRoleIsRefusedBeforeAnythingRuns) {
  WorkflowRig rig;
  WorkflowTemplate t = WorkflowTemplate::fromJson(
      json{{"name", "bad"}, {"steps", {{{"id", "a"}, {"role", "astronaut"}, {"task", "x"}}}}});
  EXPECT_THROW(rig.runner->start(t, "x", ApplyMode::None), std::invalid_argument);
  EXPECT_TRUE(rig.store->list().empty());
}

TEST(WorkflowTemplates, BuiltInsParseAndAreOrderedByDependencies) {
  auto all = loadWorkflowTemplates({});
  std::set<std::string> names;
  for (auto& t : all) names.insert(t.name);
  EXPECT_EQ(names, (std::set<std::string>{"bugfix", "document", "feature", "review", "tests"}));
  auto f = templateNamed("feature");
  EXPECT_EQ(f.steps.front().id, "plan");
  RoleSet roles;
  for (auto& t : all)
    for (auto& s : t.steps) EXPECT_NE(roles.find(s.role), nullptr) << t.name << "/" << s.id;
}

TEST(WorkflowTemplates, InvalidDefinitionsAreRefusedWithTheReason) {
  auto error = [](const json& j) {
    try {
      WorkflowTemplate::fromJson(j);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  auto step = [](const char* id, std::vector<std::string> deps) {
    return json{{"id", id}, {"role", "planner"}, {"task", "t"}, {"depends_on", deps}};
  };
  EXPECT_NE(
      error({{"name", "c"}, {"steps", {step("a", {"b"}), step("b", {"a"})}}}).find("cycle: a, b"),
      std::string::npos);
  EXPECT_NE(error({{"name", "u"}, {"steps", {step("a", {"zz"})}}}).find("unknown step 'zz'"),
            std::string::npos);
  EXPECT_NE(error({{"name", "d"}, {"steps", {step("a", {}), step("a", {})}}}).find("duplicate"),
            std::string::npos);
  EXPECT_NE(error({{"name", "e"}, {"steps", json::array()}}).find("non-empty"), std::string::npos);
  EXPECT_NE(error({{"steps", {step("a", {})}}}).find("name"), std::string::npos);
}

TEST(WorkflowTemplates, UserFolderAddsAndOverridesTemplates) {
  TempWorkspace ws;
  ws.write(
      ".switchboard/workflows/mine.json",
      R"({"name": "mine", "steps": [{"id": "s", "role": "writer", "task": "write {{task}}"}]})");
  ws.write(
      ".switchboard/workflows/review.json",
      R"({"name": "review", "description": "custom", "steps": [{"id": "r", "role": "reviewer", "task": "t"}]})");
  ws.write(".switchboard/workflows/broken.json", "{ not json");
  std::vector<std::string> problems;
  auto all = loadWorkflowTemplates({ws.root() + "/.switchboard/workflows"}, &problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("broken.json"), std::string::npos);
  bool mine = false, custom = false;
  for (auto& t : all) {
    if (t.name == "mine") {
      mine = true;
      EXPECT_EQ(t.renderTask(t.steps[0], "docs"), "write docs");
    }
    if (t.name == "review") custom = t.description == "custom";
  }
  EXPECT_TRUE(mine);
  EXPECT_TRUE(custom);
}

TEST(Roles, ConfigurationOverridesAndAddsRoles) {
  RoleSet roles;
  roles.configure(
      json{{"roles",
            {{"reviewer", {{"backends", {"big"}}}},
             {"security",
              {{"system", "You audit code for vulnerabilities."}, {"tools", {"search_code"}}}}}},
           {"limits", {{"maxTurns", 5}, {"maxSeconds", 30}}}});
  ASSERT_NE(roles.find("security"), nullptr);
  EXPECT_EQ(roles.find("security")->tools, std::vector<std::string>{"search_code"});
  EXPECT_EQ(roles.find("reviewer")->backends, std::vector<std::string>{"big"});
  EXPECT_NE(roles.find("reviewer")->system.find("reviewer"), std::string::npos);  // kept
  EXPECT_EQ(roles.limits().maxTurns, 5);
  EXPECT_EQ(roles.limits().maxTime, std::chrono::seconds(30));
  EXPECT_THROW(roles.configure(json{{"roles", {{"x", {{"tools", "all"}}}}}}),
               std::invalid_argument);
  EXPECT_THROW(roles.configure(json{{"roles", {{"newrole", json::object()}}}}),
               std::invalid_argument);
  EXPECT_THROW(roles.configure(json{{"limits", {{"maxTurns", 0}}}}), std::invalid_argument);
}

}  // namespace
