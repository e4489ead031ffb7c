// Fuzzes MCP over HTTP from the raw bytes of a connection: the input is the
// byte stream a client sends, split into requests by parseHttpRequest (the
// parser HttpServer's connections use), in one piece and in input-derived
// chunks, and each request is handed to McpHttpTransport (with a bearer token
// and a small catalog: a resource, a prompt and one tool that runs on the
// receiving thread (McpTool::answerInline), so every answer is given
// synchronously and tools/call's argument validation is fuzzed too). A header value "$S" stands for
// the latest session id the transport handed out, so fuzzed streams can reach session state.
// Checks:
//  - the parser finds the same requests and the same refusal however the
//    stream is cut (an over-long head is refused once the buffer passes the
//    limit, so a head ending within 4 bytes of it may go either way: streams
//    are compared up to the first 431);
//  - a parsed request's body has its Content-Length, `consumed` never passes
//    the buffer, header names are lower case;
//  - every request gets exactly one response (whole, or a stream that ends
//    when the transport shuts down), with a status the server knows;
//  - security: any answer other than 404 (wrong path), 403 (Host/Origin) and
//    401 went to a request with the right token and a loopback Host; the token
//    never appears in a response;
//  - JSON answers and SSE events are JSON-RPC 2.0 messages.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "Chunker.h"
#include "FuzzCheck.h"
#include "server/HttpRequestParser.h"
#include "server/McpHttpTransport.h"
#include "server/McpServer.h"
#include "server/Workers.h"

namespace {

using sb::HttpExchange;
using sb::HttpHeaders;
using sb::HttpParseResult;
using sb::HttpRequest;
using sb::json;

constexpr std::string_view kToken = "fuzz-secret-token-7d41";

sb::HttpServerOptions parserOptions() {
  sb::HttpServerOptions o;
  o.maxHeaderBytes = 512;  // small, so the limits are reached
  o.maxBodyBytes = 2048;
  return o;
}

// One parsed request or refusal, for comparing runs.
struct Parsed {
  bool isError = false;
  int status = 0;
  HttpRequest request;
};

bool sameRequest(const HttpRequest& a, const HttpRequest& b) {
  return a.method == b.method && a.target == b.target && a.path == b.path &&
         a.headers == b.headers && a.body == b.body;
}

void checkParsed(const HttpParseResult& r, std::string_view buffer) {
  if (r.kind != HttpParseResult::Kind::Request) return;
  SB_FUZZ_CHECK(r.consumed > 0 && r.consumed <= buffer.size(), "consumed %zu of %zu bytes",
                r.consumed, buffer.size());
  const HttpRequest& q = r.request;
  const std::string cl = q.header("content-length");
  SB_FUZZ_CHECK(q.body.size() == (cl.empty() ? 0 : std::stoull(cl)),
                "a %zu-byte body for Content-Length '%s'", q.body.size(), cl.c_str());
  SB_FUZZ_CHECK(buffer.substr(r.consumed - q.body.size(), q.body.size()) == q.body,
                "the body is not the bytes consumed");
  for (const auto& [k, v] : q.headers)
    for (char c : k)
      SB_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "header name '%s' not lower case", k.c_str());
  SB_FUZZ_CHECK(q.path == q.target.substr(0, q.target.find('?')), "path '%s' of target '%s'",
                q.path.c_str(), q.target.c_str());
}

// Parses a stream as a connection does: feed, parse what is complete, stop
// at the first refusal.
std::vector<Parsed> parseStream(std::string_view stream, bool chunked) {
  const sb::HttpServerOptions options = parserOptions();
  std::vector<Parsed> out;
  std::string buffer;
  sb::fuzz::Chunker chunker(stream);
  for (size_t i = 0; i < stream.size();) {
    size_t n = chunked ? std::min(chunker.nextSize(), stream.size() - i) : stream.size();
    buffer.append(stream.substr(i, n));
    i += n;
    for (;;) {
      HttpParseResult r = sb::parseHttpRequest(buffer, options);
      checkParsed(r, buffer);
      if (r.kind == HttpParseResult::Kind::NeedMore) break;
      if (r.kind == HttpParseResult::Kind::Error) {
        SB_FUZZ_CHECK(r.status >= 400 && r.status < 600 && !r.message.empty(), "refusal %d '%s'",
                      r.status, r.message.c_str());
        out.push_back({true, r.status, {}});
        return out;
      }
      buffer.erase(0, r.consumed);
      out.push_back({false, 200, std::move(r.request)});
      if (r.closeAfter) return out;  // the connection drains what follows
    }
  }
  return out;
}

