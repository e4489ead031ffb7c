// A minimal LSP client for end-to-end tests: Content-Length framing over an
// FdStream, strict about what the server sends (a malformed frame from the
// daemon fails the test), with every wait bounded.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ChildProcess.h"

namespace sb::e2e {

using json = nlohmann::json;

std::string frame(std::string_view body);

class LspClient {
 public:
  explicit LspClient(FdStream& io) : io_(io) {}

  void sendRaw(std::string_view bytes) { io_.write(bytes); }
  void send(const json& message) { sendRaw(frame(message.dump())); }
  void notify(const std::string& method, json params);
  // Sends a request and returns its id.
  json sendRequest(const std::string& method, json params);

  // The next message from the server; nullopt on timeout or EOF.
  std::optional<json> next(Millis timeout = 5s);
  // Reads until the response with `id` arrives; other responses seen on the
  // way are appended to `others` (or fail the wait when `others` is null),
  // notifications to notifications(). Throws on timeout or EOF.
  json awaitResponse(const json& id, std::vector<json>* others = nullptr, Millis timeout = 10s);
  json request(const std::string& method, json params, Millis timeout = 10s);

  // initialize + initialized; returns the initialize result.
  json initialize(json capabilities = json::object());
  // Opens `uri` with `text` and returns nothing; the server answers nothing.
  void open(const std::string& uri, const std::string& languageId, const std::string& text);

  std::vector<json>& notifications() { return notifications_; }

  // Answers the requests the server sends (workspace/applyEdit,
  // window/workDoneProgress/create...) met while waiting for a response:
  // the handler gets the request and returns its result. They are still
  // recorded in notifications(). Without a handler they go unanswered.
  void onServerRequest(std::function<json(const json& request)> handler) {
    serverRequests_ = std::move(handler);
  }

 private:
  FdStream& io_;
  int nextId_ = 1;
  std::vector<json> notifications_;
  std::function<json(const json&)> serverRequests_;
};

// "file:///e2e/NAME" URIs for documents that exist only in the daemon.
std::string memUri(const std::string& name);

// Flattens a DocumentSymbol tree into "outer/inner" paths, in order.
std::vector<std::string> symbolPaths(const json& symbols, const std::string& prefix = "");

}  // namespace sb::e2e
