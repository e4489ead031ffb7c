// Agent workflows through the real binary against the scripted fake backend:
// the CLI (run with --apply, list, show, status), a kill -9 in the middle of a
// workflow and `resume`, the LSP commands with edits applied through the
// client and progress seen by a second client on the same socket, and the MCP
// tools (ask, complete_code, run_workflow, workflow_status).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "ChildProcess.h"
#include "FakeBackend.h"
#include "JsonLines.h"
#include "LspClient.h"
#include "WorkflowFixture.h"

namespace sb::e2e {
namespace {

TEST_F(Workflows, CliRunWritesTheEditsWithApplyAndStoresEverything) {
  auto run = cli({"workflow", "run", "feature", "--task", "add without_vat", "--apply", "--json"});
  ASSERT_EQ(run.status.code, 0) << run.err << run.out;
  json w = json::parse(run.out);
  EXPECT_EQ(w["state"], "completed");
  EXPECT_EQ(read("shop/pricing.py"), kNewPricing);
  EXPECT_NE(read("tests/test_pricing.py").find("import without_vat"), std::string::npos);
  EXPECT_NE(run.err.find("plan: completed"), std::string::npos) << run.err;

  auto list = cli({"workflow", "list", "--json"});
  ASSERT_EQ(list.status.code, 0) << list.err;
  json all = json::parse(list.out);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["id"], w["id"]);

  auto show = cli({"workflow", "show", w["id"], "--json"});
  json shown = json::parse(show.out);
  EXPECT_EQ(shown["steps"][0]["output"], "PLAN: add without_vat to shop/pricing.py");
  ASSERT_EQ(shown["toolCalls"].size(), 2u);
  EXPECT_EQ(shown["toolCalls"][0]["name"], "read_file");
  EXPECT_FALSE(
      shown["toolCalls"][0]["isError"].get<bool>());  // the real read_file tool of the MCP catalog

  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.status.code, 0) << status.err;
  json st = json::parse(status.out);
  EXPECT_EQ(st["backends"][0]["name"], "openai");
  EXPECT_EQ(st["workflows"][0]["id"], w["id"]);
  EXPECT_EQ(st["workflows"][0]["state"], "completed");
}

TEST_F(Workflows, AgentToolCallsAreConfinedToTheWorkspace) {
  // The developer agent asks to read and write through every kind of escape;
  // each call is refused, the outside folder is untouched, and nothing of it
  // reaches the model.
  const fs::path outside = dir_ / "outside";
  fs::create_directories(outside);
  const std::string secret = "def leaked_secret():\n    return 'TOPSECRET-4411'\n";
  std::ofstream(outside / "secret.py") << secret;
  fs::create_directory_symlink(outside, fs::path(ws_) / "linkdir");
  fs::create_symlink(outside / "secret.py", fs::path(ws_) / "link.py");
  const std::vector<std::string> escapes = {
      "../outside/secret.py", (outside / "secret.py").string(), "shop/../../outside/secret.py",
      "linkdir/secret.py", "link.py"};
  std::vector<FakeToolCall> reads, writes;
  for (const auto& p : escapes) {
    reads.push_back({"read_file", {{"path", p}}});
    reads.push_back({"document_outline", {{"path", p}}});
    writes.push_back({"propose_edit", {{"path", p}, {"content", "pwned\n"}}});
  }
  for (const char* p : {"../outside/new.py", "linkdir/new.py"})
    writes.push_back({"propose_edit", {{"path", p}, {"content", "pwned\n"}}});
  backend_.setResponder([this, reads, writes](const RecordedRequest& req) -> std::optional<Reply> {
    if (roleOf(req) != "developer") return script(req);
    int n = toolResults(req);
    if (n == 0) return fake::toolCallReply(req, reads);
    if (n == static_cast<int>(reads.size())) return fake::toolCallReply(req, writes);
    return fake::autoReply(req, "Done.");
  });
  auto run = cli({"workflow", "run", "feature", "--task", "add without_vat", "--apply", "--json"});
  ASSERT_TRUE(run.status.exited()) << run.status.describe() << run.err;

  std::ifstream in(outside / "secret.py");
  std::stringstream kept;
  kept << in.rdbuf();
  EXPECT_EQ(kept.str(), secret);
  EXPECT_FALSE(fs::exists(outside / "new.py"));
  bool sawRefusals = false;
  for (const auto& r : backend_.requests()) {
    for (const char* needle : {"TOPSECRET", "leaked_secret"})
      EXPECT_EQ(r.body.find(needle), std::string::npos) << "sent to the model: " << r.body;
    if (roleOf(r) == "developer" && toolResults(r) == static_cast<int>(reads.size()))
      sawRefusals = r.body.find("outside the workspace") != std::string::npos;
  }
  EXPECT_TRUE(sawRefusals) << "the tool results should say why the reads were refused";
  for (const std::string& text : {run.out, run.err})
    EXPECT_EQ(text.find("TOPSECRET"), std::string::npos) << text;

  json w = json::parse(run.out, nullptr, false);
  ASSERT_TRUE(w.is_object()) << run.out;
  auto show = cli({"workflow", "show", w["id"], "--json"});
  json shown = json::parse(show.out, nullptr, false);
  int refusedReads = 0;
  for (const auto& c : shown["toolCalls"])
    if (c["name"] == "read_file" || c["name"] == "document_outline") {
      EXPECT_TRUE(c["isError"].get<bool>()) << c.dump();
      ++refusedReads;
    }
  EXPECT_EQ(refusedReads, static_cast<int>(reads.size())) << show.out;
}

