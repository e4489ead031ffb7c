// A stand-alone fake LLM backend for manual testing:
//   sb_fake_backend [TEXT]   prints its URL, answers every provider's endpoints with TEXT
#include <chrono>
#include <cstdio>
#include <thread>

#include "FakeBackend.h"

int main(int argc, char** argv) {
  sb::fake::FakeBackend server;
  if (argc > 1) server.setDefaultText(argv[1]);
  std::printf("%s\n", server.url().c_str());
  std::fflush(stdout);
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}
