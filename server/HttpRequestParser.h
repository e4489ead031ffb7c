// Parsing of one HTTP/1.x request from the front of a connection's input
// buffer: the request line, headers and a Content-Length body. Pure (no I/O)
// so it can be unit-tested and fuzzed apart from the sockets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "HttpServer.h"

namespace sb {

struct HttpParseResult {
  enum class Kind {
    NeedMore,  // the head or body is still arriving
    Request,   // `request` is complete; `consumed` bytes of the buffer belong to it
    Error,     // refuse with `status` and `message`, then close
  };
  Kind kind = Kind::NeedMore;
  HttpRequest request;  // Request only; `peer` is left empty
  size_t consumed = 0;
  bool closeAfter = false;  // the connection closes after this request's answer
  int status = 0;
  std::string message;
};

// Looks at the start of `in` (which may hold more than one request) with the
// server's header and body limits.
HttpParseResult parseHttpRequest(std::string_view in, const HttpServerOptions& options);

}  // namespace sb
