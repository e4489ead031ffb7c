// Replies in each provider's wire format, whole or streamed.
#include <algorithm>

#include "FakeBackend.h"

namespace sb::fake {

using nlohmann::json;

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string sse(const json& data, const std::string& event = {}) {
  return (event.empty() ? std::string() : "event: " + event + "\n") + "data: " + data.dump() +
         "\n\n";
}

std::vector<std::string> split(const std::string& text, std::size_t parts) {
  std::vector<std::string> out;
  std::size_t step = std::max<std::size_t>(1, (text.size() + parts - 1) / parts);
  for (std::size_t i = 0; i < text.size(); i += step) out.push_back(text.substr(i, step));
  return out;
}

int tokens(const std::string& text) {
  return static_cast<int>(text.size() / 4 + 1);
}

}  // namespace

std::vector<std::string> streamChunks(const std::string& path,
                                      const std::vector<std::string>& pieces) {
  std::vector<std::string> out;
  std::string all;
  for (auto& p : pieces) all += p;
  if (endsWith(path, "/chat/completions") || endsWith(path, "/completions")) {
    bool chat = endsWith(path, "/chat/completions");
    for (auto& p : pieces) {
      json choice{{"index", 0}, {"finish_reason", nullptr}};
      if (chat)
        choice["delta"] = {{"content", p}};
      else
        choice["text"] = p;
      out.push_back(sse({{"object", "chunk"}, {"choices", {choice}}}));
    }
    json last{{"index", 0}, {"finish_reason", "stop"}};
    if (chat)
      last["delta"] = json::object();
    else
      last["text"] = "";
    out.push_back(sse({{"choices", {last}}}));
    out.push_back(sse({{"choices", json::array()},
                       {"usage", {{"prompt_tokens", 5}, {"completion_tokens", tokens(all)}}}}));
    out.push_back("data: [DONE]\n\n");
  } else if (endsWith(path, "/infill")) {
    for (auto& p : pieces) out.push_back(sse({{"content", p}, {"stop", false}}));
    out.push_back(sse({{"content", ""},
                       {"stop", true},
                       {"tokens_predicted", tokens(all)},
                       {"tokens_evaluated", 5}}));
  } else if (endsWith(path, "/v1/messages")) {
    out.push_back(sse(
        {{"type", "message_start"},
         {"message", {{"id", "msg_1"}, {"usage", {{"input_tokens", 5}, {"output_tokens", 1}}}}}},
        "message_start"));
    out.push_back(sse({{"type", "content_block_start"},
                       {"index", 0},
                       {"content_block", {{"type", "text"}, {"text", ""}}}},
                      "content_block_start"));
    out.push_back("event: ping\ndata: {\"type\": \"ping\"}\n\n");
    for (auto& p : pieces)
      out.push_back(sse({{"type", "content_block_delta"},
                         {"index", 0},
                         {"delta", {{"type", "text_delta"}, {"text", p}}}},
                        "content_block_delta"));
    out.push_back(sse({{"type", "content_block_stop"}, {"index", 0}}, "content_block_stop"));
    out.push_back(sse({{"type", "message_delta"},
                       {"delta", {{"stop_reason", "end_turn"}}},
                       {"usage", {{"output_tokens", tokens(all)}}}},
                      "message_delta"));
    out.push_back(sse({{"type", "message_stop"}}, "message_stop"));
  } else if (endsWith(path, "/api/generate") || endsWith(path, "/api/chat")) {
    bool chat = endsWith(path, "/api/chat");
    auto line = [&](const std::string& p, bool done) {
      json v{{"model", "fake"}, {"done", done}};
      if (chat)
        v["message"] = {{"role", "assistant"}, {"content", p}};
      else
        v["response"] = p;
      if (done) {
        v["done_reason"] = "stop";
        v["prompt_eval_count"] = 5;
        v["eval_count"] = tokens(all);
      }
      return v.dump() + "\n";
    };
    for (auto& p : pieces) out.push_back(line(p, false));
    out.push_back(line("", true));
  }
  return out;
}