void checkJsonRpc(std::string_view text, const char* where) {
  json msg = json::parse(text, nullptr, false);
  SB_FUZZ_CHECK(!msg.is_discarded(), "%s is not JSON: %.200s", where, std::string(text).c_str());
  auto one = [&](const json& m) {
    SB_FUZZ_CHECK(m.is_object() && m.value("jsonrpc", "") == "2.0",
                  "%s is not JSON-RPC 2.0: %.200s", where, m.dump().c_str());
  };
  if (msg.is_array()) {
    SB_FUZZ_CHECK(!msg.empty(), "%s is an empty batch", where);
    for (const auto& m : msg) one(m);
  } else {
    one(msg);
  }
}

class FakeExchange final : public HttpExchange {
 public:
  void respond(int status, HttpHeaders headers, std::string body) override {
    std::lock_guard lock(mu_);
    if (done_ || streaming_) return;
    starts_++;
    status_ = status;
    headers_ = std::move(headers);
    body_ = std::move(body);
    done_ = true;
  }
  void startStream(int status, HttpHeaders headers) override {
    std::lock_guard lock(mu_);
    if (done_ || streaming_) return;
    starts_++;
    status_ = status;
    headers_ = std::move(headers);
    streaming_ = true;
  }
  void write(std::string data) override {
    std::lock_guard lock(mu_);
    if (!streaming_ || done_) return;
    events_ += data;
  }
  void end() override {
    std::lock_guard lock(mu_);
    if (streaming_) done_ = true;
  }
  bool open() const override {
    std::lock_guard lock(mu_);
    return !done_;
  }
  void onAbort(std::function<void()>) override {}  // the fake connection never drops

  // Checks once the transport has shut down.
  void check(const HttpRequest& req) const {
    std::lock_guard lock(mu_);
    SB_FUZZ_CHECK(starts_ == 1 && done_, "%s %s: %d responses, finished %d", req.method.c_str(),
                  req.target.c_str(), starts_, done_);
    SB_FUZZ_CHECK(sb::httpReason(status_) != "Unknown", "status %d", status_);
    const std::string all = body_ + events_;
    // (A parse error quotes the body it could not parse: the client's own bytes.)
    if (req.body.find(kToken) == std::string::npos)
      SB_FUZZ_CHECK(all.find(kToken) == std::string::npos,
                    "the token leaked into a response: %.300s", all.c_str());
    for (const auto& [k, v] : headers_)
      SB_FUZZ_CHECK(v.find(kToken) == std::string::npos, "the token leaked into %s", k.c_str());
    if (status_ != 404 && status_ != 403 && status_ != 401) {
      SB_FUZZ_CHECK(req.header("authorization") == "Bearer " + std::string(kToken),
                    "status %d without the token", status_);
      SB_FUZZ_CHECK(sb::isLoopbackHostHeader(req.header("host")), "status %d for Host '%s'",
                    status_, req.header("host").c_str());
    }
    std::string contentType;
    for (const auto& [k, v] : headers_)
      if (k == "Content-Type") contentType = v;
    if (contentType == "application/json") checkJsonRpc(body_, "a JSON answer");
    if (contentType == "text/event-stream") checkEvents(events_);
  }

  // Every event is `[id: N-M\n]event: message\n` and data lines holding one
  // JSON-RPC message, or (resumability, 2025-11-25) the priming event
  // `id: N-M\ndata: \n` that only hands the client a Last-Event-ID.
  static void checkEvents(std::string_view rest) {
    auto line = [&rest]() {
      size_t nl = rest.find('\n');
      SB_FUZZ_CHECK(nl != std::string_view::npos, "an unterminated SSE line '%.40s'",
                    std::string(rest).c_str());
      std::string_view l = rest.substr(0, nl);
      rest.remove_prefix(nl + 1);
      return l;
    };
    auto startsWith = [](std::string_view s, std::string_view p) {
      return s.substr(0, p.size()) == p;
    };
    while (!rest.empty()) {
      std::string_view l = line();
      bool hasId = startsWith(l, "id: ");
      if (hasId) {
        std::string_view id = l.substr(4);
        size_t dash = id.find('-');
        SB_FUZZ_CHECK(dash != std::string_view::npos && dash > 0 && dash + 1 < id.size() &&
                          id.find_first_not_of("0123456789-") == std::string_view::npos &&
                          id.find('-', dash + 1) == std::string_view::npos,
                      "an SSE event id '%.40s' is not STREAM-SEQ", std::string(id).c_str());
        l = line();
      }
      if (hasId && l == "data: ") {  // the priming event
        SB_FUZZ_CHECK(line().empty(), "a priming event with more than one data line");
        continue;
      }
      SB_FUZZ_CHECK(l == "event: message", "an SSE event starts with '%.40s'",
                    std::string(l).c_str());
      std::string data;
      for (l = line(); !l.empty(); l = line()) {
        SB_FUZZ_CHECK(startsWith(l, "data: "), "an SSE event line '%.40s'", std::string(l).c_str());
        if (!data.empty()) data += '\n';
        data += l.substr(6);
      }
      checkJsonRpc(data, "an SSE event");
    }
  }

