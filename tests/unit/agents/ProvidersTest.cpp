// Each provider's request (path, headers, body) and response parsing, whole
// and streamed, against the fake server.
#include <gtest/gtest.h>

#include "Harness.h"
#include "agents/ResponseDecoder.h"

using namespace sb::agents;
using namespace sb::agents::test;
using sb::fake::FakeBackend;

namespace {

struct Case {
  const char* name;
  Provider provider;
  bool fimKind;
  bool stream;
  const char* baseSuffix;  // appended to the fake server's URL
  const char* path;        // expected request path
};

const Case kCases[] = {
    {"openai_chat", Provider::OpenAi, false, false, "/v1", "/v1/chat/completions"},
    {"openai_chat_stream", Provider::OpenAi, false, true, "/v1", "/v1/chat/completions"},
    {"openai_fim", Provider::OpenAi, true, false, "/v1", "/v1/completions"},
    {"openai_fim_stream", Provider::OpenAi, true, true, "/v1", "/v1/completions"},
    {"llamacpp_infill", Provider::LlamaCpp, true, false, "/v1", "/infill"},
    {"llamacpp_infill_stream", Provider::LlamaCpp, true, true, "/v1", "/infill"},
    {"llamacpp_chat_stream", Provider::LlamaCpp, false, true, "/v1", "/v1/chat/completions"},
    {"anthropic", Provider::Anthropic, false, false, "", "/v1/messages"},
    {"anthropic_stream", Provider::Anthropic, false, true, "", "/v1/messages"},
    {"anthropic_fim_stream", Provider::Anthropic, true, true, "", "/v1/messages"},
    {"ollama_generate", Provider::Ollama, true, false, "", "/api/generate"},
    {"ollama_generate_stream", Provider::Ollama, true, true, "", "/api/generate"},
    {"ollama_chat", Provider::Ollama, false, false, "", "/api/chat"},
    {"ollama_chat_stream", Provider::Ollama, false, true, "", "/api/chat"},
};

class Providers : public ::testing::TestWithParam<Case> {};

void expectBody(const Case& c, const nlohmann::json& b) {
  ASSERT_TRUE(b.is_object());
  EXPECT_EQ(b.value("stream", !c.stream), c.stream);  // always explicit (Ollama streams by default)
  switch (c.provider) {
    case Provider::OpenAi:
    case Provider::LlamaCpp:
      if (!c.fimKind) {
        EXPECT_EQ(b["model"], "test-model");
        EXPECT_EQ(b["messages"][0]["role"], "system");
        EXPECT_EQ(b["messages"][1]["content"], "say hi");
        EXPECT_EQ(b["max_tokens"], 32);
        if (c.stream) {
          EXPECT_EQ(b["stream_options"]["include_usage"], true);
        }
      } else if (c.provider == Provider::OpenAi) {
        EXPECT_EQ(b["prompt"], "int main(");
        EXPECT_EQ(b["suffix"], ") {}");
        EXPECT_EQ(b["stop"][0], "\n\n");
      } else {
        EXPECT_EQ(b["input_prefix"], "int main(");
        EXPECT_EQ(b["input_suffix"], ") {}");
        EXPECT_EQ(b["n_predict"], 16);
      }
      break;
    case Provider::Anthropic:
      EXPECT_EQ(b["model"], "test-model");
      EXPECT_TRUE(b.contains("max_tokens"));
      EXPECT_EQ(b["messages"][0]["role"], "user");
      if (c.fimKind) {
        EXPECT_EQ(b["messages"][0]["content"], "int main(<CURSOR>) {}");
      } else {
        EXPECT_EQ(b["system"], "You are terse.");
      }
      break;
    case Provider::Ollama:
      EXPECT_EQ(b["model"], "test-model");
      EXPECT_EQ(b["options"]["temperature"], 0.0);
      if (c.fimKind) {
        EXPECT_EQ(b["prompt"], "int main(");
        EXPECT_EQ(b["suffix"], ") {}");
        EXPECT_EQ(b["options"]["num_predict"], 16);
      } else {
        EXPECT_EQ(b["messages"][0]["role"], "system");
        EXPECT_EQ(b["messages"][1]["content"], "say hi");
      }
      break;
  }
}

}  // namespace

