// Completion overhead through the real daemon, against the fake backend
// answering at once (so the time measured is the daemon's): a 10,000-line
// C++ file in an indexed workspace, completion requests one at a time, then
// 200 at once over 200 documents. Reports round-trip percentiles, errors, and
// the daemon's RSS before and after.
//   bench_completion [--requests N]
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "Corpus.h"
#include "FakeBackend.h"
#include "server/Framing.h"
#include "server/JsonRpc.h"

namespace {

using sb::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

class Daemon {
 public:
  Daemon(const std::string& binary, const std::string& indexDir) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) std::exit(1);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      execl(binary.c_str(), binary.c_str(), "lsp", "--log-level", "off", "--index-dir",
            indexDir.c_str(), nullptr);
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }
  ~Daemon() {
    close(to_);
    close(from_);
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  long rssKb() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line))
      if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0;
  }
  void send(const json& m) {
    std::string frame = sb::ContentLengthEncoder().encode(m.dump());
    for (size_t off = 0; off < frame.size();) {
      ssize_t n = write(to_, frame.data() + off, frame.size() - off);
      if (n <= 0) std::exit(1);
      off += static_cast<size_t>(n);
    }
  }
  // Reads until the response with `id` arrives; returns it.
  json waitFor(int id) {
    for (;;) {
      if (auto it = inbox_.find(id); it != inbox_.end()) {
        json m = std::move(it->second);
        inbox_.erase(it);
        return m;
      }
      pollfd p{from_, POLLIN, 0};
      if (poll(&p, 1, 30000) <= 0) {
        std::fprintf(stderr, "daemon did not answer\n");
        std::exit(1);
      }
      char buf[65536];
      ssize_t n = read(from_, buf, sizeof buf);
      if (n <= 0) std::exit(1);
      decoder_.feed(std::string_view(buf, static_cast<size_t>(n)),
                    sb::FrameSink{[this](std::string b) {
                                    json m = json::parse(b);
                                    if (m.contains("id") && m["id"].is_number_integer() &&
                                        !m.contains("method")) {
                                      int id = m["id"].get<int>();  // before m is moved from
                                      inbox_[id] = std::move(m);
                                    }
                                  },
                                  [](std::string) {}});
    }
  }
  int request(const std::string& method, json params) {
    int id = next_++;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return id;
  }
  void notify(const std::string& method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  sb::ContentLengthDecoder decoder_{256 << 20};
  std::map<int, json> inbox_;
  int next_ = 1;
};

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

  Daemon d(SB_BINARY, (dir / "index").string());
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
