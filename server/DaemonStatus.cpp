#include "DaemonStatus.h"

#include <sys/stat.h>

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "StatusReport.h"
#include "WorkspaceRegistry.h"
#include "analysis/Sqlite.h"

namespace sb {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// When the kernel started the process (clock ticks since boot, field 22 of
// /proc/PID/stat): with the pid it names one process, whatever pid reuse
// does later. 0 where there is no /proc.
std::int64_t processStartTicks(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  auto close = line.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos || close + 2 > line.size()) return 0;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22; ++i)
    if (!(fields >> field)) return 0;
  try {
    return std::stoll(field);
  } catch (const std::exception&) {
    return 0;
  }
}

bool stillRunning(int pid, std::int64_t startTicks) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  return startTicks == 0 || processStartTicks(pid) == startTicks;
}

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS daemons("
    " pid INTEGER PRIMARY KEY, start_ticks INTEGER NOT NULL, command TEXT NOT NULL,"
    " started_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, state TEXT NOT NULL)";

std::unique_ptr<sql::Database> openDatabase(const std::string& path) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  auto db = std::make_unique<sql::Database>(path, false);
  db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  db->exec(kSchema);
  return db;
}

}  // namespace

std::string daemonStatusPath() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".local" / "state";
  return (base / "switchboard" / "daemons.sqlite").string();
}

struct StatusPublisher::Impl {
  std::string path, command;
  WorkspaceRegistry* registry = nullptr;
  std::chrono::milliseconds interval{2000};
  int pid = static_cast<int>(::getpid());
  std::int64_t startTicks = processStartTicks(pid), startedMs = nowMs();

  std::mutex mu;  // guards routers and stopping
  std::condition_variable wake;
  bool stopping = false;
  std::vector<std::weak_ptr<agents::LlmRouter>> routers;

  // The publishing thread's own.
  std::unique_ptr<sql::Database> db;
  struct stat opened {};  // the file `db` has open, to notice it deleted or replaced
  std::string written, lastProblem;

  // The file at `path` is no longer the one open (someone deleted or
  // replaced it): writes would go nowhere `switchboard status` looks.
  bool fileReplaced() const {
    struct stat now {};
    return ::stat(path.c_str(), &now) != 0 || now.st_ino != opened.st_ino ||
           now.st_dev != opened.st_dev;
  }
  std::thread thread;

  json snapshot() {
    std::vector<std::shared_ptr<agents::LlmRouter>> live;
    {
      std::lock_guard lock(mu);
      std::erase_if(routers, [](auto& w) { return w.expired(); });
      for (auto& w : routers)
        if (auto r = w.lock()) live.push_back(std::move(r));
    }
    json backends = json::array();
    for (auto& r : live)  // status() waits for the router's thread: not under mu
      for (auto& b : r->status()) mergeBackend(backends, backendJson(b));
    json workspaces = json::array();
    if (registry)
      for (auto& [root, busy] : registry->activity())
        workspaces.push_back({{"root", root}, {"indexing", busy}});
    return {{"backends", std::move(backends)}, {"workspaces", std::move(workspaces)}};
  }

  void publish() {
    if (db && fileReplaced()) {
      db.reset();
      written.clear();  // the new file has no row for us yet
    }
    std::string state = snapshot().dump();
    if (state == written) return;  // an idle daemon writes nothing
    if (!db) {
      db = openDatabase(path);
      if (::stat(path.c_str(), &opened) != 0) opened = {};
    }
    db->prepare(
          "INSERT OR REPLACE INTO daemons(pid, start_ticks, command, started_ms, updated_ms, state)"
          " VALUES(?, ?, ?, ?, ?, ?)")
        .bind(1, pid)
        .bind(2, startTicks)
        .bind(3, command)
        .bind(4, startedMs)
        .bind(5, nowMs())
        .bind(6, state)
        .step();
    written = std::move(state);
  }

  void run() {
    std::unique_lock lock(mu);
    while (!stopping) {
      lock.unlock();
      try {
        publish();
        lastProblem.clear();
      } catch (const std::exception& e) {
        if (lastProblem != e.what())  // once per problem, not every two seconds
          spdlog::warn("status for `switchboard status` not published to {}: {}", path, e.what());
        lastProblem = e.what();
        db.reset();  // reopened next time
      }
      lock.lock();
      wake.wait_for(lock, interval, [this] { return stopping; });
    }
  }
};

StatusPublisher::StatusPublisher(std::string path, std::string command, WorkspaceRegistry* registry,
                                 std::chrono::milliseconds interval)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  impl_->command = std::move(command);
  impl_->registry = registry;
  impl_->interval = interval;
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

StatusPublisher::~StatusPublisher() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->thread.join();
  try {
    if (impl_->db)
      impl_->db->prepare("DELETE FROM daemons WHERE pid = ?").bind(1, impl_->pid).step();
  } catch (const std::exception& e) {
    spdlog::debug("status row of pid {} not removed: {}", impl_->pid, e.what());
  }
}

void StatusPublisher::track(const std::shared_ptr<agents::LlmRouter>& router) {
  if (!router) return;
  std::lock_guard lock(impl_->mu);
  for (auto& w : impl_->routers)
    if (w.lock() == router) return;
  impl_->routers.push_back(router);
  impl_->wake.notify_all();  // a new router: publish its backends now
}

std::vector<DaemonSnapshot> readLiveDaemons(const std::string& path) {
  std::vector<DaemonSnapshot> out;
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  try {
    auto db = openDatabase(path);
    std::vector<int> dead;
    {
      auto rows = db->prepare(
          "SELECT pid, start_ticks, command, started_ms, updated_ms, state FROM daemons ORDER BY "
          "pid");
      while (rows.step()) {
        int pid = static_cast<int>(rows.integer(0));
        if (!stillRunning(pid, rows.integer(1))) {
          dead.push_back(pid);
          continue;
        }
        DaemonSnapshot d;
        d.pid = pid;
        d.command = rows.text(2);
        d.startedMs = rows.integer(3);
        d.updatedMs = rows.integer(4);
        d.state = json::parse(rows.text(5), nullptr, false);
        if (!d.state.is_object()) d.state = json::object();
        out.push_back(std::move(d));
      }
    }
    for (int pid : dead)  // killed without a chance to clean up
      db->prepare("DELETE FROM daemons WHERE pid = ?").bind(1, pid).step();
  } catch (const std::exception& e) {
    spdlog::warn("cannot read the daemons' status from {}: {}", path, e.what());
  }
  return out;
}

}  // namespace sb
