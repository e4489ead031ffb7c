// The bounds on workflows and their steps: progress counts in the events,
// the tool loop's token, time and output limits, and the agents.workflows
// settings (steps at once, retries and their backoff).
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "WorkflowHarness.h"
#include "agents/Config.h"

using namespace sb::agents;
using namespace sb::agents::test;
using nlohmann::json;
using sb::fake::FakeToolCall;
using sb::fake::RecordedRequest;
using sb::fake::Reply;
using Clock = std::chrono::steady_clock;

namespace {

WorkflowTemplate oneStep(const std::string& role = "reviewer") {
  return WorkflowTemplate::fromJson(
      json{{"name", "one"}, {"steps", {{{"id", "s"}, {"role", role}, {"task", "{{task}}"}}}}});
}

TEST(WorkflowProgress, EventsCarryTheStepsDoneSoFar) {
  WorkflowRig rig;
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    return sb::fake::autoReply(req, roleOf(req) + " done");
  });
  std::mutex mu;
  std::vector<WorkflowEvent> events;
  rig.runner->subscribe([&](const WorkflowEvent& e) {
    std::lock_guard lock(mu);
    events.push_back(e);
  });
  WorkflowRecord w = rig.finish(rig.runner->start(templateNamed("feature"), "x", ApplyMode::None));
  ASSERT_EQ(w.state, "completed") << w.error;
  std::lock_guard lock(mu);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().kind, WorkflowEvent::Kind::Started);
  EXPECT_EQ(events.back().kind, WorkflowEvent::Kind::Finished);
  EXPECT_EQ(events.back().stepsDone, 5);
  std::vector<int> finished;
  bool progressBeforeTheEnd = false;
  for (auto& e : events) {
    EXPECT_EQ(e.stepsTotal, 5);
    EXPECT_LE(e.stepsDone, 5);
    if (e.kind == WorkflowEvent::Kind::StepFinished) finished.push_back(e.stepsDone);
    if (e.kind == WorkflowEvent::Kind::StepStarted && e.stepId == "implement") {
      EXPECT_EQ(e.stepsDone, 1) << "the plan was done";
    }
    progressBeforeTheEnd |= e.kind != WorkflowEvent::Kind::Finished && e.stepsDone > 0;
  }
  EXPECT_TRUE(progressBeforeTheEnd);
  std::sort(finished.begin(), finished.end());
  EXPECT_EQ(finished, (std::vector<int>{1, 2, 3, 4, 5}));  // each step finishing counts one
}

TEST(WorkflowLimits, TheTokenLimitEndsTheToolLoop) {
  WorkflowRig rig;
  rig.roles->configure(json{{"limits", {{"maxTokens", 10}}}});  // one tool-call reply uses 12
  rig.ws.write("a.txt", "x\n");
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    if (req.json().contains("tools"))
      return sb::fake::toolCallReply(req, {FakeToolCall{"read_file", {{"path", "a.txt"}}}});
    return sb::fake::autoReply(req, "final answer");
  });
  WorkflowRecord w = rig.finish(rig.runner->start(oneStep(), "x", ApplyMode::None));
  auto& s = rig.step(w, "s");
  EXPECT_EQ(s.state, "completed") << s.error;
  EXPECT_EQ(s.output, "final answer");
  EXPECT_EQ(s.turns, 2);
  ASSERT_EQ(rig.server.requestCount(), 2u);
  EXPECT_TRUE(rig.server.request(0).json().contains("tools"));
  EXPECT_FALSE(rig.server.request(1).json().contains("tools"));  // past the limit: answer now
  EXPECT_GE(s.promptTokens + s.completionTokens, 10);
}

