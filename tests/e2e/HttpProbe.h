// A blocking HTTP/1.1 client for end-to-end tests: one request per
// connection (Connection: close) to 127.0.0.1, read to the end, bounded by a
// receive timeout.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>

#include "ChildProcess.h"

namespace sb::e2e {

struct HttpReply {
  int status = 0;
  std::string head, body;
  std::string header(const std::string& lowerName) const {
    std::regex re("\r\n" + lowerName + ":\\s*([^\r]*)", std::regex::icase);
    std::smatch m;
    return std::regex_search(head, m, re) ? std::string(m[1]) : std::string();
  }
};

// `headers` are whole lines ("Name: value\r\n"); Host, Connection and
// Content-Length are added (`declaredLength` to announce a wrong one).
inline HttpReply httpRequest(uint16_t port, const std::string& method, const std::string& path,
                             const std::string& headers, const std::string& body,
                             int timeoutSeconds = 10,
                             std::optional<size_t> declaredLength = std::nullopt) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  timeval tv{timeoutSeconds, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  std::string text = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                     "\r\nConnection: close\r\n" + headers +
                     "Content-Length: " + std::to_string(declaredLength.value_or(body.size())) +
                     "\r\n\r\n" + body;
  for (size_t off = 0; off < text.size();) {
    ssize_t n = ::send(fd.get(), text.data() + off, text.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string in;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(fd.get(), buf, sizeof buf, 0)) > 0) in.append(buf, static_cast<size_t>(n));
  HttpReply r;
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos || in.size() < 12) return r;
  r.status = std::stoi(in.substr(9, 3));
  r.head = in.substr(0, end);
  r.body = in.substr(end + 4);
  return r;
}

}  // namespace sb::e2e
