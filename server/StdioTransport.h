// The stdio transport: messages in on stdin, out on stdout (nothing else may
// write to stdout: logs go to stderr or a file).
#pragma once

#include <chrono>
#include <memory>

#include "Transport.h"

namespace sb {

struct StdioOptions {
  int inFd = 0;
  int outFd = 1;
  Framing framing = Framing::ContentLength;
  size_t maxMessageBytes = 64 * 1024 * 1024;
  // Pipe mode: write only responses (no notifications or requests to the
  // client, which is a script that cannot answer them).
  bool responsesOnly = false;
  // At end of input, how long to wait for requests still being answered.
  std::chrono::milliseconds drainTimeout{30000};
};

// Reads until EOF or until the front end closes the connection, on the
// calling thread. Returns when the session is over.
void serveStdio(const StdioOptions& options, const FrontEndFactory& makeFrontEnd);

}  // namespace sb
