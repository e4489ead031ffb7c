// A small HTTP/1.1 server on Boost.Asio, enough for MCP's Streamable HTTP
// transport: requests with Content-Length bodies, keep-alive, and responses
// that are either whole (Content-Length) or streamed (chunked, for SSE).
//
// One I/O thread serves all connections. A connection handles one request at
// a time; the handler answers through an HttpExchange, from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;   // "GET", "POST", ...
  std::string target;   // "/mcp?x=1"
  std::string path;     // "/mcp"
  HttpHeaders headers;  // names lower-cased
  std::string body;
  std::string peer;  // "127.0.0.1:50123"

  // The first header of that (lower-case) name, or "" when absent.
  std::string header(std::string_view lowerName) const;
  bool has(std::string_view lowerName) const;
};

// The answer to one request. Every method is thread-safe and becomes a no-op
// once the response has ended or the connection is gone.
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  // A whole response.
  virtual void respond(int status, HttpHeaders headers, std::string body) = 0;
  // Starts a streamed (chunked) response; write() sends data, end() finishes it.
  virtual void startStream(int status, HttpHeaders headers) = 0;
  virtual void write(std::string data) = 0;
  virtual void end() = 0;
  // False once the response has ended or the peer went away.
  virtual bool open() const = 0;
  // Runs once (on the I/O thread) when the connection closes before end().
  virtual void onAbort(std::function<void()> callback) = 0;
};

using HttpHandler = std::function<void(HttpRequest, std::shared_ptr<HttpExchange>)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port
  size_t maxBodyBytes = 4 << 20;
  size_t maxHeaderBytes = 16 << 10;
};

// "Not Found", ... for the status codes this server uses.
std::string_view httpReason(int status);

class HttpServer {
 public:
  // Binds immediately; throws std::runtime_error with a clear message on failure.
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  std::string host() const;
  // Serves on the calling thread until stop().
  void run();
  // Thread-safe; closes the listener and all connections.
  void stop();

  struct Impl;  // public only so the .cpp's connections can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace sb
