// The stdio transport: messages in on stdin, out on stdout (nothing else may
// write to stdout: logs go to stderr or a file).
#pragma once

#include <memory>

#include "Transport.h"

namespace sb {

struct StdioOptions {
  int inFd = 0;
  int outFd = 1;
  Framing framing = Framing::ContentLength;
  size_t maxMessageBytes = 64 * 1024 * 1024;
};

// Reads until EOF or until the front end closes the connection, on the
// calling thread. Returns when the session is over.
void serveStdio(const StdioOptions& options, const FrontEndFactory& makeFrontEnd);

}  // namespace sb
