// tools/call read_file inside the process: the daemon's own cost per call
// (request parsing, the file read, the reply's JSON, the line frame), without
// the pipe, the wake-ups or a client. bench/mcp_vs_filesystem measures the
// round trip; the difference between the two is what no server can shed.
#include <benchmark/benchmark.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "Corpus.h"
#include "server/McpCodeTools.h"
#include "server/McpServer.h"
#include "server/Transport.h"
#include "server/Workers.h"
#include "server/WorkspaceRegistry.h"

namespace sb {
namespace {

namespace fs = std::filesystem;

// Counts the bytes the session writes; tools that run inline answer before
// onBytes returns.
class CountingTransport : public Transport {
 public:
  void send(std::string bytes) override { sent += bytes.size(); }
  void close() override {}
  std::string describe() const override { return "bench"; }
  std::atomic<size_t> sent{0};
};

// Python's asyncio package copied into a scratch workspace: 24 KB files on
// average, as bench/mcp_vs_filesystem reads.
struct Workspace {
  fs::path root = fs::temp_directory_path() / "sb-bench-mcp";
  std::vector<std::string> files;
  Workspace() {
    fs::remove_all(root);
    fs::create_directories(root / "src");
    for (const auto& f : bench::collectSources("/usr/lib/python3.11/asyncio", {".py"}, 4 << 20)) {
      if (f.text.size() < 4096) continue;
      std::string rel = "src/" + fs::path(f.path).filename().string();
      std::ofstream(root / rel, std::ios::binary) << f.text;
      files.push_back(rel);
    }
  }
  ~Workspace() { fs::remove_all(root); }
};

void BM_McpReadFileCall(benchmark::State& state) {
  Workspace ws;
  RegistryOptions ro;
  ro.indexDir = (ws.root / ".index").string();
  Workers engineWorkers(1), toolWorkers(1);
  WorkspaceRegistry registry(ro);
  auto catalog = makeCodeCatalog(fs::canonical(ws.root).string(), registry, engineWorkers, {});
  auto transport = std::make_shared<CountingTransport>();
  Session session(transport, Framing::Lines, 64 << 20, [&](const SessionContext& ctx) {
    return std::make_unique<McpServer>(ctx, toolWorkers, catalog);
  });
  session.onBytes(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})"
      "\n"
      R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
      "\n");
  std::vector<std::string> requests;
  for (size_t i = 0; i < ws.files.size(); ++i)
    requests.push_back(
        R"({"jsonrpc":"2.0","id":)" + std::to_string(i + 1) +
        R"(,"method":"tools/call","params":{"name":"read_file","arguments":{"path":")" +
        ws.files[i] + "\"}}}\n");
  size_t i = 0, before = transport->sent;
  for (auto _ : state) session.onBytes(requests[i++ % requests.size()]);
  state.SetBytesProcessed(static_cast<int64_t>(transport->sent - before));
  state.counters["files"] = static_cast<double>(ws.files.size());
  session.onClosed();
}
BENCHMARK(BM_McpReadFileCall)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sb
