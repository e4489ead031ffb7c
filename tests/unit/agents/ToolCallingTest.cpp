// Function calling on each provider that has it: tools in the request,
// tool calls out of the response (whole and streamed), and tool results fed
// back in the provider's shape.
#include <gtest/gtest.h>

#include "Harness.h"

using namespace sb::agents;
using namespace sb::agents::test;
using nlohmann::json;
using sb::fake::FakeBackend;
using sb::fake::FakeToolCall;

namespace {

struct Case {
  const char* name;
  Provider provider;
  bool stream;
  const char* baseSuffix;
};

const Case kCases[] = {
    {"openai", Provider::OpenAi, false, "/v1"},
    {"openai_stream", Provider::OpenAi, true, "/v1"},
    {"anthropic", Provider::Anthropic, false, ""},
    {"anthropic_stream", Provider::Anthropic, true, ""},
    {"ollama", Provider::Ollama, false, ""},
    {"ollama_stream", Provider::Ollama, true, ""},
};

class ToolCalling : public ::testing::TestWithParam<Case> {};

LlmRequest withTools(bool stream) {
  LlmRequest r = chat("where is parseHeaders defined?", stream);
  r.tools.push_back({"find_symbol",
                     "Find a symbol by name",
                     {{"type", "object"},
                      {"properties", {{"name", {{"type", "string"}}}}},
                      {"required", {"name"}}}});
  return r;
}

TEST_P(ToolCalling, CallsComeOutWithParsedArguments) {
  const Case& c = GetParam();
  FakeBackend server;
  server.setResponder([](const sb::fake::RecordedRequest& req) -> std::optional<sb::fake::Reply> {
    return sb::fake::toolCallReply(req,
                                   {FakeToolCall{"find_symbol", {{"name", "parseHeaders"}}},
                                    FakeToolCall{"read_file", {{"path", "a.c"}, {"start", 1}}}});
  });
  LlmRouter router({backend("b", c.provider, server.url() + c.baseSuffix)});
  auto r = run(router, withTools(c.stream));
  ASSERT_TRUE(r.ok()) << r.describe();
  ASSERT_EQ(r.result().toolCalls.size(), 2u);
  EXPECT_EQ(r.result().toolCalls[0].name, "find_symbol");
  EXPECT_EQ(r.result().toolCalls[0].arguments, (json{{"name", "parseHeaders"}}));
  EXPECT_EQ(r.result().toolCalls[1].name, "read_file");
  EXPECT_EQ(r.result().toolCalls[1].arguments["start"], 1);
  EXPECT_FALSE(r.result().toolCalls[0].id.empty());
  EXPECT_NE(r.result().toolCalls[0].id, r.result().toolCalls[1].id);

  // The tool was declared in the provider's shape.
  json body = server.requests().at(0).json();
  ASSERT_TRUE(body.contains("tools"));
  if (c.provider == Provider::Anthropic) {
    EXPECT_EQ(body["tools"][0]["name"], "find_symbol");
    EXPECT_EQ(body["tools"][0]["input_schema"]["required"][0], "name");
  } else {
    EXPECT_EQ(body["tools"][0]["type"], "function");
    EXPECT_EQ(body["tools"][0]["function"]["name"], "find_symbol");
  }
}

TEST_P(ToolCalling, ResultsGoBackInTheProvidersShape) {
  const Case& c = GetParam();
  FakeBackend server;
  LlmRouter router({backend("b", c.provider, server.url() + c.baseSuffix)});
  LlmRequest req = withTools(c.stream);
  ToolCall call{"call_9", "find_symbol", {{"name", "x"}}};
  req.messages.push_back(Message::assistant("", {call}));
  req.messages.push_back(Message::toolResult(call, "x.c:1:1 function x"));
  auto r = run(router, req);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.result().text, "Hello, world!");
  json msgs = server.requests().at(0).json()["messages"];
  const json& last = msgs.back();
  switch (c.provider) {
    case Provider::Anthropic:
      EXPECT_EQ(msgs[msgs.size() - 2]["content"][0]["type"], "tool_use");
      EXPECT_EQ(msgs[msgs.size() - 2]["content"][0]["id"], "call_9");
      EXPECT_EQ(last["role"], "user");
      EXPECT_EQ(last["content"][0]["type"], "tool_result");
      EXPECT_EQ(last["content"][0]["tool_use_id"], "call_9");
      break;
    case Provider::Ollama:
      EXPECT_EQ(msgs[msgs.size() - 2]["tool_calls"][0]["function"]["arguments"]["name"], "x");
      EXPECT_EQ(last["role"], "tool");
      EXPECT_EQ(last["tool_name"], "find_symbol");
      break;
    default:
      EXPECT_EQ(msgs[msgs.size() - 2]["tool_calls"][0]["id"], "call_9");
      EXPECT_EQ(msgs[msgs.size() - 2]["tool_calls"][0]["function"]["arguments"],
                "{\"name\":\"x\"}");
      EXPECT_EQ(last["role"], "tool");
      EXPECT_EQ(last["tool_call_id"], "call_9");
  }
  EXPECT_EQ(last.dump().find("x.c:1:1") != std::string::npos, true);
}

