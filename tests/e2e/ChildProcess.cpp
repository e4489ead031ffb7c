#include "ChildProcess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

extern char** environ;

namespace sb::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// Writing to a daemon that died must fail the test, not kill it with SIGPIPE.
[[maybe_unused]] const bool kIgnoreSigpipe = (::signal(SIGPIPE, SIG_IGN), true);

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

void setNonBlocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) fail("fcntl");
}

int remainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Reads what is available into `into`; false on EOF or a hard error.
bool drain(int fd, std::string& into) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;  // EOF, or ECONNRESET and friends
  }
}

}  // namespace

// ---- UniqueFd ----

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

int UniqueFd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

// ---- FdStream ----

FdStream::FdStream(UniqueFd in, UniqueFd out, UniqueFd side)
    : in_(std::move(in)), out_(std::move(out)), sideFd_(std::move(side)) {
  for (const UniqueFd* fd : {&in_, &out_, &sideFd_})
    if (*fd) setNonBlocking(fd->get());
}

bool FdStream::pumpOnce(int timeoutMs, bool wantWrite, bool& writable) {
  pollfd fds[3];
  int n = 0, inAt = -1, sideAt = -1, outAt = -1;
  if (in_) {
    inAt = n;
    fds[n++] = {in_.get(), POLLIN, 0};
  }
  if (sideFd_) {
    sideAt = n;
    fds[n++] = {sideFd_.get(), POLLIN, 0};
  }
  if (wantWrite) {
    if (!out_) throw std::runtime_error("write to a stream whose write side is closed");
    outAt = n;
    fds[n++] = {out_.get(), POLLOUT, 0};
  }
  writable = false;
  if (n == 0) return false;
  int ready = ::poll(fds, static_cast<nfds_t>(n), timeoutMs);
  if (ready < 0) {
    if (errno == EINTR) return false;
    fail("poll");
  }
  bool got = false;
  if (inAt >= 0 && fds[inAt].revents) {
    size_t before = inbox_.size();
    bool open = drain(in_.get(), inbox_);
    got = inbox_.size() != before;
    if (!open) in_.reset();  // sockets write through a dup, so this closes only reading
  }
  if (sideAt >= 0 && fds[sideAt].revents && !drain(sideFd_.get(), side_)) sideFd_.reset();
  if (outAt >= 0) writable = fds[outAt].revents != 0;
  return got;
}

void FdStream::write(std::string_view bytes, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    ssize_t n = ::write(out_.get(), bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) fail("write to the daemon");
    if (Clock::now() >= deadline)
      throw std::runtime_error("write to the daemon timed out with " +
                               std::to_string(bytes.size()) +
                               " bytes unwritten (is it still reading?)");
    bool writable = false;
    pumpOnce(std::min(remainingMs(deadline), 100), true, writable);
  }
}

bool FdStream::pump(Millis timeout) {
  bool writable = false;
  return pumpOnce(static_cast<int>(timeout.count()), false, writable);
}

bool FdStream::waitUntil(const std::function<bool()>& pred, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  while (!pred()) {
    if (Clock::now() >= deadline) return false;
    if (!in_ && !sideFd_) return pred();  // nothing more can arrive
    bool writable = false;
    pumpOnce(std::min(remainingMs(deadline), 100), false, writable);
  }
  return true;
}

// ---- ChildProcess ----

std::string ExitStatus::describe() const {
  if (signal) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(code);
}

ChildProcess ChildProcess::start(std::vector<std::string> argv) {
  int in[2], out[2], err[2];
  // O_CLOEXEC: children started by parallel tests must not inherit each
  // other's pipe ends, or EOF would never arrive.
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC)) fail("pipe2");
  UniqueFd inR(in[0]), inW(in[1]), outR(out[0]), outW(out[1]), errR(err[0]), errW(err[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, inR.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, outW.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, errW.get(), 2);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  ChildProcess child;
  int rc = ::posix_spawn(&child.pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    errno = rc;
    fail("posix_spawn " + argv[0]);
  }
  child.io_ = FdStream(std::move(outR), std::move(inW), std::move(errR));
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), status_(other.status_), io_(std::move(other.io_)) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
  }
}

bool ChildProcess::running() {
  if (status_ || pid_ <= 0) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == 0) return true;
  ExitStatus s;
  if (r == pid_) {
    if (WIFEXITED(st)) s.code = WEXITSTATUS(st);
    if (WIFSIGNALED(st)) s.signal = WTERMSIG(st);
  }
  status_ = s;
  return false;
}

std::optional<ExitStatus> ChildProcess::wait(Millis timeout) {
  auto deadline = Clock::now() + timeout;
  while (running()) {
    if (Clock::now() >= deadline) return std::nullopt;
    // Drain output while waiting so the child cannot block on a full pipe.
    if (!io_.pump(10ms)) std::this_thread::sleep_for(1ms);
  }
  io_.pump(0ms);  // whatever was written just before exiting
  return status_;
}

void ChildProcess::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

Finished runToCompletion(std::vector<std::string> argv, Millis timeout) {
  auto child = ChildProcess::start(std::move(argv));
  child.io().closeWrite();
  auto status = child.wait(timeout);
  if (!status) throw std::runtime_error("command did not finish in time; stderr: " + child.err());
  // Collect output written right before exit that the last pump missed.
  child.io().waitUntil([] { return false; }, 200ms);
  return {*status, child.out(), child.err()};
}

// ---- sockets ----

namespace {

FdStream connectSocket(int domain, const sockaddr* addr, socklen_t len, Millis timeout) {
  UniqueFd fd(::socket(domain, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) fail("socket");
  if (::connect(fd.get(), addr, len) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) fail("connect");
    pollfd p{fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
      throw std::runtime_error("connect timed out");
    int soErr = 0;
    socklen_t l = sizeof soErr;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &soErr, &l);
    if (soErr != 0) {
      errno = soErr;
      fail("connect");
    }
  }
  UniqueFd dup(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0));
  if (!dup) fail("dup");
  return FdStream(std::move(fd), std::move(dup));
}

}  // namespace

FdStream connectTcp(const std::string& host, int port, Millis timeout) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &sa.sin_addr) != 1)
    throw std::runtime_error("bad IPv4 address " + host);
  return connectSocket(AF_INET, reinterpret_cast<sockaddr*>(&sa), sizeof sa, timeout);
}

FdStream connectUnix(const std::string& path, Millis timeout) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path) throw std::runtime_error("socket path too long: " + path);
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  return connectSocket(AF_UNIX, reinterpret_cast<sockaddr*>(&sa), sizeof sa, timeout);
}

std::vector<std::string> sanitizerEnvironment() {
  std::vector<std::string> out;
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"})
    if (const char* value = std::getenv(name)) out.push_back(std::string(name) + "=" + value);
  return out;
}

}  // namespace sb::e2e
