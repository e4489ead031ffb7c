// The server: one Asio I/O thread, a coroutine per connection, bounded
// request sizes and connection count, loopback only.
#include <utility>  // before Asio: Boost 1.74 in C++20 mode needs std::exchange declared

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "FakeBackend.h"

namespace sb::fake {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

constexpr std::size_t kMaxHead = 64 << 10;
constexpr std::size_t kMaxBody = 16 << 20;
constexpr int kMaxConnections = 512;

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

std::string RecordedRequest::header(const std::string& name) const {
  for (auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return {};
}

nlohmann::json RecordedRequest::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

struct FakeBackend::State {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::deque<Reply> script;                   // guarded by mu
  Responder responder;                        // guarded by mu
  std::deque<std::string> texts;              // guarded by mu
  std::string defaultText = "Hello, world!";  // guarded by mu
  std::vector<RecordedRequest> received;      // guarded by mu
  int closedByClient = 0;                     // guarded by mu
  int connections = 0;                        // I/O thread only

  struct Conn {
    explicit Conn(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
    tcp::socket socket;
    asio::steady_timer timer;
    bool clientGone = false;
    bool replyDone = false;
  };

  Reply nextReply(const RecordedRequest& req) {
    Responder answer;
    {
      std::lock_guard lock(mu);
      answer = responder;
    }
    if (answer)  // outside the lock: a responder may look at requests()
      if (auto r = answer(req)) return std::move(*r);
    std::lock_guard lock(mu);
    if (!script.empty()) {
      Reply r = std::move(script.front());
      script.pop_front();
      return r;
    }
    // Model listings (GET) do not use up the scripted texts.
    if (!texts.empty() && req.method != "GET") {
      std::string text = std::move(texts.front());
      texts.pop_front();
      return autoReply(req, text);
    }
    return autoReply(req, defaultText);
  }

  std::size_t record(RecordedRequest req) {
    std::lock_guard lock(mu);
    received.push_back(std::move(req));
    cv.notify_all();
    return received.size() - 1;
  }

  // Reads until the client closes: with Connection: close, nothing else should come.
  awaitable<void> watch(std::shared_ptr<Conn> c) {
    char buf[512];
    boost::system::error_code ec;
    for (;;) {
      co_await c->socket.async_read_some(asio::buffer(buf),
                                         asio::redirect_error(use_awaitable, ec));
      if (ec) break;
    }
    if (ec == asio::error::operation_aborted) co_return;  // we closed it
    c->clientGone = true;
    c->timer.cancel();
    if (!c->replyDone) {
      std::lock_guard lock(mu);
      ++closedByClient;
      cv.notify_all();
    }
  }

  // False if the client went away meanwhile.
  awaitable<bool> sleep(const std::shared_ptr<Conn>& c, Millis d) {
    if (d.count() > 0 && !c->clientGone) {
      c->timer.expires_after(d);
      boost::system::error_code ec;
      co_await c->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_return !c->clientGone;
  }

  awaitable<bool> write(const std::shared_ptr<Conn>& c, const std::string& data) {
    boost::system::error_code ec;
    co_await asio::async_write(c->socket, asio::buffer(data),
                               asio::redirect_error(use_awaitable, ec));
    co_return !ec && !c->clientGone;
  }

  awaitable<bool> readRequest(const std::shared_ptr<Conn>& c, RecordedRequest& req) {
    std::string buf;
    boost::system::error_code ec;
    std::size_t headEnd =
        co_await asio::async_read_until(c->socket, asio::dynamic_buffer(buf, kMaxHead), "\r\n\r\n",
                                        asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    std::string head = buf.substr(0, headEnd);
    buf.erase(0, headEnd);
    auto lineEnd = head.find("\r\n");
    std::string requestLine = head.substr(0, lineEnd);
    auto sp1 = requestLine.find(' '), sp2 = requestLine.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) co_return false;
    req.method = requestLine.substr(0, sp1);
    req.path = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
    for (auto pos = lineEnd + 2; pos < head.size();) {
      auto end = head.find("\r\n", pos);
      std::string line = head.substr(pos, end - pos);
      pos = end + 2;
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      req.headers.emplace_back(line.substr(0, colon), value);
    }
    std::size_t length = 0;
    if (auto cl = req.header("Content-Length"); !cl.empty()) length = std::stoul(cl);
    if (length > kMaxBody) co_return false;
    if (buf.size() < length)
      co_await asio::async_read(c->socket, asio::dynamic_buffer(buf),
                                asio::transfer_exactly(length - buf.size()),
                                asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    req.body = buf.substr(0, length);
    co_return true;
  }

  void markReplied(std::size_t index) {
    std::lock_guard lock(mu);
    received[index].repliedAt = std::chrono::steady_clock::now();
  }

  // The last byte's time is taken just before its write: the client may read
  // it and move on before this coroutine resumes.
  awaitable<void> respond(std::shared_ptr<Conn> c, const Reply& r, std::size_t index) {
    if (r.hang) {  // until the client closes
      while (!c->clientGone) co_await sleep(c, std::chrono::hours(1));
      co_return;
    }
    if (!co_await sleep(c, r.headerDelay)) co_return;
    std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) + "\r\n";
    head += "Content-Type: " + r.contentType + "\r\nConnection: close\r\n";
    for (auto& [n, v] : r.headers) head += n + ": " + v + "\r\n";
    if (r.chunks.empty()) {
      head += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
      markReplied(index);
      co_await write(c, head);
      co_return;
    }
    head += "Transfer-Encoding: chunked\r\n\r\n";
    if (!co_await write(c, head)) co_return;
    for (auto& chunk : r.chunks) {
      if (!co_await sleep(c, r.chunkDelay)) co_return;
      if (chunk.empty()) continue;  // an empty chunk would end the body
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
      if (!co_await write(c, size + chunk + "\r\n")) co_return;
    }
    if (r.dropMidStream) co_return;  // closing now truncates the chunked body
    markReplied(index);
    co_await write(c, "0\r\n\r\n");
  }

  awaitable<void> session(tcp::socket socket) {
    auto c = std::make_shared<Conn>(std::move(socket));
    RecordedRequest req;
    if (co_await readRequest(c, req)) {
      req.receivedAt = std::chrono::steady_clock::now();
      std::size_t index = record(req);
      Reply reply = nextReply(req);
      asio::co_spawn(io, watch(c), asio::detached);
      co_await respond(c, reply, index);
      c->replyDone = true;
    }
    boost::system::error_code ec;
    c->socket.shutdown(tcp::socket::shutdown_send, ec);
    c->socket.close(ec);
    --connections;
  }

  awaitable<void> accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;
      if (connections >= kMaxConnections) continue;  // dropped: the socket closes here
      ++connections;
      asio::co_spawn(io, session(std::move(s)), asio::detached);
    }
  }
};

FakeBackend::FakeBackend() : state_(std::make_shared<State>()) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(ep.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(ep);
  state_->acceptor.listen();
  asio::co_spawn(state_->io, state_->accept(), asio::detached);
  state_->thread = std::thread([s = state_.get()] { s->io.run(); });
}

FakeBackend::~FakeBackend() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t FakeBackend::port() const {
  return state_->acceptor.local_endpoint().port();
}
std::string FakeBackend::url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

void FakeBackend::enqueue(Reply reply) {
  std::lock_guard lock(state_->mu);
  state_->script.push_back(std::move(reply));
}

void FakeBackend::setResponder(Responder responder) {
  std::lock_guard lock(state_->mu);
  state_->responder = std::move(responder);
}

void FakeBackend::enqueueText(std::string text) {
  std::lock_guard lock(state_->mu);
  state_->texts.push_back(std::move(text));
}

void FakeBackend::setDefaultText(std::string text) {
  std::lock_guard lock(state_->mu);
  state_->defaultText = std::move(text);
}

RecordedRequest FakeBackend::request(std::size_t index) const {
  std::lock_guard lock(state_->mu);
  return state_->received.at(index);
}

std::vector<RecordedRequest> FakeBackend::requests() const {
  std::lock_guard lock(state_->mu);
  return state_->received;
}

std::size_t FakeBackend::requestCount() const {
  std::lock_guard lock(state_->mu);
  return state_->received.size();
}

bool FakeBackend::waitForRequests(std::size_t n, Millis timeout) const {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] { return state_->received.size() >= n; });
}

int FakeBackend::closedByClient() const {
  std::lock_guard lock(state_->mu);
  return state_->closedByClient;
}

bool FakeBackend::waitForClosedByClient(int n, Millis timeout) const {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] { return state_->closedByClient >= n; });
}

}  // namespace sb::fake
