// End-to-end LSP latency through the real binary over stdio pipes: the time
// from writing a request to reading its whole response, as a client sees it.
//
//   bench_lsp_roundtrip [--binary PATH] [--requests N]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "Corpus.h"
#include "LspPipe.h"

namespace {

using sb::json;
using Clock = std::chrono::steady_clock;

struct Stats {
  double median, p90, p99, mean;
};

Stats summarize(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double v : us) sum += v;
  auto at = [&](double q) { return us[std::min(us.size() - 1, size_t(q * us.size()))]; };
  return {at(0.5), at(0.9), at(0.99), sum / us.size()};
}

template <class Fn>
void measure(const char* name, int n, Fn fn) {
  for (int i = 0; i < std::min(n / 10, 200); ++i) fn();  // warm-up
  std::vector<double> us;
  us.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    fn();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  Stats s = summarize(us);
  std::printf("| %-44s | %7d | %9.1f | %9.1f | %9.1f |\n", name, n, s.median, s.p90, s.p99);
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = SB_BINARY;
  int n = 5000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--binary")) binary = argv[i + 1];
    if (!std::strcmp(argv[i], "--requests")) n = std::atoi(argv[i + 1]);
  }
  sb::bench::LspPipe d(binary);
  d.call(
      "initialize",
      {{"processId", nullptr},
       {"capabilities",
        {{"textDocument", {{"documentSymbol", {{"hierarchicalDocumentSymbolSupport", true}}}}}}}});
  d.notify("initialized", json::object());
  d.notify("textDocument/didOpen", {{"textDocument",
                                     {{"uri", "file:///small.py"},
                                      {"languageId", "python"},
                                      {"version", 1},
                                      {"text", "def f(x):\n    return x\n"}}}});
  std::string big = sb::bench::cleanCppText(10000);
  d.notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", "file:///big.h"}, {"languageId", "cpp"}, {"version", 1}, {"text", big}}}});

  std::printf("| %-44s | %7s | %9s | %9s | %9s |\n", "round trip (stdio pipe)", "n", "median us",
              "p90 us", "p99 us");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(46, '-').c_str(), std::string(9, '-').c_str(),
              std::string(11, '-').c_str(), std::string(11, '-').c_str(),
              std::string(11, '-').c_str());
  measure("unknown method (error reply)", n,
          [&] { d.call("switchboard/noSuchMethod", json::object()); });
  measure("documentSymbol, 2-line Python file", n, [&] {
    d.call("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///small.py"}}}});
  });
  int version = 1;
  bool insert = true;
  measure("didChange (1 char) + foldingRange, 10k-line C++", n / 5, [&] {
    json range = insert ? json{{"start", {{"line", 5000}, {"character", 0}}},
                               {"end", {{"line", 5000}, {"character", 0}}}}
                        : json{{"start", {{"line", 5000}, {"character", 0}}},
                               {"end", {{"line", 5000}, {"character", 1}}}};
    d.notify("textDocument/didChange",
             {{"textDocument", {{"uri", "file:///big.h"}, {"version", ++version}}},
              {"contentChanges", {{{"range", range}, {"text", insert ? "x" : ""}}}}});
    insert = !insert;
    d.call("textDocument/foldingRange", {{"textDocument", {{"uri", "file:///big.h"}}}});
  });
  measure("documentSymbol, 10k-line C++", n / 10, [&] {
    d.call("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///big.h"}}}});
  });
  d.call("shutdown", nullptr);
  d.notify("exit", nullptr);
  return 0;
}
