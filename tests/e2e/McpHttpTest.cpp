// `switchboard mcp --http`: Streamable HTTP sessions and bad input, with raw
// HTTP/1.1 over loopback TCP (no npm needed; tests/e2e/mcp_sdk covers the SDK).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "ChildProcess.h"
#include "DaemonEnvironment.h"
#include "FakeBackend.h"
#include "HttpProbe.h"

namespace sb::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// One request to /mcp on its own connection ("Connection: close"), read to the end.
HttpReply request(uint16_t port, const std::string& method, const std::string& headers,
                  const std::string& body, std::optional<size_t> declaredLength = std::nullopt) {
  return httpRequest(port, method, "/mcp", headers, body, 10, declaredLength);
}

UniqueFd connectTo(uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect");
  return fd;
}

struct SseEvent {
  std::optional<std::string> id;
  std::string event, data;
};

// Server-sent events over one HTTP/1.1 response, read as they come: the
// chunked body is decoded, then split into events. close() drops the
// connection the way a client losing its network would.
class SseClient {
 public:
  // Sends the request and, unless told not to, waits for the response head.
  SseClient(uint16_t port, const std::string& method, const std::string& headers,
            const std::string& body = "", bool waitForHead = true)
      : fd_(connectTo(port)) {
    std::string text = method + " /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                       "\r\nConnection: close\r\n" + headers +
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    if (::send(fd_.get(), text.data(), text.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(text.size()))
      throw std::runtime_error("send");
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (waitForHead && head_.empty() && fill(deadline)) {
      size_t end = raw_.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      head_ = raw_.substr(0, end);
      raw_.erase(0, end + 4);
      status_ = std::stoi(head_.substr(9, 3));
      chunked_ =
          std::regex_search(head_, std::regex("transfer-encoding:\\s*chunked", std::regex::icase));
    }
  }

  int status() const { return status_; }
  std::string contentType() const {
    std::smatch m;
    return std::regex_search(head_, m,
                             std::regex("\r\ncontent-type:\\s*([^\r]*)", std::regex::icase))
               ? m[1].str()
               : "";
  }

  // The next event, or nullopt when none comes within `timeout` or the
  // response ended.
  std::optional<SseEvent> next(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      decode();
      size_t end = body_.find("\n\n");
      if (end != std::string::npos) {
        std::string block = body_.substr(0, end + 1);
        body_.erase(0, end + 2);
        SseEvent e;
        bool anyData = false;
        for (size_t pos = 0; pos < block.size();) {
          size_t nl = block.find('\n', pos);
          std::string line = block.substr(pos, nl - pos);
          pos = nl + 1;
          size_t colon = line.find(':');
          std::string field = line.substr(0, colon);
          std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
          if (!value.empty() && value[0] == ' ') value.erase(0, 1);
          if (field == "id") e.id = value;
          if (field == "event") e.event = value;
          if (field == "data") {
            if (anyData) e.data += '\n';
            e.data += value;
            anyData = true;
          }
        }
        return e;
      }
      if (ended_ || !fill(deadline)) return std::nullopt;
    }
  }
  // Reads until an event answers request `id`; returns the events read.
  std::vector<SseEvent> until(const json& id, std::chrono::milliseconds timeout = 15s) {
    std::vector<SseEvent> events;
    while (auto e = next(timeout)) {
      events.push_back(*e);
      json m = json::parse(e->data, nullptr, false);
      if (m.is_object() && m.contains("id") && m["id"] == id && !m.contains("method")) break;
    }
    return events;
  }
  // True once the server ended the response (the last chunk arrived).
  bool ended(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (decode(); !ended_ && fill(deadline); decode()) {
    }
    return ended_;
  }
  // The rest of a whole (not streamed) response, up to the connection's end.
  std::string rest(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (fill(deadline)) {
    }
    decode();
    return body_;
  }
  void close() { fd_.reset(); }