TEST_F(Workflows, CliWithoutApplyOnlyProposes) {
  std::string before = read("shop/pricing.py");
  auto run = cli({"workflow", "run", "feature", "--task", "add without_vat", "--json"});
  ASSERT_EQ(run.status.code, 0) << run.err;
  EXPECT_EQ(read("shop/pricing.py"), before);
  json result = json::parse(run.out);  // kept: iterating a temporary's member would dangle
  for (auto& e : result["edits"]) EXPECT_EQ(e["state"], "proposed");
}

TEST_F(Workflows, ShowListsEditsRefusedInProposeOnlyModeWithTheirReasons) {
  unsafeDeveloper_ = true;
  fs::create_directories(dir_ / "outside");
  fs::create_directory_symlink(dir_ / "outside", fs::path(ws_) / "link");
  fs::create_directories(fs::path(ws_) / ".switchboard" / "workflows");
  std::ofstream(fs::path(ws_) / ".switchboard" / "workflows" / "dev.json")
      << R"({"name": "dev", "steps": [{"id": "dev", "role": "developer", "task": "{{task}}"}]})";
  auto run = cli({"workflow", "run", "dev", "--task", "x", "--json"});
  ASSERT_EQ(run.status.code, 0) << run.err;
  std::string id = json::parse(run.out)["id"];

  auto text = cli({"workflow", "show", id});
  ASSERT_EQ(text.status.code, 0) << text.err;
  for (const char* path : {"../t.py", "/etc/x.py", "link/x.py"})
    EXPECT_NE(text.out.find(std::string("edit ") + path + " (file, from dev): rejected: "),
              std::string::npos)
        << path << " in\n"
        << text.out;

  auto shown = cli({"workflow", "show", id, "--json"});
  ASSERT_EQ(shown.status.code, 0) << shown.err;
  json w = json::parse(shown.out);
  ASSERT_EQ(w["edits"].size(), 3u) << w.dump(2);
  for (auto& e : w["edits"]) {
    EXPECT_EQ(e["state"], "rejected") << e.dump();
    EXPECT_FALSE(e.value("reason", "").empty()) << e.dump();
  }
  ASSERT_EQ(w["toolCalls"].size(), 1u);
  EXPECT_EQ(w["toolCalls"][0]["output"].get<std::string>().rfind("edit refused: ", 0), 0u)
      << w["toolCalls"][0].dump();
  EXPECT_TRUE(fs::is_empty(dir_ / "outside"));
}

