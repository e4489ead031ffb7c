// Load harness: N LSP clients on the daemon's Unix socket at once, each
// opening its own file of a generated workspace and looping edits and
// requests (documentSymbol, hover, completion without a model,
// workspace/symbol) for a fixed time. The daemon's RSS is sampled from
// /proc/PID/status throughout. Prints per-method and overall p50/p99 latency
// and the RSS range; exits non-zero on any error response, timeout or
// disconnect, an error line in the daemon's log, an RSS above the bound, or
// an RSS at the end more than the growth bound above the RSS after warm-up
// (a fifth of the run, at most 10 s). Loopback only: the socket lives in a
// private scratch folder.
//
//   switchboard_load [--clients 50] [--seconds 60] [--rss-limit-mb 96] [--growth-limit-mb 16]
//
// A short run is a ctest test (e2e.load_short); the 60 s figures are in
// docs/benchmarks.md.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "ChildProcess.h"
#include "LspClient.h"

namespace {

namespace fs = std::filesystem;
using namespace sb::e2e;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  int clients = 50;
  double seconds = 60;
  long rssLimitMb = 96;
  long growthLimitMb = 16;
};

long rssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

// A document of `n` functions and a class, different per client.
std::string documentText(int client, int n) {
  std::string t = "import os\n\n";
  for (int i = 0; i < n; ++i)
    t += "def c" + std::to_string(client) + "_f" + std::to_string(i) +
         "(a, b):\n    \"\"\"Adds.\"\"\"\n    return a + b\n\n";
  t += "class Shape" + std::to_string(client) +
       ":\n    def area(self):\n        return 0\n\nvalue = c" + std::to_string(client) +
       "_f1(1, 2)\n";
  return t;
}

struct Stats {
  std::mutex mu;
  std::map<std::string, std::vector<double>> latencyUs;  // by method
  std::vector<std::string> errors;
  std::atomic<long> edits{0};

  void add(const std::string& method, double us) {
    std::lock_guard lock(mu);
    latencyUs[method].push_back(us);
  }
  void error(std::string what) {
    std::lock_guard lock(mu);
    if (errors.size() < 20)
      errors.push_back(std::move(what));
    else if (errors.size() == 20)
      errors.push_back("...");
  }
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// The workspace file client `id` opens.
std::string clientFile(const fs::path& root, int id) {
  return (root / "load" / ("client_" + std::to_string(id) + ".py")).string();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Lines of the daemon's log that report an error (its own or a sanitizer's).
std::vector<std::string> errorLines(const std::string& log) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < log.size()) {
    size_t end = log.find('\n', pos);
    if (end == std::string::npos) end = log.size();
    std::string line = log.substr(pos, end - pos);
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("error") != std::string::npos || lower.find("[critical]") != std::string::npos)
      out.push_back(line);
    pos = end + 1;
  }
  return out;
}

