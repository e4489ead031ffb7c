#include "McpHttpTransport.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <vector>

#include <spdlog/spdlog.h>

#include "SocketServer.h"
#include "SseStream.h"
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
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
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
  snprintf(text, sizeof text, "%016llx%016llx", (unsigned long long)rng(),
           (unsigned long long)rng());
  return text;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void jsonError(HttpExchange& ex, int status, int code, const std::string& message,
               HttpHeaders extra = {}) {
  json body = {
      {"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", code}, {"message", message}}}};
  extra.emplace_back("Content-Type", "application/json");
  ex.respond(status, std::move(extra), toWire(body));
}

bool live(const std::shared_ptr<HttpExchange>& ex) {
  return ex && ex->open();
}

// One POST that carried requests: its answers go out as JSON when they are
// all there is to send, else as a (resumable) event stream.
struct PostStream {
  std::shared_ptr<HttpExchange> out;  // the POST's own response
  std::set<std::string> pending;      // ids (JSON text) not answered yet
  std::vector<std::string> progressTokens;
  bool acceptsSse = false;            // the client accepts text/event-stream
  bool prime = false;                 // the client's revision takes priming events
  std::shared_ptr<SseStream> stream;  // once the answer became an event stream
  // Whether a message sent now reaches the client: on the POST itself, or on
  // the GET that resumed its stream.
  bool connected() const { return stream ? live(stream->out) : live(out); }
};

struct HttpSession {
  std::string id;
  SseLimits limits;
  std::shared_ptr<RpcEndpoint> endpoint;
  std::unique_ptr<McpServer> server;
  Clock::time_point lastUsed = Clock::now();

  std::mutex mu;
  bool ended = false;
  std::vector<std::shared_ptr<PostStream>> posts;
  std::map<std::string, std::shared_ptr<PostStream>> byId, byToken;
  // Every stream a client may still resume, by number; answered POST
  // streams are kept (up to limits.maxFinishedStreams) for redelivery.
  std::map<uint64_t, std::shared_ptr<SseStream>> streams;
  std::deque<uint64_t> finishedStreams;   // oldest first
  std::shared_ptr<SseStream> standalone;  // the GET stream, once opened
  uint64_t nextStream = 1;

  HttpHeaders headers(const char* contentType) const {
    HttpHeaders h{{"Content-Type", contentType}, {"Mcp-Session-Id", id}};
    if (std::string_view(contentType) == "text/event-stream")
      h.emplace_back("Cache-Control", "no-cache");
    return h;
  }

  // Under mu.
  std::shared_ptr<SseStream> newStream() {
    auto s = std::make_shared<SseStream>(nextStream++, limits);
    streams[s->number()] = s;
    return s;
  }

  // Under mu: records the message on the stream, sends it if connected.
  void emit(SseStream& s, const std::string& body) {
    std::string text = s.append(body);
    if (live(s.out)) s.out->write(std::move(text));
  }

  // Under mu: the stream's answer is recorded; the stream is terminated.
  void finish(const std::shared_ptr<SseStream>& s) {
    s->finished = true;
    if (live(s->out)) s->out->end();
    s->out.reset();
    finishedStreams.push_back(s->number());
    while (finishedStreams.size() > limits.maxFinishedStreams) {
      streams.erase(finishedStreams.front());
      finishedStreams.pop_front();
    }
  }

  // Under mu: the POST's response becomes an event stream.
  void startSse(const std::shared_ptr<PostStream>& p) {
    p->stream = newStream();
    p->stream->out = p->out;
    p->out->startStream(200, headers("text/event-stream"));
    if (p->prime) p->out->write(p->stream->priming());
  }

  void forget(const std::shared_ptr<PostStream>& p) {
    posts.erase(std::remove(posts.begin(), posts.end(), p), posts.end());
    for (const auto& id : p->pending) byId.erase(id);
    for (const auto& t : p->progressTokens) byToken.erase(t);
  }

  // Under mu.
  void deliver(const std::shared_ptr<PostStream>& p, const std::string& body, bool final) {
    if (!p->stream) {
      if (!live(p->out)) {
        // The client left before any event id reached it, so it cannot
        // resume: the message is dropped (never sent on another stream).
        spdlog::debug(
            "[mcp http {}] the client left a POST before its stream began; message dropped", id);
        if (final) forget(p);
        return;
      }
      if (final) {
        p->out->respond(200, headers("application/json"), body);
        forget(p);
        return;
      }
      if (!p->acceptsSse) return toStandalone(body);
      startSse(p);
    }
    emit(*p->stream, body);
    if (final) {
      finish(p->stream);
      forget(p);
    }
  }

