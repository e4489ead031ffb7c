// Framing and JSON-RPC parsing: the path every message takes.
#include <benchmark/benchmark.h>

#include <algorithm>

#include "Corpus.h"
#include "protocol/JsonWriter.h"
#include "server/Framing.h"
#include "server/JsonRpc.h"

namespace sb {
namespace {

const std::string kDidChange =
    R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///home/user/project/src/main.cpp","version":42},"contentChanges":[{"range":{"start":{"line":120,"character":17},"end":{"line":120,"character":17}},"text":"x"}]}})";

void BM_ContentLengthDecode(benchmark::State& state) {
  std::string frame = ContentLengthEncoder().encode(kDidChange);
  ContentLengthDecoder decoder(64 << 20);
  size_t n = 0;
  FrameSink sink{[&](std::string body) { n += body.size(); }, [](std::string) {}};
  for (auto _ : state) decoder.feed(frame, sink);
  benchmark::DoNotOptimize(n);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(frame.size()));
}
BENCHMARK(BM_ContentLengthDecode);

// Decode + JSON parse + validation + dispatch to a handler that replies.
struct EchoHandler : RpcHandler {
  void onRequest(Request r) override { r.reply.result(nullptr); }
  void onNotification(std::string_view, const json&) override {}
};

void BM_RequestDispatchAndReply(benchmark::State& state) {
  EchoHandler handler;
  size_t bytes = 0;
  auto ep = RpcEndpoint::create([&](std::string out) { bytes += out.size(); });
  ep->setHandler(&handler);
  ContentLengthDecoder decoder(64 << 20);
  FrameSink sink{[&](std::string body) { ep->receive(body); }, [](std::string) {}};
  std::string frame = ContentLengthEncoder().encode(
      R"({"jsonrpc":"2.0","id":7,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///a.cpp"}}})");
  for (auto _ : state) decoder.feed(frame, sink);
  benchmark::DoNotOptimize(bytes);
}
BENCHMARK(BM_RequestDispatchAndReply);

void BM_NotificationParse(benchmark::State& state) {
  struct Sink : RpcHandler {
    size_t n = 0;
    void onRequest(Request) override {}
    void onNotification(std::string_view, const json& p) override { n += p.size(); }
  } handler;
  auto ep = RpcEndpoint::create([](std::string) {});
  ep->setHandler(&handler);
  for (auto _ : state) ep->receive(kDidChange);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kDidChange.size()));
}
BENCHMARK(BM_NotificationParse);

// A read_file answer as MCP sends it: ~24 KB of source text in the content,
// the line range in structuredContent. The text: a synthetic line repeated
// (every line alike, so branches predict perfectly) or real Python (the
// standard library's asyncio, as bench/mcp_vs_filesystem reads).
json readFileReply(bool realCode) {
  std::string code;
  if (realCode) {
    for (const auto& f : bench::collectSources("/usr/lib/python3.11/asyncio", {".py"}, 1 << 20)) {
      code += f.text;
      if (code.size() >= 24 * 1024) break;
    }
    code.resize(std::min<size_t>(code.size(), 24 * 1024));
  }
  for (int i = 0; code.size() < 24 * 1024; ++i)
    code += "    if (items[" + std::to_string(i) +
            "].name != \"\\t\") { total += weight(i); }  // step\n";
  json result = {
      {"content", {{{"type", "text"}, {"text", code}}}},
      {"structuredContent",
       {{"path", "src/lib.py"}, {"startLine", 1}, {"endLine", 600}, {"totalLines", 600}}}};
  return {{"jsonrpc", "2.0"}, {"id", 12}, {"result", result}};
}

// Arg 0: nlohmann's dump; 1: the wire writer. Arg 1: synthetic (0) or real code (1).
void BM_SerializeReadFileReply(benchmark::State& state) {
  const json reply = readFileReply(state.range(1) != 0);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = state.range(0) ? jsonText(reply)
                                     : reply.dump(-1, ' ', false, json::error_handler_t::replace);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_SerializeReadFileReply)->ArgsProduct({{0, 1}, {0, 1}});

}  // namespace
}  // namespace sb
