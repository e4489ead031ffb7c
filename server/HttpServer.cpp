#include "HttpServer.h"

#include "HttpRequestParser.h"

#include <utility>  // before Asio: Boost 1.74 with C++20 needs it

#include <array>
#include <boost/asio.hpp>
#include <charconv>
#include <csignal>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace sb {
namespace asio = boost::asio;
using asio::ip::tcp;

std::string HttpRequest::header(std::string_view lowerName) const {
  for (const auto& [k, v] : headers)
    if (k == lowerName) return v;
  return {};
}

bool HttpRequest::has(std::string_view lowerName) const {
  for (const auto& [k, v] : headers)
    if (k == lowerName) return true;
  return false;
}

std::string_view httpReason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

namespace {

std::string statusHead(int status, const HttpHeaders& headers) {
  std::string head =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(httpReason(status)) + "\r\n";
  for (const auto& [k, v] : headers) head += k + ": " + v + "\r\n";
  return head;
}

class Connection;

class Exchange final : public HttpExchange, public std::enable_shared_from_this<Exchange> {
 public:
  explicit Exchange(std::weak_ptr<Connection> connection) : connection_(std::move(connection)) {}
  void respond(int status, HttpHeaders headers, std::string body) override;
  void startStream(int status, HttpHeaders headers) override;
  void write(std::string data) override;
  void end() override;
  bool open() const override {
    std::lock_guard lock(mu_);
    return state_ != State::Done && !aborted_;
  }
  void onAbort(std::function<void()> callback) override {
    std::unique_lock lock(mu_);
    if (aborted_) {
      lock.unlock();
      callback();
      return;
    }
    onAbort_ = std::move(callback);
  }
  // From the connection (I/O thread) when it closes with this response unfinished.
  void abort() {
    std::function<void()> callback;
    {
      std::lock_guard lock(mu_);
      if (aborted_) return;
      aborted_ = true;
      callback = std::move(onAbort_);
    }
    if (callback) callback();
  }

 private:
  enum class State { Fresh, Streaming, Done };
  // Runs `fn` on the connection's I/O thread, if the connection still exists.
  template <class Fn>
  void post(Fn fn);

  std::weak_ptr<Connection> connection_;
  mutable std::mutex mu_;
  State state_ = State::Fresh;
  bool aborted_ = false;
  std::function<void()> onAbort_;
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::map<Connection*, std::weak_ptr<Connection>> connections;  // I/O thread only

  void accept();
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, HttpServer::Impl& server)
      : socket_(std::move(socket)), server_(server) {
    boost::system::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    peer_ = ec ? "tcp ?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void start() {
    server_.connections[this] = weak_from_this();
    readMore();
  }

  asio::any_io_executor executor() { return socket_.get_executor(); }

  void queueWrite(std::string bytes) {
    if (closed_ || bytes.empty()) return;
    out_.push_back(std::move(bytes));
    if (out_.size() == 1) writeNext();
  }

  // The current response is complete: go on with the next request or close.
  void responseDone(Exchange* exchange) {
    if (current_.get() != exchange) return;
    current_.reset();
    busy_ = false;
    if (closeAfter_) {
      draining_ = true;
      if (out_.empty()) halfClose();
      return;
    }
    process();
  }

  bool closeAfter() const { return closeAfter_; }