INSTANTIATE_TEST_SUITE_P(AllProviders, ToolCalling, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ToolCallingRouter, RequestsWithToolsAreNeverCached) {
  FakeBackend server;
  CacheOptions cache;
  cache.path = ::testing::TempDir() + "/toolcache.db";
  std::remove(cache.path.c_str());
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")}, cache);
  ASSERT_TRUE(run(router, withTools(false)).ok());
  auto second = run(router, withTools(false));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second.result().fromCache);
  EXPECT_EQ(server.requestCount(), 2u);
}

TEST(ToolCallingRouter, BackendPreferenceChoosesAndOrdersTheChain) {
  FakeBackend first, second;
  first.setDefaultText("from first");
  second.setDefaultText("from second");
  LlmRouter router({backend("first", Provider::OpenAi, first.url() + "/v1"),
                    backend("second", Provider::OpenAi, second.url() + "/v1")});
  LlmRequest req = chat("hi");
  req.backends = {"second", "first"};
  auto r = run(router, req);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.result().text, "from second");
  EXPECT_EQ(first.requestCount(), 0u);

  req.backends = {"nope"};
  auto none = run(router, req);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, LlmError::Kind::NotConfigured);
}

TEST(ToolCallingRouter, StatusReportsTrafficAndHealth) {
  FakeBackend server;
  server.enqueue(sb::fake::errorReply(400, "bad"));
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")});
  EXPECT_FALSE(run(router, chat("one")).ok());
  EXPECT_TRUE(run(router, chat("two")).ok());
  auto st = router.status();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].name, "b");
  EXPECT_EQ(st[0].circuit, "closed");
  EXPECT_EQ(st[0].requests, 2);
  EXPECT_EQ(st[0].failures, 1);
  EXPECT_NE(st[0].lastError.find("HTTP 400"), std::string::npos);
  EXPECT_GT(st[0].p50Ms, 0.0);
}

}  // namespace

namespace {

// OPENAI_BASE_URL may point at llama-server, whose /v1/completions ignores the
// suffix: the router notices (GET /props) and fills in the middle with /infill.
TEST(LlamaServerDetection, FimGoesToInfillWhenTheServerIsLlamaServer) {
  FakeBackend server;
  server.setResponder([](const sb::fake::RecordedRequest& req) -> std::optional<sb::fake::Reply> {
    if (req.method == "GET" && req.path == "/props") {
      sb::fake::Reply r;
      r.body = R"({"default_generation_settings": {"n_ctx": 4096}, "total_slots": 1})";
      return r;
    }
    return std::nullopt;
  });
  auto cfg = backend("openai", Provider::OpenAi, server.url() + "/v1");
  cfg.detectLlamaCpp = true;
  LlmRouter router({cfg});
  auto r = run(router, fim("int main(", ") {}"));
  ASSERT_TRUE(r.ok()) << r.describe();
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].path, "/props");
  EXPECT_EQ(reqs[1].path, "/infill");
  EXPECT_EQ(reqs[1].json()["input_suffix"], ") {}");
  ASSERT_TRUE(run(router, fim("a", "b")).ok());
  EXPECT_EQ(server.requestCount(), 3u);  // asked once
  ASSERT_TRUE(run(router, chat("hi")).ok());
  EXPECT_EQ(server.requests().back().path, "/v1/chat/completions");  // chat stays OpenAI-style
}

TEST(LlamaServerDetection, OtherServersKeepTheOpenAiCompletionsEndpoint) {
  FakeBackend server;  // answers 404 to GET /props, like vLLM or Ollama's /v1
  auto cfg = backend("openai", Provider::OpenAi, server.url() + "/v1");
  cfg.detectLlamaCpp = true;
  LlmRouter router({cfg});
  ASSERT_TRUE(run(router, fim("int main(", ") {}")).ok());
  EXPECT_EQ(server.requests().back().path, "/v1/completions");
  EXPECT_EQ(server.requests().back().json()["suffix"], ") {}");
}

}  // namespace