TEST_F(Workflows, KillNineMidWorkflowThenResumeFinishesWithoutRedoingSteps) {
  holdDeveloper_ = true;
  std::vector<std::string> argv = {SB_BINARY,
                                   "workflow",
                                   "run",
                                   "feature",
                                   "--task",
                                   "add without_vat",
                                   "--apply",
                                   "--workspace",
                                   ws_,
                                   "--index-dir",
                                   (dir_ / "index").string()};
  auto proc = ChildProcess::start(argv);
  // The developer's request arrives once the plan is stored.
  bool reached = false;
  for (int i = 0; i < 200 && !reached; ++i) {
    reached = requestsFor("developer") > 0;
    if (!reached) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(reached) << proc.err();
  proc.signal(SIGKILL);
  proc.wait(5s);

  auto list = cli({"workflow", "list", "--json"});
  json all = json::parse(list.out);
  ASSERT_EQ(all.size(), 1u) << list.out;
  EXPECT_EQ(all[0]["state"], "interrupted");
  EXPECT_EQ(all[0]["steps"][0]["state"], "completed");
  std::string id = all[0]["id"];

  holdDeveloper_ = false;
  int plannerCalls = requestsFor("planner");
  auto resumed = cli({"workflow", "resume", id, "--apply", "--json"});
  ASSERT_EQ(resumed.status.code, 0) << resumed.err;
  json w = json::parse(resumed.out);
  EXPECT_EQ(w["state"], "completed");
  EXPECT_EQ(requestsFor("planner"), plannerCalls);  // the plan was not made again
  EXPECT_EQ(w["steps"][0]["output"], "PLAN: add without_vat to shop/pricing.py");
  // The same result as an uninterrupted run.
  EXPECT_EQ(read("shop/pricing.py"), kNewPricing);
  EXPECT_NE(read("tests/test_pricing.py").find("import without_vat"), std::string::npos);
}

TEST_F(Workflows, WithoutAModelTheCommandSaysWhatToConfigure) {
  ::unsetenv("OPENAI_BASE_URL");
  auto run = cli({"workflow", "run", "review", "--task", "x"});
  EXPECT_EQ(run.status.code, 1);
  EXPECT_NE(run.err.find("OPENAI_BASE_URL"), std::string::npos) << run.err;
}

TEST_F(Workflows, LspRunsWorkflowsEditsGoThroughTheClientAndEveryClientSeesProgress) {
  std::string sock = (dir_ / "sb.sock").string();
  auto daemon = ChildProcess::start(
      {SB_BINARY, "lsp", "--listen", "unix:" + sock, "--index-dir", (dir_ / "index").string()});
  for (int i = 0; i < 100 && !fs::exists(sock); ++i) std::this_thread::sleep_for(20ms);
  FdStream a = connectUnix(sock), b = connectUnix(sock);
  ClientSide ca(a), cb(b);
  json caps = {
      {"workspace",
       {{"applyEdit", true},
        {"workspaceEdit", {{"documentChanges", true}, {"resourceOperations", {"create"}}}}}},
      {"window", {{"workDoneProgress", true}}}};
  for (ClientSide* c : {&ca, &cb}) {
    json init = c->lsp.request(
        "initialize",
        {{"processId", nullptr}, {"rootUri", "file://" + ws_}, {"capabilities", caps}});
    ASSERT_TRUE(init.contains("result")) << init.dump();
    auto cmds = init["result"]["capabilities"]["executeCommandProvider"]["commands"];
    EXPECT_NE(std::find(cmds.begin(), cmds.end(), "switchboard.runWorkflow"), cmds.end());
    c->lsp.notify("initialized", json::object());
  }
  ca.awaited =
      ca.lsp.sendRequest("workspace/executeCommand",
                         {{"command", "switchboard.runWorkflow"},
                          {"arguments", {{{"template", "feature"}, {"task", "add without_vat"}}}}});
  // The answer (the id) comes at once; then the workflow's progress ends on both clients.
  auto ended = [](ClientSide& c) {
    for (auto& p : c.progress)
      if (p["token"].get<std::string>().find("switchboard/workflow/") == 0 &&
          p["value"]["kind"] == "end")
        return true;
    return false;
  };
  ASSERT_TRUE(ca.pumpUntil([&] { return ended(ca); }, 30s)) << daemon.err();
  ASSERT_TRUE(ca.response.contains("result")) << ca.response.dump();
  EXPECT_EQ(ca.response["result"]["id"].get<std::string>().rfind("wf-", 0), 0u);
  ASSERT_TRUE(cb.pumpUntil([&] { return ended(cb); }, 10s));
  // The reports before the end say how far the workflow is, never going back.
  int lastPct = 0, reportsWithProgress = 0;
  for (auto& p : ca.progress) {
    if (p["token"].get<std::string>().find("switchboard/workflow/") != 0 ||
        p["value"]["kind"] != "report" || !p["value"].contains("percentage"))
      continue;
    int pct = p["value"]["percentage"];
    EXPECT_GE(pct, lastPct);
    lastPct = pct;
    reportsWithProgress += pct > 0;
  }
  EXPECT_GT(reportsWithProgress, 0);
  // Edits reached the client that started the workflow, none the other.
  ASSERT_EQ(ca.applied.size(), 2u);
  EXPECT_TRUE(cb.applied.empty());
  std::string all = ca.applied[0].dump() + ca.applied[1].dump();
  EXPECT_NE(all.find("without_vat"), std::string::npos);
  EXPECT_NE(all.find("\"kind\":\"create\""), std::string::npos);  // the new test file
  EXPECT_EQ(read("shop/pricing.py").find("without_vat"),
            std::string::npos);  // the daemon wrote nothing itself
  bool sawStep = false;
  for (auto& l : cb.logs)
    sawStep |= l["message"].get<std::string>().find("implement: developer") != std::string::npos;
  EXPECT_TRUE(sawStep);

  json list = ca.request("workspace/executeCommand",
                         {{"command", "switchboard.workflowStatus"}, {"arguments", json::array()}});
  ASSERT_TRUE(list.contains("result")) << list.dump();
  ASSERT_EQ(list["result"]["workflows"].size(), 1u);
  std::string wfId = list["result"]["workflows"][0]["id"];
  json one = ca.request("workspace/executeCommand", {{"command", "switchboard.workflowStatus"},
                                                     {"arguments", {{{"id", wfId}}}}});
  ASSERT_TRUE(one.contains("result")) << one.dump();
  for (auto& e : one["result"]["edits"]) EXPECT_EQ(e["state"], "applied") << e.dump();
  json status = cb.request("workspace/executeCommand",
                           {{"command", "switchboard.status"}, {"arguments", json::array()}});
  ASSERT_TRUE(status.contains("result")) << status.dump();
  EXPECT_EQ(status["result"]["workflows"][0]["state"], "completed");
  EXPECT_EQ(status["result"]["backends"][0]["state"], "healthy");
  EXPECT_GT(status["result"]["backends"][0]["requests"].get<int>(), 5);
  json bad = cb.request("workspace/executeCommand",
                        {{"command", "switchboard.runWorkflow"},
                         {"arguments", {{{"template", "nope"}, {"task", "x"}}}}});
  ASSERT_TRUE(bad.contains("error"));
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("no workflow template named 'nope'"),
            std::string::npos);
  daemon.signal(SIGTERM);
  daemon.wait(10s);
}

