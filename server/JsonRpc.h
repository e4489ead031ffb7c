// JSON-RPC 2.0 sessions, independent of transport and of LSP or MCP.
//
// RpcEndpoint parses incoming message bodies, answers protocol-level errors
// itself, hands requests and notifications to a handler, matches responses to
// the requests this side sent, and tracks in-flight requests so they can be
// cancelled. Replies may be sent from any thread, in any order.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/Cancellation.h"

namespace sb {

using json = nlohmann::json;

namespace rpc {
enum Code : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  UnknownErrorCode = -32001,
  RequestFailed = -32803,
  ServerCancelled = -32802,
  ContentModified = -32801,
  RequestCancelled = -32800,
};
}  // namespace rpc

// A JSON-RPC error as a value: handlers throw it (or return it) at the
// boundary; everything else becomes InternalError.
struct RpcError {
  int code = rpc::InternalError;
  std::string message;
  json data;  // null when absent
};

// Thrown by handlers to answer with a specific error.
struct RpcException : std::exception {
  RpcError error;
  RpcException(int code, std::string message) : error{code, std::move(message), nullptr} {}
  const char* what() const noexcept override { return error.message.c_str(); }
};

// Serialises JSON for the wire; invalid UTF-8 in strings becomes U+FFFD rather
// than throwing.
std::string toWire(const json& value);

class RpcEndpoint;

// Answers one incoming request exactly once. If dropped unanswered, it replies
// with an internal error so the client is never left waiting.
class Reply {
 public:
  Reply(std::weak_ptr<RpcEndpoint> endpoint, json id, std::string method);
  Reply(Reply&&) noexcept;
  Reply& operator=(Reply&&) noexcept;
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply();

  void result(json value);
  void error(RpcError error);
  void error(int code, std::string message) { error(RpcError{code, std::move(message), nullptr}); }
  const json& id() const { return id_; }
  const std::string& method() const { return method_; }
  explicit operator bool() const { return !done_; }

 private:
  std::weak_ptr<RpcEndpoint> endpoint_;
  json id_;
  std::string method_;
  bool done_ = true;
};

struct Request {
  std::string method;
  json params;  // object, array or null
  Reply reply;
  CancelToken cancel;
};

class RpcHandler {
 public:
  virtual ~RpcHandler() = default;
  // Called on the reading thread, in arrival order. Must not block for long:
  // real work goes to a worker and answers through request.reply later.
  virtual void onRequest(Request request) = 0;
  virtual void onNotification(std::string_view method, const json& params) = 0;
};

struct ResponseOrError {
  std::optional<json> result;
  std::optional<RpcError> error;
};

class RpcEndpoint : public std::enable_shared_from_this<RpcEndpoint> {
 public:
  using Sender = std::function<void(std::string body)>;
  using Logger = std::function<void(std::string_view line)>;

  // `send` gets whole JSON texts; it must be thread-safe.
  static std::shared_ptr<RpcEndpoint> create(Sender send, Logger log = {});

  void setHandler(RpcHandler* handler) { handler_ = handler; }

  // Feeds one message body (one JSON text) from the transport.
  void receive(std::string_view body);
  // A framing error from the decoder: answered as a parse error with id null.
  void framingError(std::string_view what);

  void notify(std::string_view method, json params);
  // Sends a request to the peer; `onResponse` runs on the reading thread
  // when the answer arrives, or with an error if the session closes first.
  void call(std::string_view method, json params, std::function<void(ResponseOrError)> onResponse);

  // Marks an in-flight request cancelled (LSP $/cancelRequest, MCP
  // notifications/cancelled). Returns false if no such request is running.
  bool cancel(const json& id);
  // Fails all outstanding outgoing calls; used when the transport closes.
  void close();

  size_t inFlight() const;

 private:
  friend class Reply;
  RpcEndpoint(Sender send, Logger log) : send_(std::move(send)), log_(std::move(log)) {}
  void handleOne(json message, const std::shared_ptr<struct BatchCollector>& batch);
  void sendResponse(const json& id, std::optional<json> result, std::optional<RpcError> error,
                    const std::shared_ptr<struct BatchCollector>& batch = nullptr);
  void finished(const json& id, const std::string& method, std::optional<json> result,
                std::optional<RpcError> error);
  void log(std::string_view line) const {
    if (log_) log_(line);
  }

  Sender send_;
  Logger log_;
  RpcHandler* handler_ = nullptr;

  mutable std::mutex mu_;
  std::map<std::string, CancelSource> inFlight_;  // keyed by the id's JSON text
  std::map<std::string, std::shared_ptr<struct BatchCollector>> batchOf_;
  std::map<std::string, std::function<void(ResponseOrError)>> outgoing_;
  int64_t nextId_ = 1;
  bool closed_ = false;
};

}  // namespace sb