Reply autoReply(const RecordedRequest& req, const std::string& text) {
  json body = req.json();
  bool stream = body.is_object() && body.value("stream", false);
  const std::string& path = req.path;
  Reply r;
  if (stream) {
    r.chunks = streamChunks(path, split(text, 3));
    if (r.chunks.empty()) return errorReply(404, "no such endpoint: " + path);
    r.contentType = endsWith(path, "/api/generate") || endsWith(path, "/api/chat")
                        ? "application/x-ndjson"
                        : "text/event-stream";
    return r;
  }
  int n = tokens(text);
  // Model lists (what `switchboard config check` asks): one model, "fake-model".
  if (req.method == "GET" && endsWith(path, "/models")) {
    r.body = json{{"object", "list"},
                  {"data", {{{"id", "fake-model"}, {"object", "model"}, {"type", "model"}}}}}
                 .dump();
    return r;
  }
  if (req.method == "GET" && endsWith(path, "/api/tags")) {
    r.body =
        json{{"models", {{{"name", "fake-model:latest"}, {"model", "fake-model:latest"}}}}}.dump();
    return r;
  }
  if (endsWith(path, "/chat/completions")) {
    r.body = json{{"object", "chat.completion"},
                  {"choices",
                   {{{"index", 0},
                     {"message", {{"role", "assistant"}, {"content", text}}},
                     {"finish_reason", "stop"}}}},
                  {"usage", {{"prompt_tokens", 5}, {"completion_tokens", n}}}}
                 .dump();
  } else if (endsWith(path, "/completions")) {
    r.body = json{{"object", "text_completion"},
                  {"choices", {{{"index", 0}, {"text", text}, {"finish_reason", "stop"}}}},
                  {"usage", {{"prompt_tokens", 5}, {"completion_tokens", n}}}}
                 .dump();
  } else if (endsWith(path, "/infill")) {
    r.body =
        json{{"content", text}, {"stop", true}, {"tokens_predicted", n}, {"tokens_evaluated", 5}}
            .dump();
  } else if (endsWith(path, "/v1/messages")) {
    r.body = json{{"type", "message"},
                  {"content", {{{"type", "text"}, {"text", text}}}},
                  {"stop_reason", "end_turn"},
                  {"usage", {{"input_tokens", 5}, {"output_tokens", n}}}}
                 .dump();
  } else if (endsWith(path, "/api/generate")) {
    r.body = json{{"model", "fake"},       {"response", text},       {"done", true},
                  {"done_reason", "stop"}, {"prompt_eval_count", 5}, {"eval_count", n}}
                 .dump();
  } else if (endsWith(path, "/api/chat")) {
    r.body = json{{"model", "fake"},        {"message", {{"role", "assistant"}, {"content", text}}},
                  {"done", true},           {"done_reason", "stop"},
                  {"prompt_eval_count", 5}, {"eval_count", n}}
                 .dump();
  } else {
    return errorReply(404, "no such endpoint: " + path);
  }
  return r;
}