TEST(WorkflowLimits, TheTimeLimitStopsAHangingCallInAboutASecond) {
  WorkflowRig rig;
  rig.roles->configure(json{{"limits", {{"maxSeconds", 1}}}});
  rig.server.setResponder([](const RecordedRequest&) -> std::optional<Reply> {
    Reply r;
    r.hang = true;
    return r;
  });
  auto t0 = Clock::now();
  WorkflowRecord w =
      rig.finish(rig.runner->start(oneStep(), "x", ApplyMode::None), std::chrono::seconds(10));
  auto elapsed = Clock::now() - t0;
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
  auto& s = rig.step(w, "s");
  EXPECT_EQ(s.state, "failed");
  EXPECT_NE(s.error.find("ran out of time (1 s)"), std::string::npos) << s.error;
  EXPECT_EQ(s.attempts, 1);  // a limit is not retried
  EXPECT_EQ(w.state, "failed");
  EXPECT_TRUE(rig.server.waitForClosedByClient(1, std::chrono::seconds(5)));  // call aborted
}

TEST(WorkflowLimits, LongToolOutputIsCutWithANote) {
  WorkflowRig rig;
  rig.roles->configure(json{{"limits", {{"maxToolOutputChars", 100}}}});
  rig.ws.write("big.txt", std::string(1000, 'x'));
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    if (!hasToolResult(req))
      return sb::fake::toolCallReply(req, {FakeToolCall{"read_file", {{"path", "big.txt"}}}});
    return sb::fake::autoReply(req, "done");
  });
  WorkflowRecord w = rig.finish(rig.runner->start(oneStep(), "x", ApplyMode::None));
  ASSERT_EQ(w.state, "completed") << w.error;
  auto calls = rig.store->toolCalls(w.id);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].output.substr(0, 100), std::string(100, 'x'));
  EXPECT_EQ(calls[0].output.find(std::string(101, 'x')), std::string::npos);
  EXPECT_NE(calls[0].output.find("cut at 100 characters"), std::string::npos);
  // The model got the cut text, not the file.
  std::string sent = rig.server.request(1).body;
  EXPECT_NE(sent.find("cut at 100 characters"), std::string::npos);
  EXPECT_EQ(sent.find(std::string(101, 'x')), std::string::npos);
}

TEST(WorkflowLimits, ParallelStepsNeverExceedTheLimit) {
  WorkflowRig rig;
  rig.roles->configure(json{{"workflows", {{"maxParallel", 1}}}});
  rig.server.setResponder([](const RecordedRequest& req) -> std::optional<Reply> {
    Reply r = sb::fake::autoReply(req, roleOf(req) + " done");
    r.headerDelay = std::chrono::milliseconds(150);
    return r;
  });
  WorkflowRecord w = rig.finish(rig.runner->start(templateNamed("feature"), "x", ApplyMode::None));
  ASSERT_EQ(w.state, "completed") << w.error;
  std::vector<StepRecord> steps = w.steps;
  std::sort(steps.begin(), steps.end(), [](auto& a, auto& b) { return a.startedMs < b.startedMs; });
  for (std::size_t i = 1; i < steps.size(); ++i)
    EXPECT_GE(steps[i].startedMs, steps[i - 1].finishedMs)
        << steps[i].id << " started while " << steps[i - 1].id << " ran";
}

TEST(WorkflowLimits, StepRetriesBackOffFromTheConfiguredDelay) {
  WorkflowRig rig;
  rig.roles->configure(json{{"workflows", {{"stepRetries", 2}, {"retryBaseDelayMs", 300}}}});
  std::atomic<int> calls{0};
  rig.server.setResponder([&](const RecordedRequest& req) -> std::optional<Reply> {
    if (calls++ < 2) return sb::fake::errorReply(503, "overloaded");
    return sb::fake::autoReply(req, "reviewed");
  });
  WorkflowRecord w = rig.finish(rig.runner->start(oneStep(), "x", ApplyMode::None));
  EXPECT_EQ(w.state, "completed") << w.error;
  EXPECT_EQ(rig.step(w, "s").attempts, 3);
  auto reqs = rig.server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  auto gap = [&](int i) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(reqs[i + 1].receivedAt -
                                                                 reqs[i].receivedAt);
  };
  EXPECT_GE(gap(0), std::chrono::milliseconds(300));  // the base delay
  EXPECT_LT(gap(0), std::chrono::milliseconds(600));  // not yet doubled
  EXPECT_GE(gap(1), std::chrono::milliseconds(600));  // doubled
  EXPECT_LT(gap(1), std::chrono::milliseconds(1500));
}

