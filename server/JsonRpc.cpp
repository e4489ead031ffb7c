#include "JsonRpc.h"

#include "protocol/JsonWriter.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace sb {

struct BatchCollector {
  size_t pending = 0;
  json responses = json::array();
};

namespace {

std::string idKey(const json& id) {
  return id.dump();
}

// A client's answer to one of our requests, read without trusting its types:
// a non-integer code or non-string message must not throw (json::value does).
ResponseOrError responseOf(const json& msg) {
  ResponseOrError r;
  auto e = msg.find("error");
  if (e == msg.end() || !e->is_object()) {
    auto result = msg.find("result");
    r.result = result != msg.end() ? *result : json();
    return r;
  }
  RpcError error{rpc::InternalError, "", nullptr};
  if (auto code = e->find("code"); code != e->end() && code->is_number_integer()) {
    auto value = code->get<std::int64_t>();
    if (value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max())
      error.code = static_cast<int>(value);
  }
  if (auto message = e->find("message"); message != e->end() && message->is_string())
    error.message = message->get<std::string>();
  if (auto data = e->find("data"); data != e->end()) error.data = *data;
  r.error = std::move(error);
  return r;
}

bool validId(const json& id) {
  return id.is_string() || id.is_number_integer() || id.is_null();
}

json errorObject(const RpcError& e) {
  json err = {{"code", e.code}, {"message", e.message}};
  if (!e.data.is_null()) err["data"] = e.data;
  return err;
}

}  // namespace

std::string toWire(const json& value) {
  return jsonText(value);
}

// ---- Reply ----

Reply::Reply(std::weak_ptr<RpcEndpoint> endpoint, json id, std::string method)
    : endpoint_(std::move(endpoint)),
      id_(std::move(id)),
      method_(std::move(method)),
      done_(false) {}

Reply::Reply(Reply&& other) noexcept
    : endpoint_(std::move(other.endpoint_)),
      id_(std::move(other.id_)),
      method_(std::move(other.method_)),
      done_(other.done_) {
  other.done_ = true;
}

Reply& Reply::operator=(Reply&& other) noexcept {
  if (this != &other) {
    if (!done_) error(rpc::InternalError, "request was dropped without a reply");
    endpoint_ = std::move(other.endpoint_);
    id_ = std::move(other.id_);
    method_ = std::move(other.method_);
    done_ = other.done_;
    other.done_ = true;
  }
  return *this;
}

Reply::~Reply() {
  if (!done_) error(rpc::InternalError, "server dropped the request '" + method_ + "' unanswered");
}

void Reply::result(json value) {
  if (done_) return;
  done_ = true;
  if (auto ep = endpoint_.lock()) ep->finished(id_, method_, std::move(value), std::nullopt);
}

void Reply::error(RpcError err) {
  if (done_) return;
  done_ = true;
  if (auto ep = endpoint_.lock()) ep->finished(id_, method_, std::nullopt, std::move(err));
}

// ---- RpcEndpoint ----

std::shared_ptr<RpcEndpoint> RpcEndpoint::create(Sender send, Logger log) {
  return std::shared_ptr<RpcEndpoint>(new RpcEndpoint(std::move(send), std::move(log)));
}

void RpcEndpoint::framingError(std::string_view what) {
  log(std::string("framing error: ") + std::string(what));
  sendResponse(nullptr, std::nullopt, RpcError{rpc::ParseError, std::string(what), nullptr});
}

namespace {
// nlohmann::json parses iteratively but copies and prints recursively, so a
// deeply nested message could overflow the stack later; refuse it up front.
constexpr size_t kMaxDepth = 256;

bool tooDeep(std::string_view body) {
  size_t depth = 0;
  bool inString = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}
}  // namespace

void RpcEndpoint::receive(std::string_view body) {
  if (tooDeep(body)) {
    log("message nested deeper than " + std::to_string(kMaxDepth) + " levels refused");
    sendResponse(
        nullptr, std::nullopt,
        RpcError{rpc::ParseError,
                 "Parse error: JSON nested deeper than " + std::to_string(kMaxDepth) + " levels",
                 nullptr});
    return;
  }
  json message;
  try {
    message = json::parse(body);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e999
    log(std::string("unparseable message: ") + e.what());
    sendResponse(nullptr, std::nullopt,
                 RpcError{rpc::ParseError, std::string("Parse error: ") + e.what(), nullptr});
    return;
  }
  if (message.is_array()) {
    if (message.empty()) {
      sendResponse(nullptr, std::nullopt,
                   RpcError{rpc::InvalidRequest, "Invalid Request: empty batch", nullptr});
      return;
    }
    auto batch = std::make_shared<BatchCollector>();
    // Count the requests first so a fast reply cannot complete the batch early.
    std::vector<json> items;
    for (auto& item : message) items.push_back(std::move(item));
    batch->pending = items.size();
    for (auto& item : items) handleOne(std::move(item), batch);
    return;
  }
  handleOne(std::move(message), nullptr);
}