Reply toolCallReply(const RecordedRequest& req, const std::vector<FakeToolCall>& calls,
                    const std::string& text) {
  json body = req.json();
  bool stream = body.is_object() && body.value("stream", false);
  const std::string& path = req.path;
  Reply r;
  if (endsWith(path, "/chat/completions")) {
    if (!stream) {
      json tc = json::array();
      int i = 0;
      for (auto& c : calls)
        tc.push_back({{"id", "call_" + std::to_string(++i)},
                      {"type", "function"},
                      {"function", {{"name", c.name}, {"arguments", c.arguments.dump()}}}});
      json msg{{"role", "assistant"},
               {"content", text.empty() ? json(nullptr) : json(text)},
               {"tool_calls", tc}};
      r.body =
          json{{"choices", {{{"index", 0}, {"message", msg}, {"finish_reason", "tool_calls"}}}},
               {"usage", {{"prompt_tokens", 5}, {"completion_tokens", 7}}}}
              .dump();
      return r;
    }
    // Streamed: the name first, the arguments split in two pieces, as real servers do.
    r.contentType = "text/event-stream";
    int i = 0;
    for (auto& c : calls) {
      std::string args = c.arguments.dump();
      std::string half = args.substr(0, args.size() / 2), rest = args.substr(args.size() / 2);
      json first{{"index", i},
                 {"id", "call_" + std::to_string(i + 1)},
                 {"type", "function"},
                 {"function", {{"name", c.name}, {"arguments", half}}}};
      r.chunks.push_back(
          sse({{"choices", {{{"index", 0}, {"delta", {{"tool_calls", {first}}}}}}}}));
      json second{{"index", i}, {"function", {{"arguments", rest}}}};
      r.chunks.push_back(
          sse({{"choices", {{{"index", 0}, {"delta", {{"tool_calls", {second}}}}}}}}));
      ++i;
    }
    r.chunks.push_back(
        sse({{"choices",
              {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "tool_calls"}}}}}));
    r.chunks.push_back("data: [DONE]\n\n");
    return r;
  }
  if (endsWith(path, "/v1/messages")) {
    if (!stream) {
      json content = json::array();
      if (!text.empty()) content.push_back({{"type", "text"}, {"text", text}});
      int i = 0;
      for (auto& c : calls)
        content.push_back({{"type", "tool_use"},
                           {"id", "toolu_" + std::to_string(++i)},
                           {"name", c.name},
                           {"input", c.arguments}});
      r.body = json{{"type", "message"},
                    {"content", content},
                    {"stop_reason", "tool_use"},
                    {"usage", {{"input_tokens", 5}, {"output_tokens", 7}}}}
                   .dump();
      return r;
    }
    r.contentType = "text/event-stream";
    r.chunks.push_back(sse({{"type", "message_start"},
                            {"message", {{"id", "msg_1"}, {"usage", {{"input_tokens", 5}}}}}},
                           "message_start"));
    int i = 0;
    for (auto& c : calls) {
      std::string args = c.arguments.dump();
      r.chunks.push_back(sse({{"type", "content_block_start"},
                              {"index", i},
                              {"content_block",
                               {{"type", "tool_use"},
                                {"id", "toolu_" + std::to_string(i + 1)},
                                {"name", c.name},
                                {"input", json::object()}}}},
                             "content_block_start"));
      for (auto& piece : split(args, 2))
        r.chunks.push_back(sse({{"type", "content_block_delta"},
                                {"index", i},
                                {"delta", {{"type", "input_json_delta"}, {"partial_json", piece}}}},
                               "content_block_delta"));
      r.chunks.push_back(sse({{"type", "content_block_stop"}, {"index", i}}, "content_block_stop"));
      ++i;
    }
    r.chunks.push_back(sse({{"type", "message_delta"},
                            {"delta", {{"stop_reason", "tool_use"}}},
                            {"usage", {{"output_tokens", 7}}}},
                           "message_delta"));
    r.chunks.push_back(sse({{"type", "message_stop"}}, "message_stop"));
    return r;
  }
  if (endsWith(path, "/api/chat")) {
    json tc = json::array();
    for (auto& c : calls)
      tc.push_back({{"function", {{"name", c.name}, {"arguments", c.arguments}}}});
    json v{{"model", "fake"},
           {"message", {{"role", "assistant"}, {"content", text}, {"tool_calls", tc}}},
           {"done", true},
           {"done_reason", "stop"},
           {"prompt_eval_count", 5},
           {"eval_count", 7}};
    if (stream) {
      r.contentType = "application/x-ndjson";
      r.chunks.push_back(v.dump() + "\n");
    } else {
      r.body = v.dump();
    }
    return r;
  }
  return errorReply(404, "no tool calling at " + path);
}

Reply errorReply(int status, const std::string& message, Headers extra) {
  Reply r;
  r.status = status;
  r.headers = std::move(extra);
  r.body = json{{"error", {{"message", message}, {"type", "fake_error"}}}}.dump();
  return r;
}

}  // namespace sb::fake