TEST_P(Providers, RequestAndResponse) {
  const Case& c = GetParam();
  FakeBackend server;
  server.setDefaultText("Hello from the fake backend");
  BackendConfig cfg = backend("b", c.provider, server.url() + c.baseSuffix);
  cfg.apiKeyEnv = "TEST_KEY";
  cfg.headers["X-Custom"] = "yes";
  LlmRouter router({cfg}, {}, [](const char* n) -> const char* {
    return std::string(n) == "TEST_KEY" ? "secret-key-123" : nullptr;
  });
  LlmRequest req = c.fimKind ? fim("int main(", ") {}", c.stream) : chat("say hi", c.stream);
  req.stop = {"\n\n"};
  Completion r = run(router, req);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.result().text, "Hello from the fake backend");
  EXPECT_EQ(r.deltas, c.stream ? "Hello from the fake backend" : "");
  EXPECT_FALSE(r.result().finishReason.empty());
  EXPECT_GT(r.result().completionTokens, 0);
  EXPECT_EQ(r.result().promptTokens, 5);
  EXPECT_EQ(r.result().backend, "b");
  EXPECT_FALSE(r.result().fromCache);

  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].path, c.path);
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/json");
  EXPECT_EQ(reqs[0].header("X-Custom"), "yes");
  if (c.provider == Provider::Anthropic) {
    EXPECT_EQ(reqs[0].header("x-api-key"), "secret-key-123");
    EXPECT_EQ(reqs[0].header("anthropic-version"), "2023-06-01");
    EXPECT_EQ(reqs[0].header("Authorization"), "");
  } else {
    EXPECT_EQ(reqs[0].header("Authorization"), "Bearer secret-key-123");
  }
  expectBody(c, reqs[0].json());
}

INSTANTIATE_TEST_SUITE_P(AllFormats, Providers, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Providers, ModelOmittedWhenUnset) {
  FakeBackend server;
  BackendConfig cfg = backend("llama", Provider::OpenAi, server.url() + "/v1");
  cfg.model.clear();
  LlmRouter router({cfg});
  ASSERT_TRUE(run(router, chat("x")).ok());
  EXPECT_FALSE(server.requests().at(0).json().contains("model"));
  EXPECT_EQ(server.requests().at(0).header("Authorization"), "");
}

TEST(Providers, APromptWithInvalidUtf8IsSentWithReplacementCharacters) {
  FakeBackend server;
  LlmRouter router({backend("llama", Provider::OpenAi, server.url() + "/v1")});
  ASSERT_TRUE(run(router, chat("caf\xE9 (Latin-1) and \xFF")).ok())
      << "the request is sent, not refused";
  std::string body = server.requests().at(0).json().dump();
  EXPECT_NE(body.find("caf\xEF\xBF\xBD (Latin-1)"), std::string::npos) << body;
}

