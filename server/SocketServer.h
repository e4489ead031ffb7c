// Listening sockets (TCP and Unix domain) serving many clients at once, each
// with its own Session, on one Asio I/O thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "Transport.h"

namespace sb {

struct ListenAddress {
  enum class Kind { Tcp, Unix } kind = Kind::Tcp;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string path;  // Unix socket path
};

// Parses "tcp://HOST:PORT", "tcp://[::1]:PORT", "unix:PATH" (or "unix://PATH").
// Returns std::nullopt and sets `error` when malformed.
std::optional<ListenAddress> parseListenAddress(std::string_view text, std::string& error);

bool isLoopbackHost(std::string_view host);

struct SocketServerOptions {
  ListenAddress address;
  Framing framing = Framing::ContentLength;
  size_t maxMessageBytes = 64 * 1024 * 1024;
  bool allowRemote = false;  // binding a non-loopback address needs this
};

class SocketServer {
 public:
  // Binds immediately; throws std::runtime_error with a clear message on failure.
  SocketServer(SocketServerOptions options, FrontEndFactory makeFrontEnd);
  ~SocketServer();
  SocketServer(const SocketServer&) = delete;
  SocketServer& operator=(const SocketServer&) = delete;

  // The bound address, e.g. "tcp://127.0.0.1:43123" (the real port when 0 was asked).
  std::string boundAddress() const;
  // Serves on the calling thread until stop().
  void run();
  // Thread-safe; closes the listener and all connections.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb
