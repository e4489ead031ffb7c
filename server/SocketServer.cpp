#include "SocketServer.h"

#include <sys/stat.h>

#include <unistd.h>
#include <csignal>

#include <boost/asio.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>
#include <vector>

#include <spdlog/spdlog.h>

namespace sb {
namespace asio = boost::asio;
using asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;

std::optional<ListenAddress> parseListenAddress(std::string_view text, std::string& error) {
  ListenAddress a;
  auto starts = [&](std::string_view p) {
    if (text.substr(0, p.size()) != p) return false;
    text.remove_prefix(p.size());
    return true;
  };
  if (starts("unix://") || starts("unix:")) {
    if (text.empty()) {
      error = "unix: needs a socket path";
      return std::nullopt;
    }
    a.kind = ListenAddress::Kind::Unix;
    a.path = std::string(text);
    return a;
  }
  if (!starts("tcp://") && !starts("tcp:")) {
    error = "expected tcp://HOST:PORT or unix:PATH, got '" + std::string(text) + "'";
    return std::nullopt;
  }
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    error = "tcp address needs a port";
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    error = "invalid port '" + std::string(port) + "'";
    return std::nullopt;
  }
  a.host = host.empty() ? "127.0.0.1" : std::string(host);
  if (a.host == "localhost") a.host = "127.0.0.1";
  a.port = static_cast<uint16_t>(value);
  return a;
}

bool isLoopbackHost(std::string_view host) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

namespace {

// Why `dir` may not hold the daemon's socket, or empty when it may. The
// socket itself is 0600, so readable parents (a 0755 home) are fine; but a
// parent that another user owns, or can write to without the sticky bit,
// lets them rename the socket away and put their own in its place, so
// clients would talk to them. Sticky world-writable folders like /tmp are
// fine: there only the owner may remove or rename an entry.
std::string unsafeSocketDirectory(const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return std::string("cannot be examined: ") + strerror(errno);
  if (!S_ISDIR(st.st_mode)) return "is not a directory";
  if (st.st_uid != ::geteuid() && st.st_uid != 0) return "belongs to another user";
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
    return "is writable by other users (and not sticky like /tmp)";
  return {};
}

// Checks the deepest existing folder on the way to `dir`, then creates each
// missing one owner-only (0700), so no moment exists where a folder we made
// is open to others.
void prepareSocketDirectory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> missing;
  fs::path existing = dir;
  std::error_code ec;
  while (!existing.empty() && !fs::exists(existing, ec) && existing != existing.parent_path()) {
    missing.push_back(existing);
    existing = existing.parent_path();
  }
  if (existing.empty()) existing = ".";
  if (std::string why = unsafeSocketDirectory(existing); !why.empty())
    throw std::runtime_error("refusing to put a socket under " + existing.string() + ": it " + why +
                             " (use a folder only you can write to)");
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
      throw std::runtime_error("cannot create " + it->string() + ": " + strerror(errno));
    // A folder that appeared meanwhile gets the same scrutiny as an existing one.
    if (std::string why = unsafeSocketDirectory(*it); !why.empty())
      throw std::runtime_error("refusing to put a socket under " + it->string() + ": it " + why);
  }
}

// How a connection opens. A browser's request starts with an HTTP request
// line ("POST / HTTP/1.1"): its method is a run of capitals and a space,
// which no LSP header ("Content-Length:") or JSON message starts with.
enum class Opening { Undecided, Http, Other };
Opening classifyOpening(std::string_view head) {
  constexpr size_t kLongestMethod = 10;
  size_t i = 0;
  while (i < head.size() && i < kLongestMethod && head[i] >= 'A' && head[i] <= 'Z') ++i;
  if (i == head.size() && i < kLongestMethod) return Opening::Undecided;
  return i >= 3 && i < head.size() && head[i] == ' ' ? Opening::Http : Opening::Other;
}

class ConnectionBase : public Transport {
 public:
  // Tears the connection down on the calling thread; for use after the I/O
  // loop has stopped.
  virtual void shutdownNow() = 0;
};

// A socket connection: reads drive the session on the I/O thread; writes are
// queued from any thread and drained by the I/O thread.
template <class Socket>
class SocketConnection final : public ConnectionBase,
                               public std::enable_shared_from_this<SocketConnection<Socket>> {
 public:
  SocketConnection(Socket socket, std::string peer, std::function<void(Transport*)> onGone)
      : socket_(std::move(socket)), peer_(std::move(peer)), onGone_(std::move(onGone)) {}

  void start(const SocketServerOptions& options, const FrontEndFactory& make) {
    session_ = std::make_unique<Session>(this->shared_from_this(), options.framing,
                                         options.maxMessageBytes, make);
    readMore();
  }

  void send(std::string bytes) override {
    asio::post(socket_.get_executor(),
               [self = this->shared_from_this(), b = std::move(bytes)]() mutable {
                 self->queue_.push_back(std::move(b));
                 if (self->queue_.size() == 1) self->writeNext();
               });
  }

  void close() override {
    asio::post(socket_.get_executor(), [self = this->shared_from_this()] {
      self->closeAfterWrites_ = true;
      if (self->queue_.empty()) self->shutdown();
    });
  }

  std::string describe() const override { return peer_; }

  void shutdownNow() override {
    shutdown();
    session_.reset();
  }

  void shutdown() {
    if (done_) return;
    done_ = true;
    boost::system::error_code ec;
    socket_.shutdown(Socket::shutdown_both, ec);
    socket_.close(ec);
    if (session_) session_->onClosed();
    spdlog::info("[{}] disconnected", peer_);
    // Break the session <-> transport cycle once the I/O thread is done with it.
    asio::post(socket_.get_executor(), [self = this->shared_from_this()] {
      self->session_.reset();
      if (self->onGone_) self->onGone_(self.get());
    });
  }

 private:
  void readMore() {
    socket_.async_read_some(asio::buffer(buffer_), [self = this->shared_from_this()](
                                                       boost::system::error_code ec, size_t n) {
      if (ec || self->done_) return self->shutdown();
      std::string_view bytes(self->buffer_.data(), n);
      if (!self->opened_) {
        self->opening_.append(bytes);
        switch (classifyOpening(self->opening_)) {
          case Opening::Undecided:
            return self->readMore();
          case Opening::Http:
            return self->refuseHttp();
          case Opening::Other:
            self->opened_ = true;
            break;
        }
        std::string head = std::move(self->opening_);
        self->session_->onBytes(head);
      } else {
        self->session_->onBytes(bytes);
      }
      if (!self->done_) self->readMore();
    });
  }

  // An HTTP request (a web page reaching a loopback port, perhaps through
  // DNS rebinding) is answered 400 and closed before the LSP decoder sees
  // it: its resynchronisation would otherwise find the request's
  // Content-Length header and take the body for a message.
  void refuseHttp() {
    spdlog::warn("[{}] an HTTP request on the LSP socket; connection closed", peer_);
    static constexpr std::string_view kBody = "This port speaks LSP (JSON-RPC), not HTTP.\n";
    send("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(kBody.size()) + "\r\nConnection: close\r\n\r\n" + std::string(kBody));
    close();
  }

  void writeNext() {
    asio::async_write(socket_, asio::buffer(queue_.front()),
                      [self = this->shared_from_this()](boost::system::error_code ec, size_t) {
                        if (ec) {
                          self->queue_.clear();
                          return self->shutdown();
                        }
                        self->queue_.pop_front();
                        if (!self->queue_.empty())
                          self->writeNext();
                        else if (self->closeAfterWrites_)
                          self->shutdown();
                      });
  }

  Socket socket_;
  std::string peer_;
  std::function<void(Transport*)> onGone_;
  std::unique_ptr<Session> session_;
  std::array<char, 64 * 1024> buffer_{};
  std::deque<std::string> queue_;
  bool closeAfterWrites_ = false;
  bool done_ = false;
  bool opened_ = false;  // the opening was classified: bytes go straight to the session
  std::string opening_;  // the first bytes, until then
};

}  // namespace

struct SocketServer::Impl {
  SocketServerOptions options;
  FrontEndFactory make;
  asio::io_context io;
  std::optional<tcp::acceptor> tcpAcceptor;
  std::optional<unix_socket::acceptor> unixAcceptor;
  std::mutex mu;
  std::set<std::shared_ptr<ConnectionBase>> connections;
  std::string bound;

  template <class Socket>
  void adopt(Socket socket, std::string peer) {
    spdlog::info("[{}] connected", peer);
    auto conn = std::make_shared<SocketConnection<Socket>>(
        std::move(socket), std::move(peer), [this](Transport* gone) {
          std::lock_guard lock(mu);
          for (auto it = connections.begin(); it != connections.end(); ++it)
            if (it->get() == gone) {
              connections.erase(it);
              break;
            }
        });
    {
      std::lock_guard lock(mu);
      connections.insert(conn);
    }
    conn->start(options, make);
  }

  void acceptTcp() {
    tcpAcceptor->async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        boost::system::error_code ignored;
        auto ep = socket.remote_endpoint(ignored);
        socket.set_option(tcp::no_delay(true), ignored);
        adopt(std::move(socket),
              "tcp " + ep.address().to_string() + ":" + std::to_string(ep.port()));
      }
      acceptTcp();
    });
  }

  void acceptUnix() {
    unixAcceptor->async_accept([this](boost::system::error_code ec, unix_socket::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) adopt(std::move(socket), "unix " + options.address.path);
      acceptUnix();
    });
  }
};

SocketServer::SocketServer(SocketServerOptions options, FrontEndFactory makeFrontEnd)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->make = std::move(makeFrontEnd);
  const ListenAddress& a = impl_->options.address;
  if (a.kind == ListenAddress::Kind::Tcp) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(a.host, ec);
    if (ec) throw std::runtime_error("cannot listen on '" + a.host + "': not an IP address");
    if (!addr.is_loopback() && !impl_->options.allowRemote)
      throw std::runtime_error("refusing to listen on non-loopback address " + a.host +
                               " (pass --allow-remote to do so deliberately)");
    tcp::endpoint ep(addr, a.port);
    auto& acc = impl_->tcpAcceptor.emplace(impl_->io);
    acc.open(ep.protocol());
    acc.set_option(tcp::acceptor::reuse_address(true));
    acc.bind(ep, ec);
    if (ec)
      throw std::runtime_error("cannot bind " + a.host + ":" + std::to_string(a.port) + ": " +
                               ec.message());
    acc.listen();
    auto local = acc.local_endpoint();
    std::string host = local.address().is_v6() ? "[" + local.address().to_string() + "]"
                                               : local.address().to_string();
    impl_->bound = "tcp://" + host + ":" + std::to_string(local.port());
    impl_->acceptTcp();
  } else {
    namespace fs = std::filesystem;
    fs::path path(a.path);
    std::error_code fec;
    prepareSocketDirectory(fs::absolute(path, fec).parent_path());
    // A stale socket from a previous run would make bind fail.
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode))
        throw std::runtime_error(a.path + " exists and is not a socket; refusing to replace it");
      if (st.st_uid != ::geteuid())
        throw std::runtime_error(a.path + " is another user's socket; refusing to replace it");
      fs::remove(path, fec);
    }
    auto& acc = impl_->unixAcceptor.emplace(impl_->io);
    boost::system::error_code ec;
    acc.open(unix_socket(), ec);
    // Created owner-only: other local users must not reach the daemon.
    mode_t old = ::umask(0177);
    acc.bind(unix_socket::endpoint(a.path), ec);
    ::umask(old);
    if (ec) throw std::runtime_error("cannot bind unix socket " + a.path + ": " + ec.message());
    acc.listen();
    impl_->bound = "unix:" + a.path;
    impl_->acceptUnix();
  }
}

SocketServer::~SocketServer() {
  stop();
  // Drain the stop handler if run() was never called or already returned.
  impl_->io.restart();
  impl_->io.poll();
  std::set<std::shared_ptr<ConnectionBase>> conns;
  {
    std::lock_guard lock(impl_->mu);
    conns.swap(impl_->connections);
  }
  for (auto& c : conns) c->shutdownNow();
  if (impl_->options.address.kind == ListenAddress::Kind::Unix) {
    std::error_code ec;
    std::filesystem::remove(impl_->options.address.path, ec);
  }
}

std::string SocketServer::boundAddress() const {
  return impl_->bound;
}

void SocketServer::run() {
  auto guard = asio::make_work_guard(impl_->io);
  // SIGTERM/SIGINT end the daemon cleanly: connections closed, the Unix
  // socket file removed by the destructor.
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signo);
    stop();
  });
  impl_->io.run();
}

void SocketServer::stop() {
  asio::post(impl_->io, [impl = impl_.get()] {
    boost::system::error_code ec;
    if (impl->tcpAcceptor) impl->tcpAcceptor->close(ec);
    if (impl->unixAcceptor) impl->unixAcceptor->close(ec);
    std::set<std::shared_ptr<ConnectionBase>> conns;
    {
      std::lock_guard lock(impl->mu);
      conns = impl->connections;
    }
    for (auto& c : conns) c->close();
    asio::post(impl->io, [impl] { impl->io.stop(); });
  });
}

}  // namespace sb
