// Parsing: incremental reparse after a keystroke, full-parse throughput per
// language on real code from this machine, outline and position conversion.
#include <benchmark/benchmark.h>

#include "Corpus.h"
#include "analysis/Document.h"
#include "analysis/Outline.h"
#include "analysis/SyntaxInfo.h"

namespace sb {
namespace {

// A single-character insertion then its deletion in the middle of ~10,000
// lines of real C++: each iteration is two edits, reported per edit.
// Arg 0: code that parses cleanly; arg 1: macro-heavy code with error nodes.
void BM_IncrementalEditCpp10k(benchmark::State& state) {
  std::string text =
      state.range(0) == 0 ? bench::cleanCppText(10000) : bench::macroHeavyCppText(10000);
  state.SetLabel(state.range(0) == 0 ? "clean" : "macro-heavy");
  Document doc("file:///bench.h", "cpp", 1, text);
  uint32_t line = doc.snapshot()->lines().lineCount() / 2;
  auto snap = doc.snapshot();
  int version = 1;
  double parseMicros = 0;
  for (auto _ : state) {
    Position at{line, 0};
    TextChange insert{Range{at, at}, "x"};
    parseMicros += doc.apply({&insert, 1}, ++version, PositionEncoding::Utf16).parseMicros;
    TextChange erase{Range{at, Position{line, 1}}, ""};
    parseMicros += doc.apply({&erase, 1}, ++version, PositionEncoding::Utf16).parseMicros;
  }
  state.SetItemsProcessed(state.iterations() * 2);
  state.counters["reparse_us_per_edit"] = parseMicros / (2.0 * state.iterations());
  state.counters["lines"] = doc.snapshot()->lines().lineCount();
}
BENCHMARK(BM_IncrementalEditCpp10k)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

struct Corpus {
  const char* name;
  const char* languageId;
  const char* root;
  std::vector<std::string> extensions;
};

const Corpus kCorpora[] = {
    {"c", "c", "/usr/include", {".h"}},
    {"cpp", "cpp", "/usr/include/c++/12", {".h", ".tcc"}},
    {"python", "python", "/usr/lib/python3.11", {".py"}},
    {"javascript", "javascript", "/usr/lib/node_modules/npm", {".js"}},
    {"java", "java", "/tmp/switchboard-bench/java", {".java"}},
    {"typescript", "typescript", "/tmp/switchboard-bench/typescript", {".ts"}},
};

// Full parse of ~4 MB of real code per language; MB/s in bytes_per_second.
void BM_FullParse(benchmark::State& state) {
  const Corpus& c = kCorpora[state.range(0)];
  state.SetLabel(c.name);
  auto files = bench::collectSources(c.root, c.extensions, 4 << 20);
  if (files.empty()) {
    state.SkipWithError((std::string("no corpus at ") + c.root).c_str());
    return;
  }
  size_t bytes = 0;
  for (const auto& f : files) bytes += f.text.size();
  for (auto _ : state) {
    for (const auto& f : files) {
      Document doc("file://" + f.path, c.languageId, 1, f.text);
      benchmark::DoNotOptimize(doc.snapshot()->hasTree());
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["files"] = files.size();
}
BENCHMARK(BM_FullParse)
    ->DenseRange(0, std::size(kCorpora) - 1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_OutlineCpp10k(benchmark::State& state) {
  Document doc("file:///bench.h", "cpp", 1, bench::cleanCppText(10000));
  auto snap = doc.snapshot();
  for (auto _ : state) benchmark::DoNotOptimize(documentOutline(*snap).size());
}
BENCHMARK(BM_OutlineCpp10k)->Unit(benchmark::kMicrosecond);

void BM_DiagnosticsCpp10k(benchmark::State& state) {
  Document doc("file:///bench.h", "cpp", 1, bench::cleanCppText(10000));
  auto snap = doc.snapshot();
  for (auto _ : state) benchmark::DoNotOptimize(syntaxDiagnostics(*snap).size());
}
BENCHMARK(BM_DiagnosticsCpp10k)->Unit(benchmark::kMicrosecond);

void BM_PositionToOffsetUtf16(benchmark::State& state) {
  std::string text = bench::cleanCppText(10000);
  LineIndex index(text);
  uint32_t line = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.offsetAt(text, Position{line, 20}, PositionEncoding::Utf16));
    line = (line + 7919) % 10000;
  }
}
BENCHMARK(BM_PositionToOffsetUtf16);

}  // namespace
}  // namespace sb
