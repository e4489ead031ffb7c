#include "LspPipe.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "protocol/JsonWriter.h"

namespace sb::bench {

LspPipe::LspPipe(const std::string& binary, const std::vector<std::string>& extraArgs) {
  std::vector<std::string> args = {binary, "lsp", "--log-level", "off"};
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[1]);
    close(out[0]);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  to_ = in[1];
  from_ = out[0];
}

LspPipe::~LspPipe() {
  close(to_);
  close(from_);
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

void LspPipe::send(const json& message) {
  std::string frame = ContentLengthEncoder().encode(jsonText(message));
  for (size_t off = 0; off < frame.size();) {
    ssize_t n = write(to_, frame.data() + off, frame.size() - off);
    if (n <= 0) throw std::runtime_error("writing to the daemon failed");
    off += static_cast<size_t>(n);
  }
}

int LspPipe::request(const std::string& method, json params) {
  int id = next_++;
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  return id;
}

void LspPipe::notify(const std::string& method, json params) {
  send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

json LspPipe::waitFor(int id, int timeoutMs) {
  for (;;) {
    if (auto it = inbox_.find(id); it != inbox_.end()) {
      json m = std::move(it->second);
      inbox_.erase(it);
      return m;
    }
    pollfd p{from_, POLLIN, 0};
    if (poll(&p, 1, timeoutMs) <= 0) throw std::runtime_error("the daemon did not answer in time");
    char buf[65536];
    ssize_t n = read(from_, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("the daemon closed its stdout");
    decoder_.feed(
        std::string_view(buf, static_cast<size_t>(n)),
        FrameSink{
            [this](std::string body) {
              json m = json::parse(body);
              if (m.contains("id") && m["id"].is_number_integer() && !m.contains("method")) {
                int key = m["id"].get<int>();  // before m is moved from
                inbox_[key] = std::move(m);
              }
            },
            [](std::string e) { throw std::runtime_error("bad frame from the daemon: " + e); }});
  }
}

long LspPipe::rssKb() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

}  // namespace sb::bench
