#include "StdioTransport.h"

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <spdlog/spdlog.h>

namespace sb {
namespace {

class StdioTransport final : public Transport {
 public:
  StdioTransport(int outFd, bool responsesOnly) : outFd_(outFd), responsesOnly_(responsesOnly) {}

  void send(std::string bytes) override {
    if (responsesOnly_ && !isResponse(bytes)) return;
    std::lock_guard lock(writeMu_);
    if (broken_) return;
    std::string_view rest = bytes;
    while (!rest.empty()) {
      ssize_t n = ::write(outFd_, rest.data(), rest.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        spdlog::error("stdout write failed: {}", std::strerror(errno));
        broken_ = true;  // the client is gone; reading will see EOF
        return;
      }
      rest.remove_prefix(static_cast<size_t>(n));
    }
  }
  void close() override { closing_ = true; }
  std::string describe() const override { return "stdio"; }
  bool closing() const { return closing_; }

 private:
  // A response has an id and no method; frames here are one JSON per line.
  static bool isResponse(const std::string& frame) {
    auto j = json::parse(frame, nullptr, false);
    return j.is_array() || (j.is_object() && j.contains("id") && !j.contains("method"));
  }

  int outFd_;
  bool responsesOnly_;
  std::mutex writeMu_;
  bool broken_ = false;
  std::atomic<bool> closing_{false};
};

}  // namespace

void serveStdio(const StdioOptions& options, const FrontEndFactory& makeFrontEnd) {
  auto transport = std::make_shared<StdioTransport>(options.outFd, options.responsesOnly);
  Session session(transport, options.framing, options.maxMessageBytes, makeFrontEnd);
  std::string buffer(64 * 1024, '\0');
  while (!transport->closing()) {
    // Poll so that a close() requested by the front end (LSP exit) ends the
    // loop even while the client keeps stdin open.
    pollfd pfd{options.inFd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, 100);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    ssize_t n = ::read(options.inFd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      spdlog::error("stdin read failed: {}", std::strerror(errno));
      break;
    }
    if (n == 0) {
      spdlog::info("stdin closed");
      // Answer what was asked before the input ended (`echo ... | switchboard pipe`).
      if (!session.drain(options.drainTimeout))
        spdlog::warn("requests still running {} ms after end of input; abandoned",
                     options.drainTimeout.count());
      break;
    }
    session.onBytes(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  session.onClosed();
}

}  // namespace sb
