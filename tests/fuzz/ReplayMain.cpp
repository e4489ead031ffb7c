// A libFuzzer-compatible driver for builds without libFuzzer (gcc, or clang
// without -DSWITCHBOARD_FUZZ=ON): runs LLVMFuzzerTestOneInput over every file
// given (directories are walked), then over pseudo-random mutations of them
// drawn from a fixed seed, so a ctest run is deterministic.
//
//   fuzz_replay_<target> [--iterations N] [--seconds S] [--seed X] PATH...
//
// If an input crashes, it is written to ./replay-crash-<target>.bin (from the
// signal handler, so also on an abort from a failed check or a sanitizer),
// ready to be passed back as PATH or to the libFuzzer binary.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// Present when a sanitizer runtime is linked: a sanitizer report ends the
// process without a signal unless abort_on_error is set.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

#ifndef SB_FUZZ_TARGET_NAME
#define SB_FUZZ_TARGET_NAME "fuzz"
#endif

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

// The input being run, for the crash handler (which may only use
// async-signal-safe calls: open, write, close).
const Bytes* gCurrent = nullptr;
constexpr const char* kCrashFile = "replay-crash-" SB_FUZZ_TARGET_NAME ".bin";

void saveCurrent() {
  if (gCurrent) {
    const int fd = ::open(kCrashFile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      const uint8_t* p = gCurrent->data();
      size_t left = gCurrent->size();
      while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n <= 0) break;
        p += n;
        left -= static_cast<size_t>(n);
      }
      ::close(fd);
      constexpr char msg[] =
          "fuzz replay: crashing input written to replay-crash-" SB_FUZZ_TARGET_NAME ".bin\n";
      [[maybe_unused]] const ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    }
    gCurrent = nullptr;
  }
}