TEST(WorkflowLimits, NoStepRetriesMeansOneAttempt) {
  WorkflowRig rig;
  rig.roles->configure(json{{"workflows", {{"stepRetries", 0}}}});
  rig.server.setResponder([](const RecordedRequest&) -> std::optional<Reply> {
    return sb::fake::errorReply(503, "overloaded");
  });
  WorkflowRecord w = rig.finish(rig.runner->start(oneStep(), "x", ApplyMode::None));
  EXPECT_EQ(w.state, "failed");
  EXPECT_EQ(rig.step(w, "s").attempts, 1);
  EXPECT_EQ(rig.server.requestCount(), 1u);
}

TEST(Roles, EveryLimitAndWorkflowSettingIsRead) {
  RoleSet roles;
  EXPECT_EQ(roles.workflowLimits().maxParallel, 3);
  EXPECT_EQ(roles.workflowLimits().stepRetries, 2);
  EXPECT_EQ(roles.workflowLimits().retryBaseDelay, std::chrono::milliseconds(1000));
  roles.configure(
      json{{"limits",
            {{"maxTurns", 4},
             {"maxTokens", 5000},
             {"maxSeconds", 45},
             {"maxToolOutputChars", 2000},
             {"maxOutputTokens", 512}}},
           {"workflows", {{"maxParallel", 1}, {"stepRetries", 0}, {"retryBaseDelayMs", 250}}}});
  const AgentLimits& l = roles.limits();
  EXPECT_EQ(l.maxTurns, 4);
  EXPECT_EQ(l.maxTokens, 5000);
  EXPECT_EQ(l.maxTime, std::chrono::seconds(45));
  EXPECT_EQ(l.maxToolOutputChars, 2000);
  EXPECT_EQ(l.maxOutputTokens, 512);
  EXPECT_EQ(roles.workflowLimits().maxParallel, 1);
  EXPECT_EQ(roles.workflowLimits().stepRetries, 0);
  EXPECT_EQ(roles.workflowLimits().retryBaseDelay, std::chrono::milliseconds(250));

  auto error = [](const json& agents) {
    try {
      RoleSet().configure(agents);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  for (const char* key :
       {"maxTurns", "maxTokens", "maxSeconds", "maxToolOutputChars", "maxOutputTokens"})
    EXPECT_NE(error({{"limits", {{key, -1}}}}).find(std::string("agents.limits.") + key),
              std::string::npos)
        << key;
  EXPECT_NE(error({{"workflows", {{"maxParallel", 0}}}}).find("agents.workflows.maxParallel"),
            std::string::npos);
  EXPECT_NE(error({{"workflows", {{"stepRetries", "2"}}}}).find("agents.workflows.stepRetries"),
            std::string::npos);
  EXPECT_NE(
      error({{"workflows", {{"retryBaseDelayMs", -5}}}}).find("agents.workflows.retryBaseDelayMs"),
      std::string::npos);
  EXPECT_NE(error({{"workflows", 3}}).find("agents.workflows"), std::string::npos);
}

TEST(Roles, ConfigCheckRefusesABadWorkflowSetting) {
  std::vector<std::string> warnings;
  EXPECT_THROW(settingsFromJson(json{{"agents", {{"workflows", {{"maxParallel", 0}}}}}}, warnings),
               std::invalid_argument);
  Settings s = settingsFromJson(json{{"agents", {{"workflows", {{"maxParallel", 2}}}}}}, warnings);
  RoleSet roles;
  roles.configure(s.agents);
  EXPECT_EQ(roles.workflowLimits().maxParallel, 2);
}

}  // namespace