  // Under mu. While the GET stream is disconnected its messages are kept for
  // a resuming GET; before any GET there is nowhere to send them.
  void toStandalone(const std::string& body) {
    if (standalone)
      emit(*standalone, body);
    else
      spdlog::debug("[mcp http {}] no stream for a server message; dropped", id);
  }

  // A server message tied to no particular request on our side (log
  // messages, sampling or elicitation requests from a running tool): the
  // latest connected POST stream still waiting for answers is the call that
  // caused it in practice; else the GET stream.
  void toSomeStream(const std::string& body) {
    for (auto it = posts.rbegin(); it != posts.rend(); ++it) {
      const auto& p = *it;
      if (p->acceptsSse && !p->pending.empty() && p->connected()) return deliver(p, body, false);
    }
    toStandalone(body);
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
      auto p = it->second;
      p->pending.erase(key);
      byId.erase(it);
      return p;
    };
    if (msg.is_array()) {  // a batch's answers, all at once
      std::shared_ptr<PostStream> p;
      for (const auto& item : msg)
        if (item.is_object() && item.contains("id"))
          if (auto found = answer(item["id"])) p = found;
      if (p) return deliver(p, body, p->pending.empty());
      return toSomeStream(body);
    }
    if (!msg.is_object()) return;
    if (msg.contains("id") && !msg.contains("method")) {
      if (auto p = answer(msg["id"])) return deliver(p, body, p->pending.empty());
      return toSomeStream(body);
    }
    if (msg.value("method", "") == "notifications/progress" && msg.contains("params") &&
        msg["params"].is_object() && msg["params"].contains("progressToken")) {
      auto it = byToken.find(msg["params"]["progressToken"].dump());
      if (it != byToken.end()) return deliver(it->second, body, false);
    }
    toSomeStream(body);
  }

  // Ends the session: open responses are finished, running work cancelled,
  // replay buffers dropped.
  // Whether a connection to the client is open: the GET stream, or a POST
  // still waiting for its answers.
  bool hasOpenStream() {
    std::lock_guard lock(mu);
    for (const auto& p : posts)
      if (p->connected()) return true;
    return standalone && live(standalone->out);
  }

  void end() {
    {
      std::lock_guard lock(mu);
      if (ended) return;
      ended = true;
      for (const auto& p : posts)
        if (!p->stream && live(p->out)) jsonError(*p->out, 404, -32001, "Session ended");
      for (const auto& [number, s] : streams)
        if (live(s->out)) s->out->end();
      posts.clear();
      byId.clear();
      byToken.clear();
      streams.clear();
      finishedStreams.clear();
      standalone.reset();
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
    session->limits = options.sse;
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

  // Ends the sessions idle past options.idleTimeout (see McpHttpOptions).
  void endIdle() {
    if (options.idleTimeout.count() <= 0) return;
    const auto deadline = Clock::now() - options.idleTimeout;
    std::vector<std::shared_ptr<HttpSession>> idle;
    {
      std::lock_guard lock(mu);
      for (const auto& [id, s] : sessions)
        if (s->lastUsed < deadline) idle.push_back(s);
    }
    for (const auto& s : idle) {
      if (s->hasOpenStream()) continue;  // a client listening is not idle
      {
        std::lock_guard lock(mu);
        auto it = sessions.find(s->id);
        if (it == sessions.end() || it->second != s || s->lastUsed >= deadline) continue;
        sessions.erase(it);
      }
      spdlog::info("[mcp http] session {} ended: idle for {} s", s->id.substr(0, 8),
                   options.idleTimeout.count());
      s->end();
    }
  }

  void add(std::shared_ptr<HttpSession> session) {
    endIdle();
    std::shared_ptr<HttpSession> evicted;
    {
      std::lock_guard lock(mu);
      sessions[session->id] = std::move(session);
      if (sessions.size() > options.maxSessions) {
        auto oldest = std::min_element(
            sessions.begin(), sessions.end(),
            [](const auto& a, const auto& b) { return a.second->lastUsed < b.second->lastUsed; });
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
      jsonError(ex, 400, -32000,
                "Bad Request: Mcp-Session-Id header is required (initialize first)");
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
    // Quoted only when it looks like a version: a header value is not
    // echoed whole (it may carry anything, a credential included).
    bool dateLike = v.size() <= 16 && v.find_first_not_of("0123456789-") == std::string::npos;
    jsonError(ex, 400, -32000,
              dateLike ? "Bad Request: unsupported MCP-Protocol-Version '" + v + "'"
                       : std::string("Bad Request: unsupported MCP-Protocol-Version"));
    return false;
  }

  void post(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex);
  void get(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex);
  void del(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex);
};

void McpHttpTransport::Impl::post(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex) {
  std::string contentType = lower(req.header("content-type"));
  if (contentType.rfind("application/json", 0) != 0)
    return jsonError(*ex, 415, -32000,
                     "Unsupported Media Type: Content-Type must be application/json");
  std::string accept = lower(req.header("accept"));
  bool any = accept.empty() || accept.find("*/*") != std::string::npos;
  bool sse = any || accept.find("text/event-stream") != std::string::npos;
  if (!sse && !any && accept.find("application/json") == std::string::npos)
    return jsonError(*ex, 406, -32000,
                     "Not Acceptable: accept application/json and text/event-stream");

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
    if (msg.empty())
      return jsonError(*ex, 400, rpc::InvalidRequest, "Invalid Request: empty batch");
    for (const auto& item : msg) items.push_back(&item);
  } else {
    items.push_back(&msg);
  }
  std::vector<std::string> requestIds, progressTokens;
  bool isInitialize = false;
  for (const json* item : items) {
    if (!item->is_object() || item->value("jsonrpc", json()) != "2.0")
      return jsonError(*ex, 400, rpc::InvalidRequest,
                       "Invalid Request: not a JSON-RPC 2.0 message");
    auto method = item->find("method");
    bool hasId = item->contains("id");
    if (method != item->end()) {
      if (!method->is_string())
        return jsonError(*ex, 400, rpc::InvalidRequest, "Invalid Request: method must be a string");
      if (!hasId) continue;  // a notification
      const json& id = (*item)["id"];
      if (!id.is_string() && !id.is_number_integer())
        return jsonError(*ex, 400, rpc::InvalidRequest,
                         "Invalid Request: id must be a string or an integer");
      requestIds.push_back(id.dump());
      if (*method == "initialize") isInitialize = true;
      if (auto p = item->find("params"); p != item->end() && p->is_object())
        if (auto m = p->find("_meta");
            m != p->end() && m->is_object() && m->contains("progressToken"))
          progressTokens.push_back((*m)["progressToken"].dump());
    } else if (!hasId || (!item->contains("result") && !item->contains("error"))) {
      return jsonError(*ex, 400, rpc::InvalidRequest,
                       "Invalid Request: neither a request, a notification nor a response");
    }
  }

  std::shared_ptr<HttpSession> session;
  bool fresh = false;
  if (isInitialize && !req.has("mcp-session-id")) {
    if (msg.is_array())
      return jsonError(*ex, 400, rpc::InvalidRequest,
                       "Invalid Request: initialize must not be part of a batch");
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
  // The revision this request speaks: its header, else the negotiated one.
  std::string version = req.header("mcp-protocol-version");
  if (version.empty() && !fresh) version = session->server->protocolVersion();
  auto post = std::make_shared<PostStream>();
  post->out = ex;
  post->acceptsSse = sse;
  post->prime = sse && mcp::allowsPrimingEvents(version);
  {
    std::lock_guard lock(session->mu);
    for (const auto& id : requestIds)
      if (session->byId.count(id) || std::count(requestIds.begin(), requestIds.end(), id) > 1)
        return jsonError(*ex, 400, rpc::InvalidRequest,
                         "Invalid Request: id " + id + " is already in use");
    post->pending.insert(requestIds.begin(), requestIds.end());
    for (const auto& id : requestIds) session->byId[id] = post;
    for (const auto& t : progressTokens)
      if (!session->byToken.count(t)) {
        session->byToken[t] = post;
        post->progressTokens.push_back(t);
      }
    session->posts.push_back(post);
  }
  // A client that goes away leaves its requests running (disconnecting is
  // not cancellation). What they send next is kept on the POST's stream for
  // a GET with Last-Event-ID to resume; without a stream (no event id ever
  // reached the client) it is dropped, and never sent on another stream.
  std::weak_ptr<HttpSession> weakSession = session;
  std::weak_ptr<PostStream> weakPost = post;
  std::weak_ptr<HttpExchange> weakEx = ex;
  ex->onAbort([weakSession, weakPost, weakEx] {
    auto s = weakSession.lock();
    auto p = weakPost.lock();
    if (!s || !p) return;
    std::lock_guard lock(s->mu);
    if (p->stream && p->stream->out == weakEx.lock()) p->stream->out.reset();
  });
  session->endpoint->receive(req.body);
  if (fresh) {
    // initialize is answered synchronously; keep the session only if it took.
    if (session->server->initialized())
      add(session);
    else
      session->end();
    return;
  }
  // Not answered at once (a tool call running on a worker): start the event
  // stream now with a priming event, so the client holds an event id to
  // resume from if the connection drops before the answer.
  std::lock_guard lock(session->mu);
  if (post->prime && !post->stream && !post->pending.empty() && live(post->out) && !session->ended)
    session->startSse(post);
}

void McpHttpTransport::Impl::get(const HttpRequest& req, const std::shared_ptr<HttpExchange>& ex) {
  std::string accept = lower(req.header("accept"));
  if (accept.find("text/event-stream") == std::string::npos &&
      accept.find("*/*") == std::string::npos)
    return jsonError(*ex, 406, -32000, "Not Acceptable: GET needs Accept: text/event-stream");
  auto session = sessionOf(req, *ex);
  if (!session || !versionHeaderOk(req, *ex)) return;
  std::string version = req.header("mcp-protocol-version");
  if (version.empty()) version = session->server->protocolVersion();
  std::string lastEventId = req.header("last-event-id");
  std::shared_ptr<SseStream> stream;
  {
    std::lock_guard lock(session->mu);
    if (session->ended) return jsonError(*ex, 404, -32001, "Session not found");
    if (lastEventId.empty()) {
      // A new GET stream; the previous one (if any) can no longer be resumed.
      if (session->standalone && live(session->standalone->out))
        return jsonError(*ex, 409, -32000, "Conflict: this session already has a GET stream");
      if (session->standalone) session->streams.erase(session->standalone->number());
      stream = session->standalone = session->newStream();
      ex->startStream(200, session->headers("text/event-stream"));
      if (mcp::allowsPrimingEvents(version)) ex->write(stream->priming());
    } else {
      // Resumption: replay what the stream sent after that event, then go
      // on live on this connection (or end, when the stream's answer was
      // its last event). A GET or a POST's stream alike; only that stream.
      auto eventId = parseSseEventId(lastEventId);
      auto it = eventId ? session->streams.find(eventId->stream) : session->streams.end();
      std::optional<SseStream::Replay> replay;
      if (it != session->streams.end()) replay = it->second->replayAfter(eventId->seq);
      if (!replay)
        // Quoted only when it is an event id: an arbitrary header value is
        // not echoed (it may carry anything, a credential included).
        return jsonError(*ex, 400, -32000,
                         eventId ? "Bad Request: Last-Event-ID '" + lastEventId +
                                       "' names no event of a stream this session can resume "
                                       "(unknown or expired)"
                                 : std::string("Bad Request: Last-Event-ID is not an event id "
                                               "(STREAM-SEQ) of this server"));
      stream = it->second;
      if (replay->gap)
        spdlog::warn("[mcp http {}] resuming stream {} after {}: older events were already dropped",
                     session->id, stream->number(), lastEventId);
      // The client left the old connection (else it would not resume): this one takes over.
      if (live(stream->out)) stream->out->end();
      stream->out.reset();
      ex->startStream(200, session->headers("text/event-stream"));
      for (auto& text : replay->events) ex->write(std::move(text));
      if (stream->finished) return ex->end();
    }
    stream->out = ex;
  }
  std::weak_ptr<HttpSession> weak = session;
  std::weak_ptr<SseStream> weakStream = stream;
  std::weak_ptr<HttpExchange> weakEx = ex;
  ex->onAbort([weak, weakStream, weakEx] {
    auto s = weak.lock();
    auto st = weakStream.lock();
    if (!s || !st) return;
    std::lock_guard lock(s->mu);
    if (st->out == weakEx.lock()) st->out.reset();
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
  if (req.path != opt.path)
    return ex->respond(404, {{"Content-Type", "text/plain"}}, "not found\n");
  // DNS rebinding: a browser page on another site must not reach us through
  // a name that resolves to 127.0.0.1.
  if (!opt.allowRemote && !isLoopbackHostHeader(req.header("host")))
    return jsonError(*ex, 403, -32000,
                     "Forbidden: Host header must name this machine's loopback address");
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
