// Index benchmarks on a real-code workspace (see make-index-corpus.sh):
// cold index throughput and peak RSS (in a child process, so the figure is
// the indexer's alone), warm restart, workspace/symbol query latency, and the
// database size.
//   bench_index [WORKSPACE] [--threads N]
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "analysis/CodeSearch.h"
#include "analysis/WorkspaceIndex.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct ColdResult {
  double seconds;
  size_t lines, files;
  long maxRssKb;
};

// Runs the cold index in a child so ru_maxrss measures only indexing.
ColdResult coldIndex(const std::string& root, const std::string& db, unsigned threads) {
  int pipeFd[2];
  if (pipe(pipeFd) != 0) std::exit(1);
  pid_t pid = fork();
  if (pid == 0) {
    close(pipeFd[0]);
    sb::IndexerOptions opts;
    opts.threads = threads;
    sb::WorkspaceIndex index(root, db, opts);
    auto t0 = Clock::now();
    sb::IndexReport r = index.refresh();
    ColdResult res{secondsSince(t0), r.lines, r.parsed, 0};
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    res.maxRssKb = ru.ru_maxrss;
    ssize_t n = write(pipeFd[1], &res, sizeof res);
    _exit(n == sizeof res ? 0 : 1);
  }
  close(pipeFd[1]);
  ColdResult res{};
  if (read(pipeFd[0], &res, sizeof res) != sizeof res) std::fprintf(stderr, "child failed\n");
  close(pipeFd[0]);
  waitpid(pid, nullptr, 0);
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  std::string root = "/tmp/switchboard-bench/workspace";
  unsigned threads = 2;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else
      root = argv[i];
  }
  if (!fs::is_directory(root)) {
    std::fprintf(stderr, "no workspace at %s: run bench/make-index-corpus.sh first\n",
                 root.c_str());
    return 2;
  }
  std::string dbDir = fs::temp_directory_path() / "switchboard-bench-index";
  fs::remove_all(dbDir);
  fs::create_directories(dbDir);
  std::string db = dbDir + "/index.sqlite";

  ColdResult cold = coldIndex(root, db, threads);
  std::printf("| cold index | %zu files, %zu lines | %.2f s | %.0f lines/s | peak RSS %.1f MB |\n",
              cold.files, cold.lines, cold.seconds, cold.lines / cold.seconds,
              cold.maxRssKb / 1024.0);

  sb::IndexerOptions opts;
  opts.threads = threads;
  auto t0 = Clock::now();
  sb::WorkspaceIndex index(root, db, opts);
  sb::IndexReport warm = index.refresh();
  double warmSeconds = secondsSince(t0);
  std::printf("| warm restart (nothing changed) | %zu unchanged, %zu parsed | %.3f s |\n",
              warm.unchanged, warm.parsed, warmSeconds);

  sb::IndexStats stats = index.stats();
  uintmax_t bytes = fs::file_size(db);
  std::error_code ec;
  for (const char* suffix : {"-wal"})
    bytes += fs::exists(db + suffix, ec) ? fs::file_size(db + suffix) : 0;
  std::printf("| database | %zu definitions, %zu references | %.1f MB | %.2f MB per 100k lines |\n",
              stats.symbols, stats.refs, bytes / 1e6, bytes / 1e6 / (stats.lines / 1e5));

  // Queries: prefixes and fuzzy abbreviations of real names, plus misses.
  std::vector<std::string> names;
  for (const auto& row : index.store().allDefinitions())
    if (row.name.size() >= 6) names.push_back(row.name);
  std::mt19937 rng(42);
  std::vector<std::string> queries;
  for (int i = 0; i < 400 && !names.empty(); ++i) {
    const std::string& n = names[rng() % names.size()];
    switch (i % 4) {
      case 0:
        queries.push_back(n);
        break;  // exact
      case 1:
        queries.push_back(n.substr(0, 3));
        break;  // prefix
      case 2:
        queries.push_back({n[0], n[2], n[4], n[5]});
        break;  // fuzzy
      case 3:
        queries.push_back(n.substr(1, 4));
        break;  // substring
    }
  }
  index.searchSymbols("warmup", 100);  // builds the in-memory name table
  // Wall time, and this thread's CPU time, which other load on the machine
  // does not inflate.
  auto threadCpuUs = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
  };
  std::vector<double> us, cpu;
  for (const auto& q : queries) {
    auto q0 = Clock::now();
    double c0 = threadCpuUs();
    auto hits = index.searchSymbols(q, 100);
    cpu.push_back(threadCpuUs() - c0);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - q0).count());
  }
  std::sort(us.begin(), us.end());
  std::sort(cpu.begin(), cpu.end());
  auto at = [](const std::vector<double>& v, double p) {
    return v[std::min(v.size() - 1, size_t(p * v.size()))] / 1000.0;
  };
  std::printf(
      "| workspace/symbol query (100 results) | %zu queries | median %.2f ms | p99 %.2f ms | "
      "CPU median %.2f ms, p99 %.2f ms |\n",
      us.size(), at(us, 0.5), at(us, 0.99), at(cpu, 0.5), at(cpu, 0.99));
  // search_code (the MCP tool's engine): literal and regex over every text
  // file of the workspace, warm page cache, median of 10.
  auto timeSearch = [&](const char* label, const std::string& pattern, bool regex) {
    sb::CodeSearchOptions o;
    o.regex = regex;
    o.maxResults = 200;
    std::vector<double> ms;
    size_t files = 0, matches = 0;
    for (int i = 0; i < 10; ++i) {
      auto s0 = Clock::now();
      auto r = sb::searchCode(root, pattern, o);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s0).count());
      files = r.filesSearched;
      matches = r.matches.size();
    }
    std::sort(ms.begin(), ms.end());
    std::printf("| search_code %s `%s` | %zu files, %zu matches | median %.1f ms | max %.1f ms |\n",
                label, pattern.c_str(), files, matches, ms[5], ms.back());
  };
  timeSearch("literal, rare", "EXPECT_NEVER_FOUND_12345", false);
  timeSearch("literal, common", "return", false);
  timeSearch("regex", "def [a-z_]+\\(self, key", true);
  fs::remove_all(dbDir);
  return 0;
}
