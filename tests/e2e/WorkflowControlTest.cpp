// Stopping and continuing workflows through each interface, against a held
// (never answering) fake backend: LSP switchboard.cancelWorkflow, MCP
// cancel_workflow while run_workflow waits, the CLI's `workflow cancel` on a
// workflow a daemon runs; a kill -9 of the LSP daemon mid-workflow, a restart
// and switchboard.resumeWorkflow, compared with an uninterrupted run; and the
// CLI's step counter on a terminal.
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "WorkflowFixture.h"

namespace sb::e2e {
namespace {

class WorkflowControl : public Workflows {};

TEST_F(WorkflowControl, LspCancelStopsTheWorkflowAndEndsItsProgressOnBothClients) {
  holdDeveloper_ = true;
  std::string sock = (dir_ / "sb.sock").string();
  auto daemon = startLspDaemon(sock);
  FdStream a = connectUnix(sock), b = connectUnix(sock);
  ClientSide ca(a), cb(b);
  ASSERT_TRUE(ca.initialize(ws_).contains("result"));
  ASSERT_TRUE(cb.initialize(ws_).contains("result"));
  json run =
      ca.command("switchboard.runWorkflow", {{"template", "feature"}, {"task", "add without_vat"}});
  ASSERT_TRUE(run.contains("result")) << run.dump();
  std::string id = run["result"]["id"];
  ASSERT_TRUE(developerReached()) << daemon.err();

  // The other client cancels it.
  json cancel = cb.command("switchboard.cancelWorkflow", {{"id", id}});
  ASSERT_TRUE(cancel.contains("result")) << cancel.dump();
  EXPECT_TRUE(cancel["result"]["cancelled"].get<bool>());
  ASSERT_TRUE(ca.pumpUntil([&] { return ca.progressEnded(id); }, 30s));
  ASSERT_TRUE(cb.pumpUntil([&] { return cb.progressEnded(id); }, 30s));
  EXPECT_TRUE(backend_.waitForClosedByClient(1, 10s));  // the held request was given up

  json status = ca.command("switchboard.workflowStatus", {{"id", id}});
  ASSERT_TRUE(status.contains("result")) << status.dump();
  json w = status["result"];
  EXPECT_EQ(w["state"], "cancelled");
  EXPECT_EQ(w["steps"][0]["state"], "completed");
  for (std::size_t i = 1; i < w["steps"].size(); ++i)
    EXPECT_EQ(w["steps"][i]["state"], "cancelled") << w["steps"][i].dump();
  EXPECT_EQ(requestsFor("developer"), 1);  // nothing ran after the cancel
}

TEST_F(WorkflowControl, McpCancelWorkflowEndsARunWorkflowThatIsWaiting) {
  holdDeveloper_ = true;
  McpSession mcp(ws_, (dir_ / "index").string());
  int running = mcp.sendTool("run_workflow", {{"template", "feature"}, {"task", "add without_vat"}},
                             {{"progressToken", "p1"}});
  ASSERT_TRUE(developerReached()) << mcp.process().err();
  json list = mcp.tool("workflow_status", json::object());
  ASSERT_EQ(list["structuredContent"]["workflows"].size(), 1u) << list.dump();
  EXPECT_EQ(list["structuredContent"]["workflows"][0]["state"], "running");
  std::string id = list["structuredContent"]["workflows"][0]["id"];

  json cancel = mcp.tool("cancel_workflow", {{"id", id}});
  EXPECT_TRUE(cancel["structuredContent"]["cancelled"].get<bool>()) << cancel.dump();
  json result = mcp.await(running)["result"];
  EXPECT_TRUE(result.value("isError", false));
  EXPECT_EQ(result["structuredContent"]["id"], id);
  EXPECT_EQ(result["structuredContent"]["state"], "cancelled");
  EXPECT_EQ(result["structuredContent"]["workflow"]["steps"][0]["state"], "completed");
  EXPECT_EQ(result["structuredContent"]["workflow"]["steps"][1]["state"], "cancelled");
  EXPECT_FALSE(mcp.progress().empty());
}

// run_workflow waits for its workflow without holding one of MCP's tool
// workers: with more waiting workflows than workers (4), a tool that needs a
// worker (find_symbol) still answers; a waiting call the client cancels
// (notifications/cancelled) stops its workflow, and the others end with
// cancel_workflow.
TEST_F(WorkflowControl, WaitingWorkflowsLeaveTheToolWorkersFree) {
  holdDeveloper_ = true;
  McpSession mcp(ws_, (dir_ / "index").string());
  std::vector<int> running;
  running.reserve(5);
  for (int i = 0; i < 5; ++i)
    running.push_back(
        mcp.sendTool("run_workflow", {{"template", "feature"}, {"task", "add without_vat"}}));
  // Four developers held use up the backend's 4 concurrent requests; the
  // fifth workflow waits in the router's queue: all five calls are waiting.
  ASSERT_TRUE(eventually([&] { return requestsFor("developer") >= 4; }, 30s))
      << mcp.process().err();

  json found = mcp.tool("find_symbol", {{"query", "with_vat"}});
  EXPECT_FALSE(found.value("isError", false)) << found.dump();
  EXPECT_EQ(found["structuredContent"]["symbols"][0]["name"], "with_vat") << found.dump();

  // The client gives up the first call: its workflow is cancelled.
  mcp.process().io().write(json{{"jsonrpc", "2.0"},
                                {"method", "notifications/cancelled"},
                                {"params", {{"requestId", running[0]}}}}
                               .dump() +
                           "\n");
  auto states = [&] {
    std::map<std::string, int> n;
    json status = mcp.tool("workflow_status", json::object());
    for (auto& w : status["structuredContent"]["workflows"]) ++n[w["state"].get<std::string>()];
    return n;
  };
  ASSERT_TRUE(eventually([&] { return states()["cancelled"] == 1; }, 30s));
  EXPECT_EQ(states()["running"], 4);
  json status = mcp.tool("workflow_status", json::object());
  for (auto& w : status["structuredContent"]["workflows"])
    if (w["state"] == "running") mcp.tool("cancel_workflow", {{"id", w["id"]}});
  for (size_t i = 1; i < running.size(); ++i)
    EXPECT_EQ(mcp.await(running[i])["result"]["structuredContent"]["state"], "cancelled");
}

TEST_F(WorkflowControl, CliCancelStopsAWorkflowThatADaemonRuns) {
  holdDeveloper_ = true;
  McpSession mcp(ws_, (dir_ / "index").string());
  int running =
      mcp.sendTool("run_workflow", {{"template", "feature"}, {"task", "add without_vat"}});
  ASSERT_TRUE(developerReached()) << mcp.process().err();
  auto list = cli({"workflow", "list", "--json"});
  ASSERT_EQ(list.status.code, 0) << list.err;
  json all = json::parse(list.out);
  ASSERT_EQ(all.size(), 1u) << list.out;
  EXPECT_EQ(all[0]["state"], "running");  // the daemon is alive: not interrupted
  std::string id = all[0]["id"];

  auto cancel = cli({"workflow", "cancel", id});
  EXPECT_EQ(cancel.status.code, 0) << cancel.err;
  EXPECT_NE(cancel.out.find("cancel requested for " + id), std::string::npos) << cancel.out;
  // The daemon sees the request in the store and stops its run.
  json result = mcp.await(running, 30s)["result"];
  EXPECT_EQ(result["structuredContent"]["state"], "cancelled") << result.dump();
  auto show = cli({"workflow", "show", id, "--json"});
  ASSERT_EQ(show.status.code, 0) << show.err;
  EXPECT_EQ(json::parse(show.out)["state"], "cancelled");
  auto again = cli({"workflow", "cancel", id});
  EXPECT_EQ(again.status.code, 1);
  EXPECT_NE(again.err.find("is not running"), std::string::npos) << again.err;
}

// What must match between two runs of the same workflow: each step's state
// and output, each edit's path, kind, state and content.
json essentials(const json& w) {
  json steps = json::array(), edits = json::array();
  for (auto& s : w["steps"]) steps.push_back({s["id"], s["state"], s.value("output", "")});
  for (auto& e : w["edits"])
    edits.push_back({e["step"], e["path"], e["kind"], e["state"], e.value("content", "")});
  std::sort(edits.begin(), edits.end());  // parallel steps finish in any order
  return {{"state", w["state"]}, {"steps", steps}, {"edits", edits}};
}

TEST_F(WorkflowControl, KillNineOfTheLspDaemonThenResumeEndsLikeAnUninterruptedRun) {
  std::string ws2 = makeWorkspace("ws2");
  std::string sock = (dir_ / "sb.sock").string();
  std::string id;
  holdDeveloper_ = true;
  {
    auto daemon = startLspDaemon(sock);
    FdStream a = connectUnix(sock);
    ClientSide ca(a);
    ca.writeEdits = true;
    ASSERT_TRUE(ca.initialize(ws_).contains("result"));
    json run = ca.command("switchboard.runWorkflow",
                          {{"template", "feature"}, {"task", "add without_vat"}});
    ASSERT_TRUE(run.contains("result")) << run.dump();
    id = run["result"]["id"];
    ASSERT_TRUE(developerReached()) << daemon.err();
    daemon.signal(SIGKILL);
    ASSERT_TRUE(daemon.wait(10s));
  }
  holdDeveloper_ = false;
  int plannerCalls = requestsFor("planner");

  auto daemon = startLspDaemon(sock);
  FdStream a = connectUnix(sock);
  ClientSide ca(a);
  ca.writeEdits = true;
  ASSERT_TRUE(ca.initialize(ws_).contains("result"));
  json before = ca.command("switchboard.workflowStatus", {{"id", id}});
  ASSERT_TRUE(before.contains("result")) << before.dump();
  EXPECT_EQ(before["result"]["state"], "interrupted");
  EXPECT_EQ(before["result"]["steps"][0]["state"], "completed");
  json resumed = ca.command("switchboard.resumeWorkflow", {{"id", id}});
  ASSERT_TRUE(resumed.contains("result")) << resumed.dump();
  ASSERT_TRUE(ca.pumpUntil([&] { return ca.progressEnded(id); }, 60s)) << daemon.err();
  json after = ca.command("switchboard.workflowStatus", {{"id", id}});
  ASSERT_TRUE(after.contains("result")) << after.dump();
  EXPECT_EQ(after["result"]["state"], "completed");
  EXPECT_EQ(requestsFor("planner"), plannerCalls);  // the plan was not made again

  // The same workflow without a kill, by another client on a second copy.
  FdStream b = connectUnix(sock);
  ClientSide cb(b);
  cb.writeEdits = true;
  ASSERT_TRUE(cb.initialize(ws2).contains("result"));
  json run =
      cb.command("switchboard.runWorkflow", {{"template", "feature"}, {"task", "add without_vat"}});
  ASSERT_TRUE(run.contains("result")) << run.dump();
  std::string id2 = run["result"]["id"];
  ASSERT_TRUE(cb.pumpUntil([&] { return cb.progressEnded(id2); }, 60s)) << daemon.err();
  json fresh = cb.command("switchboard.workflowStatus", {{"id", id2}});
  ASSERT_TRUE(fresh.contains("result")) << fresh.dump();

  EXPECT_EQ(essentials(after["result"]).dump(2), essentials(fresh["result"]).dump(2));
  EXPECT_EQ(after["result"]["edits"].size(), 2u);
  for (const char* file : {"shop/pricing.py", "tests/test_pricing.py"})
    EXPECT_EQ(read(file), read(file, ws2)) << file;
  EXPECT_EQ(read("shop/pricing.py"), kNewPricing);
}

// Runs argv with its stdin, stdout and stderr on a pseudo-terminal; what it
// wrote there (newlines arrive as \r\n) and its exit code.
std::string runOnTerminal(std::vector<std::string> argv, int& exitCode, Millis timeout = 60s) {
  std::vector<char*> args;  // built before the fork: the child only calls execv
  args.reserve(argv.size() + 1);
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) {
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  UniqueFd terminal(master);
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      ADD_FAILURE() << "still running after " << timeout.count() << " ms:\n" << out;
      break;
    }
    pollfd p{terminal.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 200))) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(terminal.get(), buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child and its terminal are gone
    out.append(buf, static_cast<size_t>(n));
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  exitCode = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

TEST_F(WorkflowControl, CliShowsTheStepsDoneOutOfAllOnATerminal) {
  int code = -1;
  std::string out =
      runOnTerminal({SB_BINARY, "workflow", "run", "feature", "--task", "add without_vat",
                     "--workspace", ws_, "--index-dir", (dir_ / "index").string()},
                    code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("\r\033[K[0/5] plan: planner"), std::string::npos) << out;
  EXPECT_NE(out.find("[1/5] plan: completed"), std::string::npos) << out;
  EXPECT_NE(out.find("[1/5]   implement: read_file"), std::string::npos) << out;  // a tool call
  EXPECT_NE(out.find("[5/5] workflow wf-"), std::string::npos) << out;
  // Without a terminal: plain lines, no counter, no escapes.
  auto piped = cli({"workflow", "run", "feature", "--task", "add without_vat"});
  EXPECT_EQ(piped.status.code, 0) << piped.err;
  EXPECT_NE(piped.err.find("plan: completed"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find("/5]"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find('\033'), std::string::npos) << piped.err;
}

}  // namespace
}  // namespace sb::e2e