 private:
  // Reads what arrives before the deadline; false on timeout, EOF or error.
  bool fill(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[8192];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n <= 0) return false;
    raw_.append(buf, static_cast<size_t>(n));
    return true;
  }
  // Moves complete chunks from raw_ to body_.
  void decode() {
    if (!chunked_) {
      body_ += raw_;
      raw_.clear();
      return;
    }
    for (;;) {
      size_t lineEnd = raw_.find("\r\n");
      if (lineEnd == std::string::npos) return;
      size_t size = std::stoul(raw_.substr(0, lineEnd), nullptr, 16);
      if (raw_.size() < lineEnd + 2 + size + 2) return;
      body_ += raw_.substr(lineEnd + 2, size);
      raw_.erase(0, lineEnd + 2 + size + 2);
      if (size == 0) {
        ended_ = true;
        return;
      }
    }
  }

  UniqueFd fd_;
  std::string raw_, head_, body_;
  int status_ = 0;
  bool chunked_ = false, ended_ = false;
};

// "7-3" -> {7, 3}.
std::pair<uint64_t, uint64_t> idParts(const std::string& id) {
  size_t dash = id.find('-');
  return {std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1))};
}

const std::string kJson =
    "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";

class McpHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sb-mcp-http-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", dir_ / "ws", fs::copy_options::recursive);
    ws_ = fs::canonical(dir_ / "ws");
    // A model for the ask tool, which streams slowly: a call that stays open
    // long enough to drop its connection on purpose.
    env_.emplace(dir_, backend_.url() + "/v1");
    backend_.setResponder([](const fake::RecordedRequest& req) -> std::optional<fake::Reply> {
      json body = req.json();
      if (!body.is_object() || !body.value("stream", false)) return std::nullopt;
      fake::Reply r;
      r.contentType = "text/event-stream";
      r.chunks = fake::streamChunks(req.path, {"one ", "two ", "three ", "four ", "five"});
      r.chunkDelay = 150ms;
      return r;
    });
    start();
  }
  // (Re)starts the daemon with these extra arguments and learns its port.
  void start(const std::vector<std::string>& extra = {}) {
    proc_.reset();
    std::vector<std::string> argv = {
        SB_BINARY,     "mcp",         (dir_ / "ws").string(),   "--http",
        "127.0.0.1:0", "--index-dir", (dir_ / "index").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc_.emplace(ChildProcess::start(argv));
    static const std::regex kLine("MCP on http://127\\.0\\.0\\.1:(\\d+)/mcp\n");
    std::smatch m;
    ASSERT_TRUE(
        proc_->io().waitUntil([&] { return std::regex_search(proc_->err(), m, kLine); }, 10s))
        << proc_->err();
    port_ = static_cast<uint16_t>(std::stoi(m[1]));
  }
  void TearDown() override {
    proc_.reset();
    env_.reset();
    fs::remove_all(dir_);
  }

  std::string initialize(const std::string& version = "2025-06-18") {
    json init = {{"jsonrpc", "2.0"},
                 {"id", 1},
                 {"method", "initialize"},
                 {"params",
                  {{"protocolVersion", version},
                   {"capabilities", json::object()},
                   {"clientInfo", {{"name", "gtest"}, {"version", "1"}}}}}};
    HttpReply r = request(port_, "POST", kJson, init.dump());
    EXPECT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(json::parse(r.body)["result"]["protocolVersion"], version);
    std::string sid = r.header("mcp-session-id");
    EXPECT_FALSE(sid.empty()) << r.head;
    r = request(port_, "POST", kJson + "Mcp-Session-Id: " + sid + "\r\n",
                R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    EXPECT_EQ(r.status, 202);
    return sid;
  }

  // Session and revision headers for the requests after initialize.
  static std::string session(const std::string& sid, const std::string& version) {
    return "Mcp-Session-Id: " + sid + "\r\nMCP-Protocol-Version: " + version + "\r\n";
  }
  // A request answered as JSON or on an event stream: the answer.
  json call(const std::string& headers, const json& msg) {
    SseClient c(port_, "POST", kJson + headers, msg.dump());
    EXPECT_EQ(c.status(), 200);
    if (c.contentType().rfind("text/event-stream", 0) == 0) {
      auto events = c.until(msg["id"]);
      return events.empty() ? json() : json::parse(events.back().data, nullptr, false);
    }
    return json::parse(c.rest(10s), nullptr, false);
  }
  void write(const fs::path& file, const std::string& text) {
    std::ofstream(file, std::ios::trunc) << text;
  }

  fs::path dir_, ws_;
  fake::FakeBackend backend_;
  std::optional<DaemonEnvironment> env_;
  std::optional<ChildProcess> proc_;
  uint16_t port_ = 0;
};

const std::string kList = R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})";