void runClient(int id, const std::string& socket, const fs::path& root, Clock::time_point deadline,
               Stats& stats, std::atomic<int>& ready) {
  try {
    FdStream stream = connectUnix(socket, 10s);
    LspClient lsp(stream);
    json init = lsp.request("initialize",
                            {{"processId", nullptr},
                             {"rootUri", "file://" + root.string()},
                             {"capabilities", json::object()}},
                            30s);
    if (!init.contains("result"))
      return stats.error("client " + std::to_string(id) + ": initialize failed");
    lsp.notify("initialized", json::object());
    const std::string path = clientFile(root, id);
    const std::string uri = "file://" + path;
    const std::string text = readFile(path);
    lsp.open(uri, "python", text);
    ready++;
    std::mt19937 rng(static_cast<unsigned>(id));
    int version = 1;
    bool inserted = false;
    const int lastLine = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    const char* queries[] = {"area", "Shape", "c1_f", "f3", "with_vat", "xyz"};
    while (Clock::now() < deadline) {
      // An edit (insert a line at the top, then take it out again) and a request.
      json range = inserted ? json{{"start", {{"line", 0}, {"character", 0}}},
                                   {"end", {{"line", 1}, {"character", 0}}}}
                            : json{{"start", {{"line", 0}, {"character", 0}}},
                                   {"end", {{"line", 0}, {"character", 0}}}};
      lsp.notify(
          "textDocument/didChange",
          {{"textDocument", {{"uri", uri}, {"version", ++version}}},
           {"contentChanges", {{{"range", range}, {"text", inserted ? "" : "# edited\n"}}}}});
      inserted = !inserted;
      stats.edits++;
      const int shift = inserted ? 1 : 0;
      std::string method;
      json params;
      switch (rng() % 4) {
        case 0:
          method = "textDocument/documentSymbol";
          params = {{"textDocument", {{"uri", uri}}}};
          break;
        case 1:
          method = "textDocument/hover";
          params = {{"textDocument", {{"uri", uri}}},
                    {"position", {{"line", lastLine - 1 + shift}, {"character", 12}}}};
          break;
        case 2:
          method = "textDocument/completion";
          params = {{"textDocument", {{"uri", uri}}},
                    {"position", {{"line", lastLine - 1 + shift}, {"character", 10}}}};
          break;
        default:
          method = "workspace/symbol";
          params = {{"query", queries[rng() % std::size(queries)]}};
          break;
      }
      auto t0 = Clock::now();
      json r = lsp.request(method, params, 30s);
      stats.add(method, std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      if (!r.contains("result"))
        stats.error("client " + std::to_string(id) + " " + method + ": " + r.dump());
      lsp.notifications().clear();  // diagnostics pile up otherwise
    }
    lsp.request("shutdown", nullptr, 30s);
    lsp.notify("exit", nullptr);
  } catch (const std::exception& e) {
    stats.error("client " + std::to_string(id) + ": " + e.what());
  }
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: switchboard_load [--clients N] [--seconds S] [--rss-limit-mb MB] "
               "[--growth-limit-mb MB]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--clients"))
      opt.clients = std::atoi(value());
    else if (!std::strcmp(argv[i], "--seconds"))
      opt.seconds = std::atof(value());
    else if (!std::strcmp(argv[i], "--rss-limit-mb"))
      opt.rssLimitMb = std::atol(value());
    else if (!std::strcmp(argv[i], "--growth-limit-mb"))
      opt.growthLimitMb = std::atol(value());
    else
      usage();
  }

  // A private folder: the socket, a scratch HOME, a workspace (a copy of the
  // Python fixture and one generated 170-line file per client).
  char pattern[] = "/tmp/sb-load-XXXXXX";
  if (!::mkdtemp(pattern)) return 2;
  const fs::path dir = pattern;
  const fs::path root = dir / "ws";
  fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", root, fs::copy_options::recursive);
  fs::create_directories(root / "load");
  for (int i = 0; i < opt.clients; ++i) std::ofstream(clientFile(root, i)) << documentText(i, 40);
  const std::string socket = (dir / "lsp.sock").string();
  int rc = 0;
  {
    std::vector<std::string> argv = {"/usr/bin/env", "-i", "HOME=" + dir.string()};
    for (const auto& v : sanitizerEnvironment()) argv.push_back(v);
    for (std::string a : {std::string(SB_BINARY), std::string("lsp"), std::string("--listen"),
                          "unix:" + socket, std::string("--index-dir"), (dir / "index").string()})
      argv.push_back(a);
    auto proc = ChildProcess::start(argv);
    if (!proc.io().waitUntil([&] { return proc.err().find("listening on") != std::string::npos; },
                             10s)) {
      std::fprintf(stderr, "the daemon did not start:\n%s\n", proc.err().c_str());
      return 1;
    }
    const long rssStart = rssKb(proc.pid());
    Stats stats;
    std::atomic<int> ready{0};
    std::atomic<bool> sampling{true};
    std::vector<std::pair<Clock::time_point, long>> samples;
    std::thread sampler([&] {
      while (sampling) {
        long kb = rssKb(proc.pid());
        if (kb > 0) samples.emplace_back(Clock::now(), kb);
        std::this_thread::sleep_for(100ms);
      }
    });
    // The daemon's stderr is a pipe: keep draining it while the clients run.
    std::thread drain([&] {
      while (sampling) proc.io().pump(100ms);
    });

    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(opt.seconds));
    std::vector<std::thread> clients;
    for (int i = 0; i < opt.clients; ++i)
      clients.emplace_back(runClient, i, socket, root, deadline, std::ref(stats), std::ref(ready));
    for (auto& t : clients) t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    sampling = false;
    sampler.join();
    drain.join();
    proc.io().pump(200ms);  // what the daemon logged as the clients left
    const long rssEnd = rssKb(proc.pid());
    const bool alive = proc.running();
    // The RSS once the clients are all busy and the allocator has warmed up.
    const auto warm = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(std::min(opt.seconds / 5, 10.0)));
    long rssWarm = -1;
    for (const auto& [t, kb] : samples)
      if (t >= warm) {
        rssWarm = kb;
        break;
      }
    if (rssWarm < 0) rssWarm = rssEnd;

    std::vector<double> all;
    std::printf("%d clients, %.1f s, %ld edits\n", opt.clients, elapsed, stats.edits.load());
    std::printf("%-30s %8s %10s %10s %10s\n", "method", "requests", "p50 ms", "p99 ms", "max ms");
    for (const auto& [method, v] : stats.latencyUs) {
      all.insert(all.end(), v.begin(), v.end());
      std::printf("%-30s %8zu %10.2f %10.2f %10.2f\n", method.c_str(), v.size(),
                  percentile(v, 0.5) / 1000, percentile(v, 0.99) / 1000, percentile(v, 1.0) / 1000);
    }
    std::printf("%-30s %8zu %10.2f %10.2f %10.2f  (%.0f requests/s)\n", "all", all.size(),
                percentile(all, 0.5) / 1000, percentile(all, 0.99) / 1000,
                percentile(all, 1.0) / 1000, static_cast<double>(all.size()) / elapsed);
    long peak = rssEnd;
    for (const auto& sample : samples) peak = std::max(peak, sample.second);
    std::printf(
        "daemon RSS: %.1f MB at start, %.1f MB after warm-up, %.1f MB peak, %.1f MB at the end "
        "(bound %ld MB; growth after warm-up %.1f MB, bound %ld MB)\n",
        rssStart / 1024.0, rssWarm / 1024.0, peak / 1024.0, rssEnd / 1024.0, opt.rssLimitMb,
        (rssEnd - rssWarm) / 1024.0, opt.growthLimitMb);

    if (!stats.errors.empty()) {
      std::printf("ERRORS:\n");
      for (const auto& e : stats.errors) std::printf("  %s\n", e.c_str());
      rc = 1;
    }
    if (ready.load() != opt.clients) {
      std::printf("only %d of %d clients got going\n", ready.load(), opt.clients);
      rc = 1;
    }
    if (peak / 1024 > opt.rssLimitMb) {
      std::printf("RSS over the bound\n");
      rc = 1;
    }
    if ((rssEnd - rssWarm) / 1024 > opt.growthLimitMb) {
      std::printf("RSS grew past the bound after warm-up\n");
      rc = 1;
    }
    if (auto lines = errorLines(proc.err()); !lines.empty()) {
      std::printf("the daemon logged errors:\n");
      for (const auto& l : lines) std::printf("  %s\n", l.c_str());
      rc = 1;
    }
    if (!alive) {
      std::printf("the daemon died:\n%s\n", proc.err().c_str());
      rc = 1;
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return rc;
}
