// Test helpers for driving the real switchboard binary: a child process with
// piped stdio, and byte streams (pipes or sockets) with deadlines, so a hung
// daemon fails a test instead of hanging it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::e2e {

using Millis = std::chrono::milliseconds;
using namespace std::chrono_literals;

// Owns one file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release();
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A bidirectional byte stream over non-blocking descriptors: a child's
// stdin/stdout, or one socket for both. Incoming bytes collect in inbox().
// While a write is blocked, reading continues, so a peer that is itself
// blocked writing to us cannot deadlock the test. An optional side channel
// (the child's stderr) is drained whenever the stream is pumped, so the
// daemon never blocks on a full stderr pipe.
class FdStream {
 public:
  FdStream() = default;
  FdStream(UniqueFd in, UniqueFd out, UniqueFd side = UniqueFd());
  FdStream(FdStream&&) noexcept = default;
  FdStream& operator=(FdStream&&) noexcept = default;

  // Writes everything or throws std::runtime_error after `timeout`, or if the
  // peer stopped reading.
  void write(std::string_view bytes, Millis timeout = 10s);
  // Pumps until pred() holds; false on timeout, or when the peer closed
  // (and also closed its side channel) without pred() becoming true.
  bool waitUntil(const std::function<bool()>& pred, Millis timeout);
  // One round of polling for up to `timeout`; true if any bytes arrived.
  bool pump(Millis timeout);
  void closeWrite() { out_.reset(); }

  std::string& inbox() { return inbox_; }
  const std::string& side() const { return side_; }
  bool eof() const { return !in_; }

 private:
  bool pumpOnce(int timeoutMs, bool wantWrite, bool& writable);

  UniqueFd in_, out_, sideFd_;
  std::string inbox_, side_;
};

struct ExitStatus {
  int code = -1;   // exit code when the process exited
  int signal = 0;  // the terminating signal, if any
  bool exited() const { return signal == 0; }
  std::string describe() const;
};

// A child process with stdin, stdout and stderr piped to the test. The
// destructor kills (SIGKILL) and reaps a child that is still running.
class ChildProcess {
 public:
  // argv[0] is the program path. Throws std::runtime_error if it cannot start.
  static ChildProcess start(std::vector<std::string> argv);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();

  FdStream& io() { return io_; }
  const std::string& out() { return io_.inbox(); }
  const std::string& err() const { return io_.side(); }
  pid_t pid() const { return pid_; }

  // Waits for the process to end, draining its output; nullopt on timeout.
  std::optional<ExitStatus> wait(Millis timeout);
  bool running();
  void signal(int sig);

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
  FdStream io_;
};

// Runs a command to completion (stdin closed at once) and returns its status;
// output is in the returned process. Throws if it does not finish in time.
struct Finished {
  ExitStatus status;
  std::string out, err;
};
Finished runToCompletion(std::vector<std::string> argv, Millis timeout = 20s);

// "NAME=value" for the sanitizer option variables that are set, so a child
// started with a clean environment (env -i) still reports the way the test
// run asked (halt_on_error, suppressions, ...).
std::vector<std::string> sanitizerEnvironment();

// Client sockets for the socket-transport tests, as non-blocking streams.
FdStream connectTcp(const std::string& host, int port, Millis timeout = 5s);
FdStream connectUnix(const std::string& path, Millis timeout = 5s);

}  // namespace sb::e2e