class McpAgent : public Workflows {
 protected:
  void startMcp() {
    proc_.emplace(
        ChildProcess::start({SB_BINARY, "mcp", ws_, "--index-dir", (dir_ / "index").string()}));
    call("initialize", {{"protocolVersion", "2025-06-18"},
                        {"capabilities", json::object()},
                        {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}});
    proc_->io().write(json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}.dump() +
                      "\n");
  }
  json call(const std::string& method, json params, Millis timeout = 30s) {
    int id = next_++;
    proc_->io().write(
        json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}
            .dump() +
        "\n");
    auto found = waitForResponse(proc_->io(), id, timeout, [&](const json& m) {
      if (m.value("method", "") == "notifications/progress") progress_.push_back(m["params"]);
    });
    EXPECT_TRUE(found) << "no answer to " << method << "; stderr: " << proc_->err();
    return found.value_or(json());
  }
  json tool(const std::string& name, json args, json meta = nullptr) {
    json params{{"name", name}, {"arguments", std::move(args)}};
    if (!meta.is_null()) params["_meta"] = meta;
    return call("tools/call", params)["result"];
  }
  // Every name of a paginated list.
  std::set<std::string> listAll(const std::string& method, const std::string& key) {
    std::set<std::string> names;
    json page = call(method, json::object());
    for (int i = 0; i < 20; ++i) {
      for (auto& t : page["result"][key]) names.insert(t["name"]);
      if (!page["result"].contains("nextCursor")) break;
      page = call(method, {{"cursor", page["result"]["nextCursor"]}});
    }
    return names;
  }
  void TearDown() override {
    proc_.reset();
    Workflows::TearDown();
  }
  std::optional<ChildProcess> proc_;
  std::vector<json> progress_;
  int next_ = 1;
};