void onFatalSignal(int sig) {
  saveCurrent();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void run(const Bytes& input) {
  gCurrent = &input;
  // libFuzzer never passes a null pointer; keep that contract for empty input.
  static const uint8_t kEmpty = 0;
  LLVMFuzzerTestOneInput(input.empty() ? &kEmpty : input.data(), input.size());
  gCurrent = nullptr;
}

Bytes readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Tokens that matter to the targets: framing, JSON-RPC and awkward text.
constexpr std::string_view kTokens[] = {
    "Content-Length: ",
    "content-length:",
    "Content-Type: application/vscode-jsonrpc\r\n",
    "\r\n\r\n",
    "\r\n",
    "\n\n",
    "\n",
    "\r",
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "\\",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{}}",
    "{\"jsonrpc\":\"2.0\",\"method\":\"n\"}",
    "\"id\":",
    "\"id\":null",
    "\"id\":\"a\"",
    "\"sb-1\"",
    "\"method\":",
    "\"params\":[]",
    "\"result\":",
    "\"error\":{\"code\":1}",
    "\"jsonrpc\":\"2.0\"",
    "1e999",
    "-0",
    "9223372036854775808",
    "\xc3\xa9",
    "\xe2\x82\xac",
    "\xf0\x9f\x98\x80",
    "\xed\xa0\x80",
    "\xff",
    "\xc0\x80",
    "\x00",
    "\t",
};

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  size_t below(size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }

  Bytes mutate(const std::vector<Bytes>& corpus) {
    Bytes out = corpus[below(corpus.size())];
    const size_t steps = 1 + below(6);
    for (size_t i = 0; i < steps; ++i) step(out, corpus);
    if (out.size() > kMaxLen) out.resize(kMaxLen);
    return out;
  }

 private:
  static constexpr size_t kMaxLen = 16 * 1024;

  void step(Bytes& b, const std::vector<Bytes>& corpus) {
    const size_t at = below(b.size() + 1);
    switch (below(9)) {
      case 0:  // flip a bit
        if (!b.empty()) b[below(b.size())] ^= static_cast<uint8_t>(1u << below(8));
        break;
      case 1:  // set a random byte
        if (!b.empty()) b[below(b.size())] = static_cast<uint8_t>(below(256));
        break;
      case 2:  // insert a random byte
        b.insert(b.begin() + static_cast<ptrdiff_t>(at), static_cast<uint8_t>(below(256)));
        break;
      case 3: {  // erase a range
        const size_t len = std::min(b.size() - std::min(at, b.size()), 1 + below(16));
        b.erase(b.begin() + static_cast<ptrdiff_t>(at),
                b.begin() + static_cast<ptrdiff_t>(at + len));
        break;
      }
      case 4: {  // insert a token
        const std::string_view t = kTokens[below(std::size(kTokens))];
        b.insert(b.begin() + static_cast<ptrdiff_t>(at), t.begin(), t.end());
        break;
      }
      case 5: {  // duplicate a range of itself
        if (b.empty()) break;
        const size_t from = below(b.size());
        const size_t len = 1 + below(std::min<size_t>(b.size() - from, 64));
        const Bytes piece(b.begin() + static_cast<ptrdiff_t>(from),
                          b.begin() + static_cast<ptrdiff_t>(from + len));
        b.insert(b.begin() + static_cast<ptrdiff_t>(at), piece.begin(), piece.end());
        break;
      }
      case 6: {  // splice in part of another corpus file
        const Bytes& other = corpus[below(corpus.size())];
        if (other.empty()) break;
        const size_t from = below(other.size());
        const size_t len = 1 + below(other.size() - from);
        b.insert(b.begin() + static_cast<ptrdiff_t>(at),
                 other.begin() + static_cast<ptrdiff_t>(from),
                 other.begin() + static_cast<ptrdiff_t>(from + len));
        break;
      }
      case 7: {  // overwrite a digit run with another number
        const std::string n = std::to_string(below(3) == 0 ? rng_() : below(300));
        for (size_t i = 0; i < n.size() && at + i < b.size(); ++i)
          b[at + i] = static_cast<uint8_t>(n[i]);
        break;
      }
      case 8:  // truncate
        b.resize(at);
        break;
    }
  }

  std::mt19937_64 rng_;
};

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: fuzz_replay_%s [--iterations N] [--seconds S] [--seed X] PATH...\n",
               SB_FUZZ_TARGET_NAME);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t iterations = 0;
  double seconds = 10;
  uint64_t seed = 0x5b5b'2024;
  std::vector<fs::path> files;

  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (arg == "--iterations")
      iterations = std::strtoull(value(), nullptr, 10);
    else if (arg == "--seconds")
      seconds = std::strtod(value(), nullptr);
    else if (arg == "--seed")
      seed = std::strtoull(value(), nullptr, 0);
    else if (arg.starts_with("-"))
      usage();
    else if (fs::is_directory(argv[i])) {
      for (const auto& entry : fs::recursive_directory_iterator(argv[i]))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (fs::is_regular_file(argv[i])) {
      files.push_back(argv[i]);
    } else {
      std::fprintf(stderr, "fuzz replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) usage();
  std::sort(files.begin(), files.end());  // directory order is not stable

  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, onFatalSignal);
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(saveCurrent);

  std::vector<Bytes> corpus;
  for (const fs::path& f : files) {
    corpus.push_back(readFile(f));
    run(corpus.back());
  }
  std::printf("%s: %zu corpus files ok\n", SB_FUZZ_TARGET_NAME, corpus.size());

  Mutator mutator(seed);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  uint64_t done = 0;
  for (; done < iterations; ++done) {
    if (std::chrono::steady_clock::now() > deadline) break;
    run(mutator.mutate(corpus));
  }
  std::printf("%s: %llu of %llu mutations ok (seed %#llx)\n", SB_FUZZ_TARGET_NAME,
              static_cast<unsigned long long>(done), static_cast<unsigned long long>(iterations),
              static_cast<unsigned long long>(seed));
  return 0;
}