TEST_F(McpHttp, SessionsAreRequiredAfterInitialize) {
  std::string sid = initialize();
  HttpReply r = request(port_, "POST", kJson + "Mcp-Session-Id: " + sid + "\r\n", kList);
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_GE(json::parse(r.body)["result"]["tools"].size(), 9u);
  EXPECT_EQ(request(port_, "POST", kJson, kList).status, 400);  // before initialize: no session
  EXPECT_EQ(request(port_, "POST", kJson + "Mcp-Session-Id: nope\r\n", kList).status, 404);
  EXPECT_EQ(request(port_, "DELETE", "Mcp-Session-Id: " + sid + "\r\n", "").status, 200);
  EXPECT_EQ(request(port_, "POST", kJson + "Mcp-Session-Id: " + sid + "\r\n", kList).status, 404);
}

// A session left without requests and without a stream open is ended once
// it has been idle past --session-idle-seconds (when the next session
// starts): its id then gets 404, which tells the client to initialize again.
// A session whose client keeps the GET stream open is listening, not idle.
TEST_F(McpHttp, IdleSessionsEndButListeningOnesStay) {
  start({"--session-idle-seconds", "1", "--log-level", "info"});
  std::string idle = initialize();
  std::string listening = initialize("2025-11-25");
  SseClient get(port_, "GET", "Accept: text/event-stream\r\n" + session(listening, "2025-11-25"));
  ASSERT_TRUE(get.next(5s));  // the priming event: the stream is open
  std::this_thread::sleep_for(1500ms);
  std::string fresh = initialize();  // sweeps the idle ones
  EXPECT_EQ(request(port_, "POST", kJson + "Mcp-Session-Id: " + idle + "\r\n", kList).status, 404);
  EXPECT_EQ(request(port_, "POST", kJson + session(listening, "2025-11-25"), kList).status, 200);
  EXPECT_EQ(request(port_, "POST", kJson + "Mcp-Session-Id: " + fresh + "\r\n", kList).status, 200);
  EXPECT_TRUE(proc_->io().waitUntil(
      [&] { return proc_->err().find("ended: idle for 1 s") != std::string::npos; }, 5s))
      << proc_->err();
}

TEST_F(McpHttp, BadInputIsRefusedWithTheRightStatus) {
  std::string s = "Mcp-Session-Id: " + initialize() + "\r\n";
  HttpReply r = request(port_, "POST", kJson + s, "{\"jsonrpc\":");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32700);
  EXPECT_EQ(request(port_, "POST", "Content-Type: text/plain\r\n" + s, kList).status, 415);
  EXPECT_EQ(request(port_, "POST", kJson + s, "", size_t(1) << 30).status, 413);
  EXPECT_EQ(request(port_, "POST", kJson + s + "Origin: http://evil.example\r\n", kList).status,
            403);
  EXPECT_EQ(
      request(port_, "POST", kJson + s + "MCP-Protocol-Version: 2000-01-01\r\n", kList).status,
      400);
  EXPECT_EQ(request(port_, "POST", kJson + s, "[" + kList + "]").status,
            400);  // no batches after 2025-03-26
  r = request(
      port_, "POST", kJson + s,
      R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"../../etc/passwd"}}})");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(json::parse(r.body)["result"]["isError"].get<bool>());
  // Still serving.
  EXPECT_EQ(request(port_, "POST", kJson + s, kList).status, 200);
}

json askCall(int id, const std::string& token) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "tools/call"},
          {"params",
           {{"name", "ask"},
            {"arguments", {{"question", "Count to five"}}},
            {"_meta", {{"progressToken", token}}}}}};
}

