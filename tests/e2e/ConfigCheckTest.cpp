// `switchboard config check` against the fake LLM backend, a closed port, a
// server that refuses the key, an invalid file, and no configuration at all.
// Each run gets a clean environment (env -i) so the user's own variables and
// config files cannot leak in.
#include <gtest/gtest.h>

#include "ChildProcess.h"
#include "FakeBackend.h"
#include "ScratchDir.h"

namespace sb::e2e {
namespace {

struct ConfigCheck : ::testing::Test {
  ScratchDir dir;
  std::string ws() const { return dir / "ws"; }
  // These tests are about `config check` itself: the user trusts the workspace file.
  void workspaceConfig(const std::string& text) {
    writeText(dir / "ws/.switchboard/config.json", text);
    writeText(dir / "xdg/switchboard/config.json", R"({"trustWorkspaceConfig": true})");
  }
  Finished check(const std::vector<std::string>& env = {}) {
    std::filesystem::create_directories(ws());
    std::vector<std::string> argv = {"/usr/bin/env", "-i", "HOME=" + dir.path(),
                                     "XDG_CONFIG_HOME=" + (dir / "xdg")};
    argv.insert(argv.end(), env.begin(), env.end());
    for (const auto& v : sanitizerEnvironment()) argv.push_back(v);
    for (const char* a : {SB_BINARY, "config", "check"}) argv.push_back(a);
    argv.push_back(ws());
    return runToCompletion(argv, 30s);
  }
};

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_F(ConfigCheck, NoConfigurationIsOfflineAndFine) {
  auto run = check();
  EXPECT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_TRUE(has(run.out, "none configured")) << run.out;
  EXPECT_TRUE(has(run.out, "offline")) << run.out;
  EXPECT_TRUE(has(run.out, "OPENAI_BASE_URL")) << run.out;
}

TEST_F(ConfigCheck, FakeBackendsAreReachable) {
  sb::fake::FakeBackend server;
  workspaceConfig(R"({"backends": [
      {"name": "local", "provider": "llamacpp", "baseUrl": ")" +
                  server.url() + R"(/v1", "model": "fake-model"},
      {"name": "oll", "provider": "ollama", "baseUrl": ")" +
                  server.url() + R"(", "model": "fake-model"},
      {"name": "claude", "provider": "anthropic", "baseUrl": ")" +
                  server.url() + R"(",
       "apiKeyEnv": "TEST_ANTHROPIC_KEY", "model": "fake-model"}]})");
  auto run = check({"TEST_ANTHROPIC_KEY=sk-ant-verysecret"});
  EXPECT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_TRUE(has(run.out, "read       " + ws() + "/.switchboard/config.json")) << run.out;
  EXPECT_TRUE(has(run.out, "ok (")) << run.out;
  EXPECT_TRUE(has(run.out, "model fake-model)")) << run.out;
  EXPECT_TRUE(has(run.out, "TEST_ANTHROPIC_KEY (set)")) << run.out;
  EXPECT_FALSE(has(run.out + run.err, "verysecret")) << run.out;
  // The probes are the cheap list requests, with the key in the provider's header.
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  bool sawAnthropic = false;
  for (auto& r : requests) {
    EXPECT_EQ(r.method, "GET") << r.path;
    if (r.path == "/v1/models" && !r.header("x-api-key").empty()) {
      sawAnthropic = true;
      EXPECT_EQ(r.header("x-api-key"), "sk-ant-verysecret");
    }
  }
  EXPECT_TRUE(sawAnthropic);
}

TEST_F(ConfigCheck, EnvironmentOnlyQuickStart) {
  sb::fake::FakeBackend server;
  auto run = check({"OPENAI_BASE_URL=" + server.url() + "/v1"});
  EXPECT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_TRUE(has(run.out, "OPENAI_BASE_URL=" + server.url())) << run.out;
  EXPECT_TRUE(has(run.out, "ok (")) << run.out;
  EXPECT_TRUE(has(run.out, "serves fake-model")) << run.out;
}

TEST_F(ConfigCheck, ClosedPortIsUnreachable) {
  std::string url;
  {
    sb::fake::FakeBackend gone;  // its port is free again once it is gone
    url = gone.url();
  }
  workspaceConfig(R"({"backends": [{"name": "dead", "provider": "openai", "baseUrl": ")" + url +
                  R"(/v1"}]})");
  auto run = check();
  EXPECT_EQ(run.status.code, 1) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_TRUE(has(run.out, "unreachable: connection refused at " + url + "/v1")) << run.out;
}

TEST_F(ConfigCheck, RefusedKeyNamesTheVariable) {
  sb::fake::FakeBackend server;
  server.enqueue(sb::fake::errorReply(401, "invalid api key sk-wrong"));
  auto run = check({"OPENAI_BASE_URL=" + server.url() + "/v1", "OPENAI_API_KEY=sk-wrong"});
  EXPECT_EQ(run.status.code, 1) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_TRUE(has(run.out, "401: check OPENAI_API_KEY")) << run.out;
  EXPECT_TRUE(has(run.out, "OPENAI_API_KEY (set)")) << run.out;
  EXPECT_FALSE(has(run.out + run.err, "sk-wrong")) << run.out;
}

TEST_F(ConfigCheck, OllamaModelNotPulled) {
  sb::fake::FakeBackend server;
  auto run = check({"OLLAMA_HOST=" + server.url(), "OLLAMA_MODEL=missing-model"});
  EXPECT_EQ(run.status.code, 1) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_TRUE(has(run.out, "ollama pull missing-model")) << run.out;
  EXPECT_TRUE(has(run.out, "fake-model:latest")) << run.out;
}

TEST_F(ConfigCheck, WithoutAModelListFallsBackToOneToken) {
  sb::fake::FakeBackend server;
  server.enqueue(sb::fake::errorReply(404, "no such endpoint"));
  auto run = check({"OPENAI_BASE_URL=" + server.url() + "/v1", "OPENAI_MODEL=m"});
  EXPECT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_TRUE(has(run.out, "ok (")) << run.out;
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].path, "/v1/chat/completions");
  EXPECT_EQ(requests[1].json().value("max_tokens", 0), 1) << requests[1].body;
}

TEST_F(ConfigCheck, InvalidFileExitsTwo) {
  workspaceConfig(
      R"({"backends": [{"provider": "openai", "baseUrl": "http://127.0.0.1:1/v1", "apiKey": "sk-lit"}]})");
  auto run = check();
  EXPECT_EQ(run.status.code, 2) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_TRUE(has(run.out, "backends[0].apiKey")) << run.out;
  EXPECT_TRUE(has(run.out, "apiKeyEnv")) << run.out;
  EXPECT_FALSE(has(run.out, "sk-lit")) << run.out;
}

TEST_F(ConfigCheck, UsageErrorExitsTwo) {
  auto run = runToCompletion({SB_BINARY, "config", "validate"});
  EXPECT_EQ(run.status.code, 2) << run.status.describe();
  EXPECT_TRUE(has(run.err, "config check")) << run.err;
}

}  // namespace
}  // namespace sb::e2e