TEST(Providers, ErrorBodyMessageSurfaces) {
  FakeBackend server;
  server.enqueue(sb::fake::errorReply(400, "prompt too long"));
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")});
  Completion r = run(router, chat("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmError::Kind::Http);
  EXPECT_EQ(r.error().httpStatus, 400);
  EXPECT_NE(r.error().message.find("prompt too long"), std::string::npos) << r.error().message;
  EXPECT_EQ(server.requestCount(), 1u);  // 400 is not retried
}

TEST(Providers, AnthropicStreamErrorEvent) {
  FakeBackend server;
  sb::fake::Reply reply;
  reply.contentType = "text/event-stream";
  reply.chunks = {"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n",
                  "event: error\ndata: "
                  "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
                  "\"Overloaded\"}}\n\n"};
  server.enqueue(reply);
  LlmRouter router({backend("a", Provider::Anthropic, server.url())});
  Completion r = run(router, chat("x", true));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Overloaded"), std::string::npos) << r.error().message;
}

// Well-formed JSON with wrongly typed fields, per wire format. Reading such a
// field once threw json::type_error out of the decoder, through libcurl's
// callback, and ended the process ({"done":"b"} from an Ollama backend).
TEST(Providers, WellFormedJsonWithWrongTypesIsNotTrusted) {
  struct Body {
    const WireFormat& wire;
    bool stream;
    std::string body;
  };
  const Body bodies[] = {
      {ollamaGenerateWire(), true, "{\"response\":\"a\",\"done\":\"b\"}\n"},
      {ollamaChatWire(), true,
       "{\"message\":{\"content\":7,\"tool_calls\":[{\"function\":[]}]},\"done\":1}\n"},
      {ollamaGenerateWire(), false, "{\"response\":[],\"done\":{},\"eval_count\":\"4\"}"},
      {llamaCppInfillWire(), true,
       "data: {\"content\":\"x\",\"stop\":true,\"stopped_limit\":\"y\"}\n\n"},
      {llamaCppInfillWire(), false, "{\"content\":\"x\",\"stop\":\"no\",\"tokens_predicted\":[]}"},
      {openAiChatWire(), true,
       "data: {\"choices\":[{\"delta\":{\"content\":1,\"tool_calls\":[{\"index\":\"0\","
       "\"function\":{\"arguments\":{}}}]},\"finish_reason\":2}],\"usage\":[]}\n\n"},
      {openAiChatWire(), false,
       "{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":7}]}}]}"},
      {anthropicMessagesWire(), true,
       "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":"
       "{\"type\":\"text_delta\",\"text\":5}}\n\n"},
      {anthropicMessagesWire(), false,
       "{\"content\":[1,{\"type\":\"text\",\"text\":{}}],\"usage\":1}"},
  };
  for (const auto& b : bodies) {
    ResponseDecoder decoder(b.wire, b.stream);
    DeltaCallback ignore = [](std::string_view) {};
    EXPECT_NO_THROW({
      if (!decoder.feed(b.body, ignore)) decoder.finish(ignore);
    }) << b.body;
  }

  // A wrongly typed flag reads as absent: the stream goes on to the real end.
  ResponseDecoder ollama(ollamaGenerateWire(), true);
  DeltaCallback ignore = [](std::string_view) {};
  ASSERT_FALSE(ollama.feed("{\"response\":\"a\",\"done\":\"b\"}\n", ignore));
  EXPECT_FALSE(ollama.state().done);
  ASSERT_FALSE(ollama.feed("{\"response\":\"b\",\"done\":true}\n", ignore));
  ASSERT_FALSE(ollama.finish(ignore));
  EXPECT_TRUE(ollama.state().done);
  EXPECT_EQ(ollama.state().text, "ab");
}

TEST(Providers, AnOllamaBackendSendingAStringDoneIsReadAsNotDone) {
  FakeBackend server;
  sb::fake::Reply reply;
  reply.contentType = "application/x-ndjson";
  reply.chunks = {"{\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"done\":\"b\"}\n"};
  server.enqueue(reply);
  LlmRouter router({backend("o", Provider::Ollama, server.url())});
  Completion r = run(router, chat("x", true));
  // The call completes (the process lives) with the text sent; "b" is no flag.
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.result().text, "a");
}

TEST(Providers, AnEmptyErrorMessageFallsBackToTheBody) {
  // A failed call must always say something (found by fuzz_response_decoder:
  // an Anthropic error event with "message":"").
  EXPECT_EQ(errorMessageFromBody(R"({"error":{"message":""}})"), R"({"error":{"message":""}})");
  EXPECT_EQ(errorMessageFromBody(R"({"error":"","message":"m"})"), "m");
  EXPECT_EQ(errorMessageFromBody(R"({"error":{"message":"overloaded"}})"), "overloaded");
}