// Each event's id names the stream and counts on from `afterSeq`; the last
// event answers request `id`.
void expectContinuousIds(const std::vector<SseEvent>& events, uint64_t stream, uint64_t afterSeq,
                         int id) {
  ASSERT_FALSE(events.empty());
  uint64_t seq = afterSeq;
  for (const auto& e : events) {
    ASSERT_TRUE(e.id) << e.data;
    EXPECT_EQ(idParts(*e.id), std::make_pair(stream, ++seq)) << *e.id;
    EXPECT_FALSE(e.data.empty());
  }
  json last = json::parse(events.back().data);
  EXPECT_EQ(last["id"], id);
  EXPECT_EQ(last["result"]["structuredContent"]["answer"], "one two three four five")
      << last.dump();
}

TEST_F(McpHttp, EveryEventCarriesAnIdIncreasingAlongItsStream) {
  std::string s = session(initialize("2025-11-25"), "2025-11-25");
  SseClient get(port_, "GET", "Accept: text/event-stream\r\n" + s);
  ASSERT_EQ(get.status(), 200);
  auto getPriming = get.next(5s);  // 2025-11-25: an id with empty data first
  ASSERT_TRUE(getPriming && getPriming->id);
  EXPECT_EQ(getPriming->data, "");
  EXPECT_EQ(idParts(*getPriming->id).second, 0u);

  SseClient post(port_, "POST", kJson + s, askCall(7, "p7").dump());
  ASSERT_EQ(post.status(), 200);
  ASSERT_EQ(post.contentType(), "text/event-stream");
  auto priming = post.next(5s);
  ASSERT_TRUE(priming && priming->id);
  EXPECT_EQ(priming->data, "");
  auto [stream, seq0] = idParts(*priming->id);
  EXPECT_EQ(seq0, 0u);
  EXPECT_NE(stream, idParts(*getPriming->id).first);  // ids are unique within the session
  auto events = post.until(7);
  expectContinuousIds(events, stream, 0, 7);
  EXPECT_GE(events.size(), 3u);  // progress, then the answer
  EXPECT_TRUE(post.ended(5s));

  // An earlier revision gets no priming event (it may not take empty data),
  // but ids all the same.
  std::string old = session(initialize("2025-06-18"), "2025-06-18");
  SseClient oldPost(port_, "POST", kJson + old, askCall(8, "p8").dump());
  ASSERT_EQ(oldPost.status(), 200);
  auto oldEvents = oldPost.until(8);
  ASSERT_FALSE(oldEvents.empty());
  ASSERT_TRUE(oldEvents.front().id);
  expectContinuousIds(oldEvents, idParts(*oldEvents.front().id).first, 0, 8);
}

TEST_F(McpHttp, AnswerOfADroppedPostStreamIsRedeliveredOnResume) {
  std::string s = session(initialize("2025-11-25"), "2025-11-25");
  std::string lastId;
  {
    SseClient post(port_, "POST", kJson + s, askCall(5, "p5").dump());
    ASSERT_EQ(post.contentType(), "text/event-stream");
    auto priming = post.next(5s);
    ASSERT_TRUE(priming && priming->id);
    auto progress = post.next(5s);
    ASSERT_TRUE(progress && progress->id);
    EXPECT_EQ(json::parse(progress->data)["method"], "notifications/progress");
    lastId = *progress->id;
    post.close();  // the network goes away mid-call
  }
  auto [stream, seq] = idParts(lastId);
  ASSERT_TRUE(backend_.waitForRequests(1, 10s));
  std::this_thread::sleep_for(2s);  // the call finishes meanwhile (~1 s of streaming)

  SseClient resumed(port_, "GET",
                    "Accept: text/event-stream\r\n" + s + "Last-Event-ID: " + lastId + "\r\n");
  ASSERT_EQ(resumed.status(), 200) << resumed.rest(1s);
  auto events = resumed.until(5, 10s);
  expectContinuousIds(events, stream, seq, 5);  // the rest of the stream, nothing twice
  EXPECT_TRUE(resumed.ended(5s));               // the answer was its last event

  // The same cursor again (the client lost that connection too): the same events.
  SseClient again(port_, "GET",
                  "Accept: text/event-stream\r\n" + s + "Last-Event-ID: " + lastId + "\r\n");
  auto replayed = again.until(5, 10s);
  ASSERT_EQ(replayed.size(), events.size());
  EXPECT_EQ(replayed.back().data, events.back().data);

  // Ids that name nothing resumable in this session.
  for (const std::string& bad :
       {std::string("999-0"), std::to_string(stream) + "-999", std::string("nonsense")}) {
    SseClient refused(port_, "GET",
                      "Accept: text/event-stream\r\n" + s + "Last-Event-ID: " + bad + "\r\n");
    EXPECT_EQ(refused.status(), 400) << bad;
  }
  std::string other = session(initialize("2025-11-25"), "2025-11-25");
  SseClient foreign(port_, "GET",
                    "Accept: text/event-stream\r\n" + other + "Last-Event-ID: " + lastId + "\r\n");
  EXPECT_EQ(foreign.status(), 400);  // another session's stream
}