void RpcEndpoint::handleOne(json msg, const std::shared_ptr<BatchCollector>& batch) {
  // Batch members that produce no response (notifications, responses) still
  // count down the batch.
  auto settleSilently = [&] {
    if (!batch) return;
    std::unique_lock lock(mu_);
    if (--batch->pending == 0 && !batch->responses.empty()) {
      json out = std::move(batch->responses);
      lock.unlock();
      send_(toWire(out));
    }
  };
  auto invalid = [&](const json& id, const std::string& why) {
    log("invalid request: " + why);
    sendResponse(id, std::nullopt,
                 RpcError{rpc::InvalidRequest, "Invalid Request: " + why, nullptr}, batch);
  };

  if (!msg.is_object()) return invalid(nullptr, "a message must be a JSON object");
  auto version = msg.find("jsonrpc");
  json id = nullptr;
  bool hasId = false;
  if (auto it = msg.find("id"); it != msg.end()) {
    hasId = true;
    id = *it;
  }
  if (hasId && !validId(id)) return invalid(nullptr, "id must be a string, an integer or null");
  if (version == msg.end() || *version != "2.0") return invalid(id, "\"jsonrpc\" must be \"2.0\"");

  auto method = msg.find("method");
  if (method == msg.end()) {
    // A response to one of our calls.
    if (!hasId) return invalid(nullptr, "message has neither method nor id");
    std::function<void(ResponseOrError)> callback;
    {
      std::lock_guard lock(mu_);
      auto it = outgoing_.find(idKey(id));
      if (it != outgoing_.end()) {
        callback = std::move(it->second);
        outgoing_.erase(it);
      }
    }
    if (!callback) {
      log("response to unknown request id " + idKey(id) + " dropped");
    } else {
      // The callback may be a front end's code; a bug there must cost this
      // one answer, never the daemon shared with other clients.
      try {
        callback(responseOf(msg));
      } catch (const std::exception& e) {
        log("handling the response to " + idKey(id) + " failed: " + e.what());
      }
    }
    return settleSilently();
  }
  if (!method->is_string()) return invalid(id, "method must be a string");
  json params;
  if (auto p = msg.find("params"); p != msg.end()) params = std::move(*p);
  if (!params.is_null() && !params.is_object() && !params.is_array())
    return invalid(id, "params must be an object or an array");
  std::string name = method->get<std::string>();

  if (!hasId) {
    if (handler_) {
      try {
        handler_->onNotification(name, params);
      } catch (const std::exception& e) {
        log("notification " + name + " failed: " + e.what());
      }
    }
    return settleSilently();
  }

  CancelSource source;
  bool duplicate = false;
  {
    std::lock_guard lock(mu_);
    std::string key = idKey(id);
    duplicate = inFlight_.count(key) != 0;
    if (!duplicate) {
      inFlight_.emplace(key, source);
      if (batch) batchOf_.emplace(key, batch);
    }
  }
  if (duplicate) {
    // Cannot be matched unambiguously; refuse without touching the first.
    return invalid(id, "id " + idKey(id) + " is already in use by a running request");
  }
  Request request{name, std::move(params), Reply(weak_from_this(), id, name), source.token()};
  if (!handler_) {
    request.reply.error(rpc::MethodNotFound, "Method not found: " + name);
    return;
  }
  try {
    handler_->onRequest(std::move(request));
  } catch (const RpcException& e) {
    // onRequest consumed the request; a handler that throws synchronously
    // has already let its Reply reply with an internal error.
    log(std::string("request handler threw: ") + e.what());
  } catch (const std::exception& e) {
    log(std::string("request handler threw: ") + e.what());
  }
}

void RpcEndpoint::sendResponse(const json& id, std::optional<json> result,
                               std::optional<RpcError> error,
                               const std::shared_ptr<BatchCollector>& batch) {
  json out = {{"jsonrpc", "2.0"}, {"id", id}};
  if (error)
    out["error"] = errorObject(*error);
  else
    out["result"] = result ? std::move(*result) : json();
  if (batch) {
    std::unique_lock lock(mu_);
    batch->responses.push_back(std::move(out));
    if (--batch->pending != 0) return;
    json all = std::move(batch->responses);
    lock.unlock();
    send_(toWire(all));
    return;
  }
  send_(toWire(out));
}

void RpcEndpoint::finished(const json& id, const std::string& method, std::optional<json> result,
                           std::optional<RpcError> error) {
  std::shared_ptr<BatchCollector> batch;
  const std::string key = idKey(id);
  {
    std::lock_guard lock(mu_);
    if (auto it = batchOf_.find(key); it != batchOf_.end()) {
      batch = std::move(it->second);
      batchOf_.erase(it);
    }
  }
  if (error && error->code != rpc::RequestCancelled)
    log("request " + method + " failed: " + error->message);
  sendResponse(id, std::move(result), std::move(error), batch);
  // Only now is the request done: inFlight() reaching zero must mean every
  // answer has been handed to the transport (a drain at end of input relies on it).
  std::lock_guard lock(mu_);
  inFlight_.erase(key);
}

void RpcEndpoint::notify(std::string_view method, json params) {
  json out = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) out["params"] = std::move(params);
  send_(toWire(out));
}

void RpcEndpoint::call(std::string_view method, json params,
                       std::function<void(ResponseOrError)> onResponse) {
  json id;
  {
    std::lock_guard lock(mu_);
    if (closed_) {
      ResponseOrError r;
      r.error = RpcError{rpc::InternalError, "connection closed", nullptr};
      onResponse(std::move(r));
      return;
    }
    id = "sb-" + std::to_string(nextId_++);
    outgoing_.emplace(idKey(id), std::move(onResponse));
  }
  json out = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) out["params"] = std::move(params);
  send_(toWire(out));
}

bool RpcEndpoint::cancel(const json& id) {
  std::lock_guard lock(mu_);
  auto it = inFlight_.find(idKey(id));
  if (it == inFlight_.end()) return false;
  it->second.cancel();
  return true;
}

void RpcEndpoint::close() {
  std::map<std::string, std::function<void(ResponseOrError)>> pending;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    pending.swap(outgoing_);
    for (auto& [key, source] : inFlight_) source.cancel();
  }
  for (auto& [key, callback] : pending) {
    ResponseOrError r;
    r.error = RpcError{rpc::InternalError, "connection closed", nullptr};
    callback(std::move(r));
  }
}

size_t RpcEndpoint::inFlight() const {
  std::lock_guard lock(mu_);
  return inFlight_.size();
}

}  // namespace sb
