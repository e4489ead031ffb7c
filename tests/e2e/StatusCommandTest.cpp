// `switchboard status` in its own process reports what the running daemons
// publish: backend health, request counts and latencies, plus the index from
// its database and the workflows from their store; with no daemon it says
// so, and --probe asks the backends.
#include "WorkflowFixture.h"

namespace sb::e2e {
namespace {

class StatusCommand : public Workflows {
 protected:
  json status(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"status", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = cli(args);
    EXPECT_EQ(r.status.code, 0) << r.err;
    return r.status.code == 0 ? json::parse(r.out) : json::object();
  }
  static const json* workflow(const json& report, const std::string& id) {
    for (auto& w : report["workflows"])
      if (w["id"] == id) return &w;
    return nullptr;
  }
};

TEST_F(StatusCommand, ShowsTheDaemonsRequestsLatenciesTheIndexAndTheWorkflows) {
  ASSERT_EQ(cli({"index", ws_}).status.code, 0);
  McpSession mcp(ws_, (dir_ / "index").string());
  json done = mcp.tool("run_workflow", {{"template", "feature"}, {"task", "add without_vat"}});
  ASSERT_EQ(done["structuredContent"]["state"], "completed") << done.dump();
  std::string finished = done["structuredContent"]["id"];
  long answered = static_cast<long>(backend_.requestCount());
  int developerCalls = requestsFor("developer");
  holdDeveloper_ = true;  // a second one stays running
  json started = mcp.tool("run_workflow",
                          {{"template", "feature"}, {"task", "add without_vat"}, {"wait", false}});
  std::string running = started["structuredContent"]["id"];
  ASSERT_TRUE(eventually([&] { return requestsFor("developer") > developerCalls; }));

  // The daemon publishes within a couple of seconds of a change.
  json report;
  ASSERT_TRUE(eventually([&] {
    report = status();
    return !report["backends"].empty() &&
           report["backends"][0].value("requests", 0L) >= answered + 1;  // + the second plan
  })) << report.dump(2);
  ASSERT_EQ(report["daemons"].size(), 1u) << report.dump(2);
  EXPECT_EQ(report["daemons"][0]["pid"], mcp.process().pid());
  EXPECT_EQ(report["daemons"][0]["command"], "mcp");
  json backend = report["backends"][0];
  EXPECT_EQ(backend["name"], "openai");
  EXPECT_EQ(backend["source"], "daemon");
  EXPECT_EQ(backend["state"], "healthy");
  EXPECT_EQ(backend["failures"], 0);
  EXPECT_GT(backend["p50Ms"].get<double>(), 0.0);
  EXPECT_GE(backend["p99Ms"].get<double>(), backend["p50Ms"].get<double>());
  EXPECT_FALSE(report["offline"].get<bool>());

  EXPECT_EQ(report["index"]["roots"][0]["root"], ws_);
  EXPECT_GT(report["index"]["files"].get<long>(), 0);
  std::string indexState = report["index"]["state"];
  EXPECT_TRUE(indexState == "ready" || indexState == "indexing") << indexState;

  const json* w1 = workflow(report, finished);
  const json* w2 = workflow(report, running);
  ASSERT_TRUE(w1 && w2) << report["workflows"].dump(2);
  EXPECT_EQ((*w1)["state"], "completed");
  EXPECT_EQ((*w1)["stepsDone"], 5);
  EXPECT_EQ((*w2)["state"], "running");
  EXPECT_EQ((*w2)["stepsDone"], 1);

  auto text = cli({"status"});
  EXPECT_NE(text.out.find("daemons: mcp (pid " + std::to_string(mcp.process().pid()) + ")"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(": healthy, "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" failed, p50 "), std::string::npos) << text.out;

  // A daemon killed without a chance to clean up drops out at once, and its
  // workflow shows as interrupted.
  mcp.process().signal(SIGKILL);
  ASSERT_TRUE(mcp.process().wait(10s));
  report = status();
  EXPECT_TRUE(report["daemons"].empty()) << report.dump(2);
  EXPECT_EQ(report["backends"][0]["state"], "not probed");
  EXPECT_EQ(report["backends"][0]["requests"], 0);
  ASSERT_TRUE(workflow(report, running));
  EXPECT_EQ((*workflow(report, running))["state"], "interrupted");
}

TEST_F(StatusCommand, WithoutADaemonItSaysSoAndProbesOnRequest) {
  json report = status();
  EXPECT_TRUE(report["daemons"].empty());
  ASSERT_EQ(report["backends"].size(), 1u) << report.dump(2);
  EXPECT_EQ(report["backends"][0]["state"], "not probed");
  EXPECT_EQ(report["backends"][0]["source"], "config");
  auto text = cli({"status"});
  EXPECT_NE(text.out.find("daemons: none running"), std::string::npos) << text.out;
  EXPECT_EQ(backend_.requestCount(), 0u);  // nothing was asked

  report = status({"--probe"});
  EXPECT_EQ(report["backends"][0]["state"], "reachable") << report.dump(2);
  EXPECT_EQ(report["backends"][0]["source"], "probe");
  EXPECT_GT(backend_.requestCount(), 0u);

  ::setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1", 1);  // the discard port: nothing listens
  report = status({"--probe"});
  EXPECT_EQ(report["backends"][0]["state"], "unreachable") << report.dump(2);
  EXPECT_FALSE(report["backends"][0]["probe"].get<std::string>().empty());
}

TEST_F(StatusCommand, ALspDaemonReportsTheRouterOfASessionWithItsOwnSettings) {
  std::string sock = (dir_ / "sb.sock").string();
  ::unsetenv("OPENAI_BASE_URL");  // the daemon itself has no backend
  auto daemon = startLspDaemon(sock);
  FdStream a = connectUnix(sock);
  LspClient lsp(a);
  json init = lsp.request(
      "initialize",
      {{"processId", nullptr},
       {"rootUri", "file://" + ws_},
       {"capabilities", json::object()},
       {"initializationOptions",
        {{"backends",
          {{{"name", "editor"}, {"provider", "openai"}, {"baseUrl", backend_.url() + "/v1"}}}}}}});
  ASSERT_TRUE(init.contains("result")) << init.dump();
  lsp.notify("initialized", json::object());
  json report;
  ASSERT_TRUE(eventually([&] {
    report = status();
    return !report["backends"].empty();
  })) << report.dump(2)
      << daemon.err();
  EXPECT_EQ(report["backends"][0]["name"], "editor");
  EXPECT_EQ(report["backends"][0]["source"], "daemon");
  EXPECT_EQ(report["daemons"][0]["command"], "lsp");
}

}  // namespace
}  // namespace sb::e2e