TEST_F(McpHttp, AnswerOfAPostDroppedBeforeItsStreamBeganGoesNowhereElse) {
  // 2025-06-18: no priming event, so a client dropping the POST before any
  // event holds no id; its answer must not turn up on the GET stream.
  std::string s = session(initialize("2025-06-18"), "2025-06-18");
  SseClient get(port_, "GET", "Accept: text/event-stream\r\n" + s);
  ASSERT_EQ(get.status(), 200);
  json call = askCall(9, "p9");
  call["params"].erase("_meta");  // no progress: nothing goes out before the answer
  {
    SseClient post(port_, "POST", kJson + s, call.dump(), /*waitForHead=*/false);
    ASSERT_TRUE(backend_.waitForRequests(1, 10s));
    post.close();  // long before the answer (~1 s of streaming)
  }
  EXPECT_FALSE(get.next(3s));  // the call ended meanwhile; nothing came here
}

TEST_F(McpHttp, GetStreamResumesWithExactlyTheMissedEvents) {
  std::string s = session(initialize("2025-11-25"), "2025-11-25");
  std::vector<std::string> uris;
  for (const char* name : {"a.txt", "b.txt", "c.txt"}) {
    write(ws_ / name, "first\n");
    uris.push_back("file://" + (ws_ / name).string());
  }
  auto get = std::make_unique<SseClient>(port_, "GET", "Accept: text/event-stream\r\n" + s);
  auto priming = get->next(5s);
  ASSERT_TRUE(priming && priming->id);
  uint64_t stream = idParts(*priming->id).first;
  int id = 10;
  for (const auto& uri : uris) {
    json r = call(s, {{"jsonrpc", "2.0"},
                      {"id", id++},
                      {"method", "resources/subscribe"},
                      {"params", {{"uri", uri}}}});
    ASSERT_TRUE(r.contains("result")) << r.dump();
  }
  auto updated = [](const SseEvent& e) {
    json m = json::parse(e.data);
    EXPECT_EQ(m["method"], "notifications/resources/updated") << e.data;
    return m["params"]["uri"].get<std::string>();
  };

  write(ws_ / "a.txt", "second version\n");
  auto live = get->next(5s);  // polled once a second
  ASSERT_TRUE(live && live->id);
  EXPECT_EQ(*live->id, std::to_string(stream) + "-1");
  EXPECT_EQ(updated(*live), uris[0]);

  get->close();
  write(ws_ / "b.txt", "second version\n");
  write(ws_ / "c.txt", "second version\n");
  std::this_thread::sleep_for(2500ms);  // both notifications go out while nobody listens

  get = std::make_unique<SseClient>(
      port_, "GET", "Accept: text/event-stream\r\n" + s + "Last-Event-ID: " + *live->id + "\r\n");
  ASSERT_EQ(get->status(), 200);
  std::set<std::string> missed;
  for (uint64_t seq = 2; seq <= 3; ++seq) {
    auto e = get->next(5s);
    ASSERT_TRUE(e && e->id);
    EXPECT_EQ(idParts(*e->id), std::make_pair(stream, seq));
    missed.insert(updated(*e));
  }
  EXPECT_EQ(missed, (std::set<std::string>{uris[1], uris[2]}));
  EXPECT_FALSE(get->next(1500ms));  // nothing twice, nothing else

  // The resumed stream goes on live.
  write(ws_ / "a.txt", "third version, longer\n");
  auto after = get->next(5s);
  ASSERT_TRUE(after && after->id);
  EXPECT_EQ(*after->id, std::to_string(stream) + "-4");
  EXPECT_EQ(updated(*after), uris[0]);

  // A second GET while this one is connected is refused.
  SseClient second(port_, "GET", "Accept: text/event-stream\r\n" + s);
  EXPECT_EQ(second.status(), 409);
}

