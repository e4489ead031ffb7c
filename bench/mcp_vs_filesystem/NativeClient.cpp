// A native MCP stdio client for bench.mjs's `--client native`: the same
// interleaved read_file and ping round trips as the Node clients, from a
// client whose own cost is a write and a read per call (the reply is checked
// after the clock stops), so the figures are the servers' and the pipe's.
// Node's JSON.parse of a 24 KB answer alone takes about as long as
// Switchboard's whole side of the call.
//
//   bench_mcp_native_client CONFIG.json  > results.json
//
// CONFIG: {"warmup": 20, "n": 1000, "order": "calls"|"blocks", "block": 50,
//          "files": [absolute paths], "workspace": DIR,
//          "servers": {NAME: {"argv": [...], "relative": bool, "tool": "read_file",
//                             "waitForIndex": bool}},
//          "pairs": [{"what": "read"|"ping", "a": NAME, "b": NAME}]}
// Output: [{"a": {"samples": [ms...], "cpu": ms per call}, "b": {...}}, ...]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class Server {
 public:
  Server(const std::vector<std::string>& argv, bool relative, std::string tool)
      : relative_(relative), tool_(std::move(tool)) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawnp(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0)
      throw std::runtime_error("cannot start " + argv[0]);
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    ::close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }
  ~Server() {
    ::close(to_);
    int status = 0;
    for (int i = 0; i < 50 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    ::close(from_);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  pid_t pid() const { return pid_; }

  // The request line for a call with a fresh id.
  std::string request(const std::string& method, const json& params) {
    return json{{"jsonrpc", "2.0"}, {"id", next_++}, {"method", method}, {"params", params}}
               .dump() +
           "\n";
  }
  // Sends a request line and reads up to the answer (one call in flight, so
  // the first line with a result or an error is it; notifications are
  // skipped): the part the clock times.
  const std::string& exchange(const std::string& request) {
    writeAll(request);
    for (;;) {
      readLine();
      if (line_.find("\"result\"") != std::string::npos ||
          line_.find("\"error\"") != std::string::npos)
        return line_;
    }
  }
  const std::string& call(const std::string& method, const json& params) {
    return exchange(request(method, params));
  }
  void notify(const std::string& method) {
    writeAll(json{{"jsonrpc", "2.0"}, {"method", method}}.dump() + "\n");
  }
  json readArgs(const std::string& root, const std::string& file) const {
    return {{"name", tool_},
            {"arguments", {{"path", relative_ ? fs::relative(file, root).string() : file}}}};
  }

 private:
  void writeAll(const std::string& s) {
    for (size_t at = 0; at < s.size();) {
      ssize_t w = ::write(to_, s.data() + at, s.size() - at);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) throw std::runtime_error("server closed its input");
      at += static_cast<size_t>(w);
    }
  }
  void readLine() {
    for (;;) {
      size_t nl = buf_.find('\n', scanned_);
      if (nl != std::string::npos) {
        line_.assign(buf_, 0, nl);
        buf_.erase(0, nl + 1);
        scanned_ = 0;
        return;
      }
      scanned_ = buf_.size();
      char chunk[1 << 16];
      ssize_t n = ::read(from_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error("server closed its output");
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  bool relative_;
  std::string tool_;
  int next_ = 1;
  std::string buf_, line_;
  size_t scanned_ = 0;
};

// CPU time (user + system) the process has used so far, in ms.
double cpuMs(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), {});
  std::istringstream rest(s.substr(s.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 0; i < 13 && rest >> field; ++i)
    if (i >= 11) ticks += std::stod(field);
  return ticks * 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string fileText(const std::string& path) {
  std::ostringstream s;
  s << std::ifstream(path, std::ios::binary).rdbuf();
  return s.str();
}

struct Op {
  Server* server;
  std::function<std::pair<std::string, json>()> next;  // method, params
  std::function<void(const std::string& reply)> check;
};

// One timed call; the reply is checked after the clock stops.
double timedCall(Op& op) {
  auto [method, params] = op.next();
  std::string request = op.server->request(method, params);
  auto t0 = Clock::now();
  const std::string& reply = op.server->exchange(request);
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  op.check(reply);
  return ms;
}

json run(Op& a, Op& b, int n, int warmup, const std::string& order, int block) {
  std::vector<double> ta, tb;
  double ca = 0, cb = 0;
  for (int i = 0; i < warmup; ++i) {
    timedCall(a);
    timedCall(b);
  }
  if (order == "blocks") {
    for (int done = 0, k = 0; done < n; ++k) {
      int m = std::min(block, n - done);
      for (int side = 0; side < 2; ++side) {
        bool first = (side == 0) == (k % 2 == 0);
        Op& op = first ? a : b;
        double c0 = cpuMs(op.server->pid());
        for (int i = 0; i < m; ++i) (first ? ta : tb).push_back(timedCall(op));
        (first ? ca : cb) += cpuMs(op.server->pid()) - c0;
      }
      done += m;
    }
  } else {
    double a0 = cpuMs(a.server->pid()), b0 = cpuMs(b.server->pid());
    for (int i = 0; i < n; ++i) {
      if (i % 2 == 0) {
        ta.push_back(timedCall(a));
        tb.push_back(timedCall(b));
      } else {
        tb.push_back(timedCall(b));
        ta.push_back(timedCall(a));
      }
    }
    ca = cpuMs(a.server->pid()) - a0;
    cb = cpuMs(b.server->pid()) - b0;
  }
  return {{"a", {{"samples", ta}, {"cpu", ca / n}}}, {"b", {{"samples", tb}, {"cpu", cb / n}}}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_mcp_native_client CONFIG.json\n";
    return 2;
  }
  try {
    json config = json::parse(std::ifstream(argv[1]));
    const std::string root = config["workspace"];
    std::vector<std::string> files = config["files"];
    std::map<std::string, std::string> texts;
    for (const auto& f : files) texts[f] = fileText(f);

    std::map<std::string, std::unique_ptr<Server>> servers;
    for (const auto& [name, s] : config["servers"].items()) {
      auto server =
          std::make_unique<Server>(s["argv"].get<std::vector<std::string>>(),
                                   s.value("relative", true), s.value("tool", "read_file"));
      server->call("initialize",
                   {{"protocolVersion", "2025-06-18"},
                    {"capabilities", json::object()},
                    {"clientInfo", {{"name", "mcpbench-native"}, {"version", "1.0.0"}}}});
      server->notify("notifications/initialized");
      server->call("tools/list", json::object());
      for (int i = 0; s.value("waitForIndex", false); ++i) {
        json st = json::parse(server->call(
            "tools/call", {{"name", "workspace_stats"}, {"arguments", json::object()}}));
        const json& sc = st["result"]["structuredContent"];
        if (!sc.value("indexing", true) && sc.value("files", 0) > 0) break;
        if (i > 6000) throw std::runtime_error(name + ": the index never became ready");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      servers[name] = std::move(server);
    }

    json results = json::array();
    for (const auto& pair : config["pairs"]) {
      std::vector<Op> ops;
      std::vector<size_t> cursor(2, 0);
      for (int side = 0; side < 2; ++side) {
        Server* server = servers.at(pair[side == 0 ? "a" : "b"]).get();
        size_t* at = &cursor[static_cast<size_t>(side)];
        if (pair["what"] == "ping") {
          ops.push_back(Op{server,
                           [] {
                             return std::pair<std::string, json>{"ping", json::object()};
                           },
                           [](const std::string& r) {
                             if (r.find("\"result\"") == std::string::npos)
                               throw std::runtime_error("ping failed: " + r.substr(0, 200));
                           }});
        } else {
          auto file = std::make_shared<std::string>();  // the one asked for last
          ops.push_back(
              Op{server,
                 [server, at, &files, &root, file] {
                   *file = files[(*at)++ % files.size()];
                   return std::pair<std::string, json>{"tools/call", server->readArgs(root, *file)};
                 },
                 [file, &texts](const std::string& r) {
                   json reply = json::parse(r);
                   const json& result = reply.at("result");
                   if (result.value("isError", false) ||
                       result["content"][0]["text"] != texts.at(*file))
                     throw std::runtime_error("wrong read_file answer for " + *file);
                 }});
        }
      }
      results.push_back(run(ops[0], ops[1], config["n"], config["warmup"], config["order"],
                            config.value("block", 50)));
    }
    std::cout << results.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_mcp_native_client: " << e.what() << "\n";
    return 1;
  }
}
