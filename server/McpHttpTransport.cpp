#include "McpHttpTransport.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <vector>

#include <spdlog/spdlog.h>

#include "SocketServer.h"
#include "protocol/McpVersion.h"

namespace sb {
namespace {

using Clock = std::chrono::steady_clock;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Nesting depth of a JSON text, counted without parsing (the parser recurses).
bool tooDeep(std::string_view text, int limit = 256) {
  int depth = 0;
  bool inString = false, escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

std::string newSessionId() {
  static std::mutex mu;
  static std::random_device device;
  static std::mt19937_64 rng(((uint64_t)device() << 32) ^ device());
  std::lock_guard lock(mu);
  char text[33];
  snprintf(text, sizeof text, "%016llx%016llx", (unsigned long long)rng(), (unsigned long long)rng());
  return text;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string sseEvent(const std::string& body) { return "event: message\ndata: " + body + "\n\n"; }

void jsonError(HttpExchange& ex, int status, int code, const std::string& message, HttpHeaders extra = {}) {
  json body = {{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", code}, {"message", message}}}};
  extra.emplace_back("Content-Type", "application/json");
  ex.respond(status, std::move(extra), toWire(body));
}

// One POST that carried requests: its response goes out as JSON when the
// answers are the only thing to send, else as an event stream.
struct PostStream {
  std::shared_ptr<HttpExchange> out;
  std::set<std::string> pending;  // ids (JSON text) not answered yet
  std::vector<std::string> progressTokens;
  bool sse = false;  // the client accepts text/event-stream
  bool streaming = false;
};

struct HttpSession {
  std::string id;
  std::shared_ptr<RpcEndpoint> endpoint;
  std::unique_ptr<McpServer> server;
  Clock::time_point lastUsed = Clock::now();

  std::mutex mu;
  bool ended = false;
  std::vector<std::shared_ptr<PostStream>> posts;
  std::map<std::string, std::shared_ptr<PostStream>> byId, byToken;
  std::shared_ptr<HttpExchange> getStream;

  HttpHeaders headers(const char* contentType) const {
    HttpHeaders h{{"Content-Type", contentType}, {"Mcp-Session-Id", id}};
    if (std::string_view(contentType) == "text/event-stream") h.emplace_back("Cache-Control", "no-cache");
    return h;
  }

  void forget(const std::shared_ptr<PostStream>& s) {
    posts.erase(std::remove(posts.begin(), posts.end(), s), posts.end());
    for (const auto& id : s->pending) byId.erase(id);
    for (const auto& t : s->progressTokens) byToken.erase(t);
  }

  // Under mu.
  void deliver(const std::shared_ptr<PostStream>& s, const std::string& body, bool final) {
    if (!s->streaming) {
      if (final) {
        s->out->respond(200, headers("application/json"), body);
        forget(s);
        return;
      }
      if (!s->sse) return toGetStream(body);
      s->out->startStream(200, headers("text/event-stream"));
      s->streaming = true;
    }
    s->out->write(sseEvent(body));
    if (final) {
      s->out->end();
      forget(s);
    }
  }

  void toGetStream(const std::string& body) {
    if (getStream && getStream->open())
      getStream->write(sseEvent(body));
    else
      spdlog::debug("[mcp http {}] no open stream for a server message; dropped", id);
  }

  // A server message tied to no particular request on our side (log
  // messages, sampling or elicitation requests from a running tool): the
  // latest POST stream still waiting for answers is the call that caused it
  // in practice; else the GET stream.
  void toSomeStream(const std::string& body) {
    for (auto it = posts.rbegin(); it != posts.rend(); ++it) {
      const auto& s = *it;
      if (s->sse && !s->pending.empty() && s->out->open()) return deliver(s, body, false);
    }
    toGetStream(body);
  }

  // RpcEndpoint's sender: every message this session's server sends.
  void route(const std::string& body) {
    json msg = json::parse(body, nullptr, false);
    std::lock_guard lock(mu);
    if (ended || msg.is_discarded()) return;
    auto answer = [&](const json& idValue) -> std::shared_ptr<PostStream> {
      std::string key = idValue.dump();
      auto it = byId.find(key);
      if (it == byId.end()) return nullptr;
      auto s = it->second;
      s->pending.erase(key);
      byId.erase(it);
      return s;
    };
    if (msg.is_array()) {  // a batch's answers, all at once
      std::shared_ptr<PostStream> s;
      for (const auto& item : msg)
        if (item.is_object() && item.contains("id"))
          if (auto found = answer(item["id"])) s = found;
      if (s) return deliver(s, body, s->pending.empty());
      return toSomeStream(body);
    }
    if (!msg.is_object()) return;
    if (msg.contains("id") && !msg.contains("method")) {
      if (auto s = answer(msg["id"])) return deliver(s, body, s->pending.empty());
      return toSomeStream(body);
    }
    if (msg.value("method", "") == "notifications/progress" && msg.contains("params") &&
        msg["params"].is_object() && msg["params"].contains("progressToken")) {
      auto it = byToken.find(msg["params"]["progressToken"].dump());
      if (it != byToken.end()) return deliver(it->second, body, false);
    }
    toSomeStream(body);
  }

  // Ends the session: open responses are finished, running work cancelled.
  void end() {
    {
      std::lock_guard lock(mu);
      if (ended) return;
      ended = true;
      for (const auto& s : posts) {
        if (s->streaming)
          s->out->end();
        else
          jsonError(*s->out, 404, -32001, "Session ended");
      }
      posts.clear();
      byId.clear();
      byToken.clear();
      if (getStream) getStream->end();
      getStream.reset();
    }
    endpoint->setHandler(nullptr);
    endpoint->close();
    server->onDisconnect();
  }
};

}  // namespace

bool isLoopbackHostHeader(std::string_view host) {
  std::string h = lower(host);
  if (!h.empty() && h.front() == '[') {
    size_t close = h.find(']');
    if (close == std::string::npos) return false;
    h = h.substr(1, close - 1);
  } else if (size_t colon = h.find(':'); colon != std::string::npos) {
    h = h.substr(0, colon);
  }
  return h == "localhost" || isLoopbackHost(h);
}

bool isLoopbackOrigin(std::string_view origin) {
  std::string o = lower(origin);
  std::string_view rest = o;
  if (rest.substr(0, 7) == "http://")
    rest.remove_prefix(7);
  else if (rest.substr(0, 8) == "https://")
    rest.remove_prefix(8);
  else
    return false;  // "null", other schemes
  rest = rest.substr(0, rest.find('/'));
  return !rest.empty() && isLoopbackHostHeader(rest);
}

struct McpHttpTransport::Impl {
  McpHttpOptions options;
  McpServerFactory makeServer;
  std::mutex mu;
  std::map<std::string, std::shared_ptr<HttpSession>> sessions;

  std::shared_ptr<HttpSession> find(const std::string& id) {
    std::lock_guard lock(mu);
    auto it = sessions.find(id);
    if (it == sessions.end()) return nullptr;
    it->second->lastUsed = Clock::now();
    return it->second;
  }

  std::shared_ptr<HttpSession> create(const std::string& peer) {
    auto session = std::make_shared<HttpSession>();
    session->id = newSessionId();
    std::weak_ptr<HttpSession> weak = session;
    session->endpoint = RpcEndpoint::create(
        [weak](std::string body) {
          if (auto s = weak.lock()) s->route(body);
        },
        [id = session->id](std::string_view line) { spdlog::debug("[mcp http {}] {}", id, line); });
    SessionContext ctx{session->endpoint,
                       [weak] {
                         // McpServer asks to close: end the session.
                         if (auto s = weak.lock()) s->end();
                       },
                       "http " + peer + " session " + session->id.substr(0, 8)};
    session->server = makeServer(ctx);
    session->endpoint->setHandler(session->server.get());
    return session;
  }

  void add(std::shared_ptr<HttpSession> session) {
    std::shared_ptr<HttpSession> evicted;
    {
      std::lock_guard lock(mu);
      sessions[session->id] = std::move(session);
      if (sessions.size() > options.maxSessions) {
        auto oldest = std::min_element(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) {
          return a.second->lastUsed < b.second->lastUsed;
        });
        evicted = oldest->second;
        sessions.erase(oldest);
      }
    }
    if (evicted) {
      spdlog::info("[mcp http] session {} ended: too many sessions", evicted->id);
      evicted->end();
    }
  }

  std::shared_ptr<HttpSession> remove(const std::string& id) {
    std::lock_guard lock(mu);
    auto it = sessions.find(id);
    if (it == sessions.end()) return nullptr;
    auto s = std::move(it->second);
    sessions.erase(it);
    return s;
  }

  // The session named by the request, or an error answer (400 / 404) and null.
  std::shared_ptr<HttpSession> sessionOf(const HttpRequest& req, HttpExchange& ex) {
    std::string id = req.header("mcp-session-id");
    if (id.empty()) {
      jsonError(ex, 400, -32000, "Bad Request: Mcp-Session-Id header is required (initialize first)");
      return nullptr;
    }
    auto s = find(id);
    if (!s) jsonError(ex, 404, -32001, "Session not found");
    return s;
  }

  bool versionHeaderOk(const HttpRequest& req, HttpExchange& ex) {
    // Absent means 2025-03-26 (the header came with 2025-06-18).
    std::string v = req.header("mcp-protocol-version");
    if (v.empty() || mcp::isSupported(v)) return true;
    jsonError(ex, 400, -32000, "Bad Request: unsupported MCP-Protocol-Version '" + v + "'");
    return false;
  }

  void post(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex);
  void get(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex);
  void del(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex);
};

void McpHttpTransport::Impl::post(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex) {
  std::string contentType = lower(req.header("content-type"));
  if (contentType.rfind("application/json", 0) != 0)
    return jsonError(*ex, 415, -32000, "Unsupported Media Type: Content-Type must be application/json");
  std::string accept = lower(req.header("accept"));
  bool any = accept.empty() || accept.find("*/*") != std::string::npos;
  bool sse = any || accept.find("text/event-stream") != std::string::npos;
  if (!sse && !any && accept.find("application/json") == std::string::npos)
    return jsonError(*ex, 406, -32000, "Not Acceptable: accept application/json and text/event-stream");

  if (tooDeep(req.body))
    return jsonError(*ex, 400, rpc::ParseError, "Parse error: JSON nested too deeply");
  json msg;
  try {
    msg = json::parse(req.body);
  } catch (const json::exception& e) {
    return jsonError(*ex, 400, rpc::ParseError, std::string("Parse error: ") + e.what());
  }
  // Classify before handing over: which ids will be answered on this POST.
  std::vector<const json*> items;
  if (msg.is_array()) {
    if (msg.empty()) return jsonError(*ex, 400, rpc::InvalidRequest, "Invalid Request: empty batch");
    for (const auto& item : msg) items.push_back(&item);
  } else {
    items.push_back(&msg);
  }
  std::vector<std::string> requestIds, progressTokens;
  bool isInitialize = false;
  for (const json* item : items) {
    if (!item->is_object() || item->value("jsonrpc", json()) != "2.0")
      return jsonError(*ex, 400, rpc::InvalidRequest, "Invalid Request: not a JSON-RPC 2.0 message");
    auto method = item->find("method");
    bool hasId = item->contains("id");
    if (method != item->end()) {
      if (!method->is_string()) return jsonError(*ex, 400, rpc::InvalidRequest, "Invalid Request: method must be a string");
      if (!hasId) continue;  // a notification
      const json& id = (*item)["id"];
      if (!id.is_string() && !id.is_number_integer())
        return jsonError(*ex, 400, rpc::InvalidRequest, "Invalid Request: id must be a string or an integer");
      requestIds.push_back(id.dump());
      if (*method == "initialize") isInitialize = true;
      if (auto p = item->find("params"); p != item->end() && p->is_object())
        if (auto m = p->find("_meta"); m != p->end() && m->is_object() && m->contains("progressToken"))
          progressTokens.push_back((*m)["progressToken"].dump());
    } else if (!hasId || (!item->contains("result") && !item->contains("error"))) {
      return jsonError(*ex, 400, rpc::InvalidRequest, "Invalid Request: neither a request, a notification nor a response");
    }
  }

  std::shared_ptr<HttpSession> session;
  bool fresh = false;
  if (isInitialize && !req.has("mcp-session-id")) {
    if (msg.is_array())
      return jsonError(*ex, 400, rpc::InvalidRequest, "Invalid Request: initialize must not be part of a batch");
    session = create(req.peer);
    fresh = true;
  } else {
    session = sessionOf(req, *ex);
    if (!session || !versionHeaderOk(req, *ex)) return;
    if (msg.is_array() && !mcp::allowsBatches(session->server->protocolVersion()))
      return jsonError(*ex, 400, rpc::InvalidRequest,
                       "Invalid Request: batches are only allowed with protocol 2025-03-26");
  }

  if (requestIds.empty()) {
    session->endpoint->receive(req.body);
    return ex->respond(202, {{"Mcp-Session-Id", session->id}}, "");
  }
  auto stream = std::make_shared<PostStream>();
  stream->out = ex;
  stream->sse = sse;
  {
    std::lock_guard lock(session->mu);
    for (const auto& id : requestIds)
      if (session->byId.count(id) || std::count(requestIds.begin(), requestIds.end(), id) > 1)
        return jsonError(*ex, 400, rpc::InvalidRequest, "Invalid Request: id " + id + " is already in use");
    stream->pending.insert(requestIds.begin(), requestIds.end());
    for (const auto& id : requestIds) session->byId[id] = stream;
    for (const auto& t : progressTokens)
      if (!session->byToken.count(t)) {
        session->byToken[t] = stream;
        stream->progressTokens.push_back(t);
      }
    session->posts.push_back(stream);
  }
  // A client that goes away stops its stream; its requests still finish
  // (disconnecting is not cancellation) but their answers are dropped.
  std::weak_ptr<HttpSession> weakSession = session;
  std::weak_ptr<PostStream> weakStream = stream;
  ex->onAbort([weakSession, weakStream] {
    auto s = weakSession.lock();
    auto st = weakStream.lock();
    if (!s || !st) return;
    std::lock_guard lock(s->mu);
    s->forget(st);
  });
  session->endpoint->receive(req.body);
  if (fresh) {
    // initialize is answered synchronously; keep the session only if it took.
    if (session->server->initialized())
      add(session);
    else
      session->end();
  }
}

void McpHttpTransport::Impl::get(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex) {
  std::string accept = lower(req.header("accept"));
  if (accept.find("text/event-stream") == std::string::npos && accept.find("*/*") == std::string::npos)
    return jsonError(*ex, 406, -32000, "Not Acceptable: GET needs Accept: text/event-stream");
  auto session = sessionOf(req, *ex);
  if (!session || !versionHeaderOk(req, *ex)) return;
  {
    std::lock_guard lock(session->mu);
    if (session->getStream && session->getStream->open())
      return jsonError(*ex, 409, -32000, "Conflict: this session already has a GET stream");
    session->getStream = ex;
    ex->startStream(200, session->headers("text/event-stream"));
  }
  std::weak_ptr<HttpSession> weak = session;
  std::weak_ptr<HttpExchange> weakEx = ex;
  ex->onAbort([weak, weakEx] {
    if (auto s = weak.lock()) {
      std::lock_guard lock(s->mu);
      if (s->getStream == weakEx.lock()) s->getStream.reset();
    }
  });
}

void McpHttpTransport::Impl::del(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex) {
  auto session = sessionOf(req, *ex);
  if (!session) return;
  remove(session->id);
  session->end();
  spdlog::info("[mcp http] session {} ended by the client", session->id);
  ex->respond(200, {}, "");
}

McpHttpTransport::McpHttpTransport(McpHttpOptions options, McpServerFactory makeServer)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->makeServer = std::move(makeServer);
}

McpHttpTransport::~McpHttpTransport() {
  std::map<std::string, std::shared_ptr<HttpSession>> sessions;
  {
    std::lock_guard lock(impl_->mu);
    sessions.swap(impl_->sessions);
  }
  for (auto& [id, s] : sessions) s->end();
}

void McpHttpTransport::handle(HttpRequest req, std::shared_ptr<HttpExchange> ex) {
  const auto& opt = impl_->options;
  if (req.path != opt.path) return ex->respond(404, {{"Content-Type", "text/plain"}}, "not found\n");
  // DNS rebinding: a browser page on another site must not reach us through
  // a name that resolves to 127.0.0.1.
  if (!opt.allowRemote && !isLoopbackHostHeader(req.header("host")))
    return jsonError(*ex, 403, -32000, "Forbidden: Host header must name this machine's loopback address");
  if (req.has("origin") && !isLoopbackOrigin(req.header("origin")))
    return jsonError(*ex, 403, -32000, "Forbidden: Origin not allowed");
  if (!opt.token.empty()) {
    std::string auth = req.header("authorization");
    if (auth.rfind("Bearer ", 0) != 0 || !constantTimeEquals(auth.substr(7), opt.token))
      return jsonError(*ex, 401, -32000, "Unauthorized: a bearer token is required",
                       {{"WWW-Authenticate", "Bearer"}});
  }
  if (req.method == "POST") return impl_->post(req, ex);
  if (req.method == "GET") return impl_->get(req, ex);
  if (req.method == "DELETE") return impl_->del(req, ex);
  jsonError(*ex, 405, -32000, "Method Not Allowed", {{"Allow", "GET, POST, DELETE"}});
}

}  // namespace sb