TEST_F(McpAgent, AgentToolsAreListedAndAnswer) {
  startMcp();
  std::set<std::string> names = listAll("tools/list", "tools");
  for (const char* want :
       {"complete_code", "ask", "run_workflow", "workflow_status", "cancel_workflow"})
    EXPECT_TRUE(names.count(want)) << want;

  std::set<std::string> prompts = listAll("prompts/list", "prompts");
  EXPECT_TRUE(prompts.count("role_reviewer"));
  EXPECT_TRUE(prompts.count("workflow_feature"));
  json wfPrompt = call(
      "prompts/get", {{"name", "workflow_feature"}, {"arguments", {{"task", "add without_vat"}}}});
  std::string wfText = wfPrompt["result"]["messages"][0]["content"]["text"];
  EXPECT_NE(wfText.find("2. implement (as the developer)"), std::string::npos) << wfText;

  json asked =
      tool("ask", {{"question", "What does with_vat do?"}, {"paths", {"shop/pricing.py"}}});
  EXPECT_FALSE(asked.value("isError", false)) << asked.dump();
  EXPECT_EQ(asked["structuredContent"]["answer"], "ok");
  bool sawFile = false;
  for (auto& r : backend_.requests()) sawFile |= r.body.find("def with_vat") != std::string::npos;
  EXPECT_TRUE(sawFile);  // the named file went into the prompt

  json outside = tool("ask", {{"question", "x"}, {"paths", {"../../etc/passwd"}}});
  EXPECT_TRUE(outside["isError"].get<bool>());

  json run = tool("run_workflow", {{"template", "feature"}, {"task", "add without_vat"}},
                  {{"progressToken", "p1"}});
  EXPECT_FALSE(run.value("isError", false)) << run.dump();
  EXPECT_EQ(run["structuredContent"]["state"], "completed");
  EXPECT_FALSE(progress_.empty());  // a step at a time
  // Strictly increasing (the MCP rule), with the workflow's 5 steps as the total.
  for (std::size_t i = 1; i < progress_.size(); ++i)
    EXPECT_GT(progress_[i]["progress"].get<double>(), progress_[i - 1]["progress"].get<double>())
        << progress_[i - 1].dump() << " then " << progress_[i].dump();
  EXPECT_EQ(progress_.back()["progress"].get<double>(), 5.0);
  EXPECT_EQ(progress_.back()["total"].get<double>(), 5.0);
  EXPECT_EQ(read("shop/pricing.py").find("without_vat"), std::string::npos);  // proposed only
  json status = tool("workflow_status", json::object());
  EXPECT_EQ(status["structuredContent"]["workflows"][0]["id"], run["structuredContent"]["id"]);

  json applied =
      tool("run_workflow", {{"template", "feature"}, {"task", "add without_vat"}, {"apply", true}});
  EXPECT_EQ(applied["structuredContent"]["state"], "completed");
  EXPECT_EQ(read("shop/pricing.py"), kNewPricing);
}

TEST_F(McpAgent, WithoutAModelTheToolsSayWhatToConfigure) {
  ::unsetenv("OPENAI_BASE_URL");
  startMcp();
  for (auto name : {"ask", "run_workflow"}) {
    json r = tool(name, name == std::string("ask") ? json{{"question", "x"}}
                                                   : json{{"template", "review"}, {"task", "x"}});
    EXPECT_TRUE(r["isError"].get<bool>()) << name;
    EXPECT_NE(r["content"][0]["text"].get<std::string>().find("OPENAI_BASE_URL"), std::string::npos)
        << r.dump();
  }
}

}  // namespace
}  // namespace sb::e2e
