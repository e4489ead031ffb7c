// A stand-alone fake LLM backend for manual testing and the editor tests:
//   sb_fake_backend_server [--delay-ms N] [TEXT]
// prints its URL, then answers every provider's endpoints with TEXT, each
// reply held back N milliseconds (so a test can act while a request is open).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "FakeBackend.h"

int main(int argc, char** argv) {
  sb::fake::FakeBackend server;
  long delayMs = 0;
  std::string text;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--delay-ms" && i + 1 < argc)
      delayMs = std::strtol(argv[++i], nullptr, 10);
    else
      text = arg;
  }
  if (!text.empty()) server.setDefaultText(text);
  if (delayMs > 0)
    server.setResponder([delayMs, text](const sb::fake::RecordedRequest& req) {
      sb::fake::Reply r = sb::fake::autoReply(req, text.empty() ? "Hello, world!" : text);
      r.headerDelay = sb::fake::Millis(delayMs);
      return std::optional<sb::fake::Reply>(r);
    });
  std::printf("%s\n", server.url().c_str());
  std::fflush(stdout);
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}
