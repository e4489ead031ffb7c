// Completion overhead through the real daemon, against the fake backend
// answering at once (so the time measured is the daemon's): a 10,000-line
// C++ file in an indexed workspace, completion requests one at a time, then
// 200 at once over 200 documents. Reports round-trip percentiles, errors, and
// the daemon's RSS before and after.
//   bench_completion [--requests N]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "Corpus.h"
#include "FakeBackend.h"
#include "LspPipe.h"

namespace {

using sb::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

void report(const char* name, std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, size_t(q * us.size()))]; };
  std::printf("| %-52s | %5zu | %8.0f | %8.0f | %8.0f |\n", name, us.size(), at(0.5), at(0.9),
              at(0.99));
}

}  // namespace

int main(int argc, char** argv) {
  int n = 300;
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--requests")) n = std::atoi(argv[i + 1]);
  sb::fake::FakeBackend backend;
  backend.setDefaultText("return value;");
  ::setenv("OPENAI_BASE_URL", (backend.url() + "/v1").c_str(), 1);
  fs::path dir = fs::temp_directory_path() / "switchboard-bench-completion";
  fs::remove_all(dir);
  fs::create_directories(dir / "ws");
  std::string big = sb::bench::cleanCppText(10000);
  std::ofstream(dir / "ws" / "big.hpp") << big;
  std::string uri = "file://" + (dir / "ws" / "big.hpp").string();

  sb::bench::LspPipe d(SB_BINARY, {"--index-dir", (dir / "index").string()});
  // No debounce and no cache: each request goes to the backend.
  d.waitFor(d.request("initialize", {{"processId", nullptr},
                                     {"rootUri", "file://" + (dir / "ws").string()},
                                     {"capabilities", json::object()},
                                     {"initializationOptions",
                                      {{"completion", {{"debounceMs", 0}}},
                                       {"cache", {{"maxTemperature", -1}}}}}}));
  d.notify("initialized", json::object());
  d.notify(
      "textDocument/didOpen",
      {{"textDocument", {{"uri", uri}, {"languageId", "cpp"}, {"version", 1}, {"text", big}}}});
  uint32_t line = static_cast<uint32_t>(std::count(big.begin(), big.end(), '\n') / 2);
  json params = {{"textDocument", {{"uri", uri}}},
                 {"position", {{"line", line}, {"character", 0}}}};
  for (int i = 0; i < 20; ++i) d.waitFor(d.request("textDocument/completion", params));  // warm-up
  long rssBefore = d.rssKb();

  std::printf("| %-52s | %5s | %8s | %8s | %8s |\n",
              "completion round trip, backend answering at once", "n", "p50 us", "p90 us",
              "p99 us");
  std::printf(
      "|------------------------------------------------------|-------|----------|----------|------"
      "----|\n");
  std::vector<double> us, legIn, legOut;
  int errors = 0;
  for (int i = 0; i < n; ++i) {
    std::size_t before = backend.requestCount();
    auto t0 = Clock::now();
    json r = d.waitFor(d.request("textDocument/completion", params));
    auto t3 = Clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t3 - t0).count());
    // The fake backend runs in this process: its timestamps share our clock.
    if (backend.requestCount() == before + 1) {
      auto seen = backend.request(before);
      legIn.push_back(std::chrono::duration<double, std::micro>(seen.receivedAt - t0).count());
      legOut.push_back(std::chrono::duration<double, std::micro>(t3 - seen.repliedAt).count());
    }
    if (!r.contains("result") || r["result"]["items"].empty() ||
        r["result"]["items"][0]["textEdit"]["newText"] != "return value;")
      ++errors;
  }
  report("sequential, 10k-line C++ file, indexed workspace", us);
  report("  leg 1: LSP request sent -> backend has the request", legIn);
  report("  leg 2: backend's last byte -> LSP response read", legOut);

  // 200 concurrent requests over 200 documents (one document would supersede).
  const int concurrent = 200;
  std::vector<std::string> uris;
  for (int i = 0; i < concurrent; ++i) {
    uris.push_back("file://" + (dir / "ws" / ("f" + std::to_string(i) + ".py")).string());
    d.notify("textDocument/didOpen", {{"textDocument",
                                       {{"uri", uris.back()},
                                        {"languageId", "python"},
                                        {"version", 1},
                                        {"text", "def f(x):\n    \n"}}}});
  }
  auto t0 = Clock::now();
  std::vector<int> ids;
  for (const auto& u : uris)
    ids.push_back(
        d.request("textDocument/completion",
                  {{"textDocument", {{"uri", u}}}, {"position", {{"line", 1}, {"character", 4}}}}));
  int concurrentErrors = 0;
  for (int id : ids) {
    json r = d.waitFor(id);
    if (!r.contains("result") || r["result"]["items"].empty()) ++concurrentErrors;
  }
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  long rssAfter = d.rssKb();
  std::printf("\nsequential errors: %d of %d\n", errors, n);
  std::printf("200 concurrent completions: %.2f s, %d errors\n", seconds, concurrentErrors);
  std::printf("daemon RSS: %.1f MB before the measured requests, %.1f MB after\n",
              rssBefore / 1024.0, rssAfter / 1024.0);
  d.waitFor(d.request("shutdown", nullptr));
  fs::remove_all(dir);
  return errors + concurrentErrors == 0 ? 0 : 1;
}
