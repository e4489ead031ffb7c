// MCP's Streamable HTTP transport (revisions 2025-03-26 to 2025-11-25) on
// HttpServer: one endpoint path (/mcp) where
//   POST   carries one JSON-RPC message (or a 2025-03-26 batch); requests are
//          answered with application/json, or with a text/event-stream when
//          notifications or server requests (progress, logs, sampling,
//          elicitation) go out before the answer; notifications and
//          responses get 202;
//   GET    opens the session's stream for server messages tied to no request,
//          or, with Last-Event-ID, resumes a stream (GET or POST) where the
//          client lost it: its missed events are replayed, then live ones;
//   DELETE ends the session.
// Every SSE event carries an id; the last events of each stream are kept for
// replay (SseLimits), and answered POST streams for redelivery of answers the
// client missed, until the session ends.
// Sessions: initialize creates one (Mcp-Session-Id response header), every
// later request must name it (400 without, 404 unknown or ended). Each session
// is its own RpcEndpoint + McpServer. Security: Origin and Host must be
// loopback (DNS rebinding), an optional bearer token.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "HttpServer.h"
#include "McpServer.h"
#include "SseStream.h"

namespace sb {

struct McpHttpOptions {
  std::string path = "/mcp";
  std::string token;         // non-empty: require "Authorization: Bearer TOKEN"
  bool allowRemote = false;  // accept any Host header (the bind address is then not loopback)
  size_t maxSessions = 128;  // beyond that the least recently used session is ended
  // A session with no request for this long and no stream open to its
  // client is ended when the next session starts (its client gets 404 and
  // initializes again, as the spec says); 0: never.
  std::chrono::seconds idleTimeout{3600};
  SseLimits sse;  // replay buffers, per stream and session
};

using McpServerFactory = std::function<std::unique_ptr<McpServer>(const SessionContext&)>;

class McpHttpTransport {
 public:
  McpHttpTransport(McpHttpOptions options, McpServerFactory makeServer);
  ~McpHttpTransport();
  McpHttpTransport(const McpHttpTransport&) = delete;
  McpHttpTransport& operator=(const McpHttpTransport&) = delete;

  // The HttpServer handler.
  void handle(HttpRequest request, std::shared_ptr<HttpExchange> exchange);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// DNS-rebinding checks, exposed for tests: an Origin header value
// ("http://localhost:3000") or Host header value ("127.0.0.1:8080") that
// names this machine's loopback interface.
bool isLoopbackOrigin(std::string_view origin);
bool isLoopbackHostHeader(std::string_view host);

}  // namespace sb
