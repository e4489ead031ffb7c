// A real HTTP/1.1 server on 127.0.0.1 that speaks the LLM providers' wire
// formats, for tests. Each request gets the next scripted Reply, or else an
// automatic one in the format of the path it hit (OpenAI chat/completions,
// llama.cpp /infill, Anthropic /v1/messages, Ollama /api/generate and
// /api/chat; streamed when the request body says "stream": true). It records
// what it received and notices when a client closes a connection before the
// reply is complete. One connection per request (Connection: close).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sb::fake {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Millis = std::chrono::milliseconds;

struct RecordedRequest {
  std::string method, path;
  Headers headers;
  std::string body;
  // When the whole request had arrived, and when the last byte of the reply
  // was written (steady clock; the epoch if it never was): benchmarks time
  // the daemon's legs on either side of the backend with them.
  std::chrono::steady_clock::time_point receivedAt{}, repliedAt{};
  std::string header(const std::string& name) const;  // case-insensitive, "" if absent
  nlohmann::json json() const;                        // the body parsed, null if not JSON
};

struct Reply {
  int status = 200;
  Headers headers;  // extra, e.g. {"Retry-After", "1"}
  std::string contentType = "application/json";
  std::string body;                 // sent with Content-Length when chunks is empty
  std::vector<std::string> chunks;  // else sent with chunked transfer encoding
  Millis headerDelay{0};            // before the status line
  Millis chunkDelay{0};             // before each chunk
  bool hang = false;                // never answer; wait for the client to go away
  bool dropMidStream = false;       // close after the chunks, without the last-chunk marker
};

// Replies in each provider's format for `text` (streamed: a few pieces).
Reply autoReply(const RecordedRequest& req, const std::string& text);
Reply errorReply(int status, const std::string& message, Headers extra = {});
// A reply that calls tools, in the format of the request's path (OpenAI chat,
// Anthropic messages, Ollama chat), streamed if the request asked for it.
struct FakeToolCall {
  std::string name;
  nlohmann::json arguments;
};
Reply toolCallReply(const RecordedRequest& req, const std::vector<FakeToolCall>& calls,
                    const std::string& text = {});

// Decides the reply from the request (e.g. by the role's system prompt);
// nullopt falls through to the queue, then the automatic reply.
using Responder = std::function<std::optional<Reply>(const RecordedRequest&)>;
// Streamed pieces as SSE events / NDJSON lines, in the format of `path`.
std::vector<std::string> streamChunks(const std::string& path,
                                      const std::vector<std::string>& pieces);

class FakeBackend {
 public:
  FakeBackend();  // listens on an ephemeral port
  ~FakeBackend();
  FakeBackend(const FakeBackend&) = delete;
  FakeBackend& operator=(const FakeBackend&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // http://127.0.0.1:PORT

  void enqueue(Reply reply);  // used by the next requests, in order
  // What the next automatic replies say, in order, once the scripted replies
  // are used up (then the default text again).
  void enqueueText(std::string text);
  void setDefaultText(std::string text);   // what automatic replies say ("Hello, world!")
  void setResponder(Responder responder);  // runs on the server thread, first

  std::vector<RecordedRequest> requests() const;
  RecordedRequest request(
      std::size_t index) const;  // the index-th received; throws if there is none
  std::size_t requestCount() const;
  bool waitForRequests(std::size_t n, Millis timeout) const;
  // Connections the client closed before the reply was complete.
  int closedByClient() const;
  bool waitForClosedByClient(int n, Millis timeout) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace sb::fake