  std::string sessionId() const {
    std::lock_guard lock(mu_);
    for (const auto& [k, v] : headers_)
      if (k == "Mcp-Session-Id") return v;
    return {};
  }

 private:
  mutable std::mutex mu_;
  int starts_ = 0;
  int status_ = 0;
  bool streaming_ = false, done_ = false;
  HttpHeaders headers_;
  std::string body_, events_;
};

std::shared_ptr<const sb::McpCatalog> catalog() {
  auto c = std::make_shared<sb::McpCatalog>();
  c->listResources = [] {
    return std::vector<sb::McpResource>{{"file:///a.txt", "a.txt", "", "", "text/plain"}};
  };
  c->readResource = [](const std::string& uri) -> std::optional<json> {
    if (uri == "file:///secret") throw std::invalid_argument("outside the workspace");
    if (uri != "file:///a.txt") return std::nullopt;
    return json::array({{{"uri", uri}, {"text", "hello"}}});
  };
  c->prompts.push_back(
      {"greet", "", "Greets", {{"name", "who", true}}, [](const json& args) {
         if (!args.contains("name") || !args["name"].is_string())
           throw std::invalid_argument("name is required");
         return json{
             {"messages", json::array({{{"role", "user"},
                                        {"content",
                                         {{"type", "text"},
                                          {"text", "hi " + args["name"].get<std::string>()}}}}})}};
       }});
  sb::McpTool echo;
  echo.name = "echo";
  echo.inputSchema = {{"type", "object"},
                      {"properties",
                       {{"text", {{"type", "string"}, {"minLength", 1}}},
                        {"times", {{"type", "integer"}, {"minimum", 1}, {"maximum", 3}}},
                        {"mode", {{"enum", {"plain", "upper"}}}},
                        {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}}}},
                      {"required", {"text"}},
                      {"additionalProperties", false}};
  echo.outputSchema = {{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}};
  // Answered inline; `call` (a worker) is never reached.
  echo.answerInline = [](const json& args) -> std::optional<sb::McpToolResult> {
    std::string out;
    for (int i = args.value("times", 1); i > 0; --i) out += args["text"].get<std::string>();
    return sb::McpToolResult::text(out, {{"n", static_cast<int>(out.size())}});
  };
  echo.call = [](const json&, sb::McpToolContext, std::function<void(sb::McpToolResult)> done) {
    done(sb::McpToolResult::error("echo runs inline"));
  };
  c->tools.push_back(std::move(echo));
  return c;
}

void serve(const std::vector<Parsed>& requests) {
  static sb::Workers workers(1);  // idle: the one tool runs inline
  static const auto kCatalog = catalog();
  std::vector<std::pair<HttpRequest, std::shared_ptr<FakeExchange>>> done;
  {
    sb::McpHttpOptions options;
    options.token = std::string(kToken);
    options.maxSessions = 2;  // eviction is reachable
    sb::McpHttpTransport transport(options, [](const sb::SessionContext& ctx) {
      return std::make_unique<sb::McpServer>(ctx, workers, kCatalog);
    });
    std::string session;
    for (const Parsed& p : requests) {
      if (p.isError) break;
      HttpRequest req = p.request;
      for (auto& [k, v] : req.headers)
        if (v == "$S") v = session;
      req.peer = "127.0.0.1:1";
      auto ex = std::make_shared<FakeExchange>();
      transport.handle(req, ex);
      if (std::string id = ex->sessionId(); !id.empty()) session = id;
      done.emplace_back(std::move(req), ex);
    }
  }  // ends every session: open streams finish
  for (const auto& [req, ex] : done) ex->check(req);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  const std::vector<Parsed> whole = parseStream(stream, false);
  const std::vector<Parsed> chunked = parseStream(stream, true);
  // Compare up to the first over-long head (see above).
  auto firstTooLarge = [](const std::vector<Parsed>& v) {
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i].isError && v[i].status == 431) return i;
    return v.size();
  };
  const size_t n = std::min(firstTooLarge(whole), firstTooLarge(chunked));
  for (size_t i = 0; i < n; ++i) {
    SB_FUZZ_CHECK(whole[i].isError == chunked[i].isError && whole[i].status == chunked[i].status,
                  "request %zu: %d vs %d", i, whole[i].status, chunked[i].status);
    SB_FUZZ_CHECK(whole[i].isError || sameRequest(whole[i].request, chunked[i].request),
                  "request %zu parsed differently when chunked", i);
  }
  if (firstTooLarge(whole) == whole.size() && firstTooLarge(chunked) == chunked.size())
    SB_FUZZ_CHECK(whole.size() == chunked.size(), "%zu requests in one piece, %zu chunked",
                  whole.size(), chunked.size());
  serve(whole);
  return 0;
}