// One raw HTTP/1.1 request as given (its own Host header), read to the end; the status.
int rawStatus(uint16_t port, const std::string& text) {
  UniqueFd fd = connectTo(port);
  timeval tv{10, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::send(fd.get(), text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size()))
    return 0;
  std::string in;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd.get(), buf, sizeof buf, 0)) > 0) in.append(buf, static_cast<size_t>(n));
  return in.size() >= 12 ? std::stoi(in.substr(9, 3)) : 0;
}

TEST_F(McpHttp, ForeignHostHeaderIsForbidden) {
  // A DNS-rebinding page reaches 127.0.0.1 under its own name: the Host header gives it away.
  const std::string init =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";
  auto post = [&](const std::string& host, const std::string& extra = "") {
    return rawStatus(port_, "POST /mcp HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" +
                                kJson + extra + "Content-Length: " + std::to_string(init.size()) +
                                "\r\n\r\n" + init);
  };
  const std::string port = std::to_string(port_);
  for (const std::string& host :
       {std::string("evil.example"), "evil.example:" + port, "localhost.evil:" + port,
        "127.0.0.1.evil.example:" + port, "10.0.0.1:" + port})
    EXPECT_EQ(post(host), 403) << host;
  EXPECT_EQ(rawStatus(port_,
                      "GET /mcp HTTP/1.1\r\nHost: evil.example\r\nConnection: "
                      "close\r\nAccept: text/event-stream\r\n\r\n"),
            403);
  // A loopback Host with a foreign Origin is refused too; loopback names pass.
  EXPECT_EQ(post("localhost:" + port, "Origin: http://evil.example\r\n"), 403);
  EXPECT_EQ(post("localhost:" + port, "Origin: null\r\n"), 403);
  EXPECT_EQ(post("localhost:" + port), 200);
  EXPECT_EQ(post("[::1]:" + port, "Origin: http://localhost:3000\r\n"), 200);
}

// `switchboard mcp --http` with the given arguments and no token in the
// environment: it must refuse to start.
Finished mcpHttpRefused(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/env", "-u",  "SWITCHBOARD_MCP_TOKEN",
                                   SB_BINARY,      "mcp", fs::temp_directory_path().string(),
                                   "--http"};
  argv.insert(argv.end(), args.begin(), args.end());
  return runToCompletion(argv, 10s);
}

TEST(McpHttpCommandLine, NonLoopbackNeedsBothAllowRemoteAndAToken) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"0.0.0.0:0"},
                                             {"0.0.0.0:0", "--allow-remote"},
                                             {"0.0.0.0:0", "--token", "t0ken-only"},
                                             {"[::]:0", "--allow-remote"}}) {
    std::string what = ::testing::PrintToString(args);
    Finished run = mcpHttpRefused(args);
    EXPECT_TRUE(run.status.exited()) << what << run.status.describe();
    EXPECT_EQ(run.status.code, 2) << what << run.err;
    EXPECT_NE(run.err.find("needs --allow-remote and --token"), std::string::npos)
        << what << run.err;
    EXPECT_EQ(run.err.find("MCP on"), std::string::npos) << what << run.err;
    EXPECT_EQ(run.err.find("t0ken-only"), std::string::npos) << "the token is not echoed";
  }
}

TEST_F(McpHttp, SigtermExitsCleanly) {
  initialize();
  proc_->signal(SIGTERM);
  auto status = proc_->wait(10s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited());
  EXPECT_EQ(status->code, 0);
}

}  // namespace
}  // namespace sb::e2e