  void shutdown() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    server_.connections.erase(this);
    if (auto ex = std::move(current_)) ex->abort();
  }

 private:
  void readMore() {
    if (closed_) return;
    socket_.async_read_some(
        asio::buffer(buf_), [self = shared_from_this()](boost::system::error_code ec, size_t n) {
          if (ec) return self->shutdown();
          if (self->draining_) return self->readMore();  // discard what follows a refused request
          self->in_.append(self->buf_.data(), n);
          // A client sending far more than one request can hold is misbehaving.
          if (self->in_.size() >
              self->server_.options.maxHeaderBytes + self->server_.options.maxBodyBytes + 65536)
            return self->shutdown();
          self->process();
          self->readMore();
        });
  }

  void writeNext() {
    asio::async_write(socket_, asio::buffer(out_.front()),
                      [self = shared_from_this()](boost::system::error_code ec, size_t) {
                        if (ec) return self->shutdown();
                        self->out_.pop_front();
                        if (!self->out_.empty()) return self->writeNext();
                        if (self->draining_ && !self->busy_) self->halfClose();
                      });
  }

  // Sends FIN after the last response but keeps reading until the peer
  // closes, so the client reads our answer instead of a reset.
  void halfClose() {
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) shutdown();
  }

  // Refuses the request being parsed and closes the connection after the answer.
  void fail(int status, std::string message) {
    busy_ = true;
    closeAfter_ = true;
    draining_ = true;  // what else arrives (e.g. the rest of a refused body) is discarded
    in_.clear();
    auto ex = std::make_shared<Exchange>(weak_from_this());
    current_ = ex;
    ex->respond(status, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(message) + "\n");
  }

  void process() {
    while (!busy_ && !closed_ && !draining_) {
      HttpParseResult parsed = parseHttpRequest(in_, server_.options);
      if (parsed.kind == HttpParseResult::Kind::NeedMore) return;
      if (parsed.kind == HttpParseResult::Kind::Error)
        return fail(parsed.status, std::move(parsed.message));
      HttpRequest req = std::move(parsed.request);
      req.peer = peer_;
      in_.erase(0, parsed.consumed);
      closeAfter_ = parsed.closeAfter;
      busy_ = true;
      auto ex = std::make_shared<Exchange>(weak_from_this());
      current_ = ex;
      try {
        server_.handler(std::move(req), ex);
      } catch (const std::exception& e) {
        spdlog::error("[http {}] handler failed: {}", peer_, e.what());
        ex->respond(500, {{"Content-Type", "text/plain"}}, "internal error\n");
      }
    }
  }

  tcp::socket socket_;
  HttpServer::Impl& server_;
  std::string peer_;
  std::array<char, 16384> buf_{};
  std::string in_;
  std::deque<std::string> out_;
  std::shared_ptr<Exchange> current_;
  bool busy_ = false, closeAfter_ = false, draining_ = false, closed_ = false;
};

template <class Fn>
void Exchange::post(Fn fn) {
  auto c = connection_.lock();
  if (!c) return;
  asio::post(c->executor(), [c, fn = std::move(fn)]() mutable { fn(*c); });
}

void Exchange::respond(int status, HttpHeaders headers, std::string body) {
  {
    std::lock_guard lock(mu_);
    if (state_ != State::Fresh || aborted_) return;
    state_ = State::Done;
  }
  post([self = shared_from_this(), status, headers = std::move(headers),
        body = std::move(body)](Connection& c) {
    std::string text = statusHead(status, headers);
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (c.closeAfter()) text += "Connection: close\r\n";
    text += "\r\n" + body;
    c.queueWrite(std::move(text));
    c.responseDone(self.get());
  });
}

void Exchange::startStream(int status, HttpHeaders headers) {
  {
    std::lock_guard lock(mu_);
    if (state_ != State::Fresh || aborted_) return;
    state_ = State::Streaming;
  }
  post([status, headers = std::move(headers)](Connection& c) {
    std::string text = statusHead(status, headers);
    text += "Transfer-Encoding: chunked\r\n";
    if (c.closeAfter()) text += "Connection: close\r\n";
    c.queueWrite(text + "\r\n");
  });
}

void Exchange::write(std::string data) {
  {
    std::lock_guard lock(mu_);
    if (state_ != State::Streaming || aborted_ || data.empty()) return;
  }
  post([data = std::move(data)](Connection& c) {
    char size[32];
    auto [ptr, ec] = std::to_chars(size, size + sizeof size, data.size(), 16);
    (void)ec;
    c.queueWrite(std::string(size, ptr) + "\r\n" + data + "\r\n");
  });
}

void Exchange::end() {
  {
    std::lock_guard lock(mu_);
    if (state_ != State::Streaming || aborted_) return;
    state_ = State::Done;
  }
  post([self = shared_from_this()](Connection& c) {
    c.queueWrite("0\r\n\r\n");
    c.responseDone(self.get());
  });
}

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) std::make_shared<Connection>(std::move(socket), *this)->start();
    accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  std::string host = impl_->options.host == "localhost" ? "127.0.0.1" : impl_->options.host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("invalid address '" + impl_->options.host + "'");
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + host + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  impl_->accept();
}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

std::string HttpServer::host() const {
  boost::system::error_code ec;
  auto address = impl_->acceptor.local_endpoint(ec).address();
  return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

void HttpServer::run() {
  // SIGTERM/SIGINT end the server cleanly, like the socket daemons.
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signo);
    stop();
  });
  impl_->io.run();
}

void HttpServer::stop() {
  asio::post(impl_->io, [impl = impl_.get()] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    auto connections = impl->connections;
    for (auto& [ptr, weak] : connections)
      if (auto c = weak.lock()) c->shutdown();
    impl->io.stop();
  });
}

}  // namespace sb
