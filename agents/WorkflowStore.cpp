#include "agents/WorkflowStore.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "analysis/IndexStore.h"
#include "analysis/Sqlite.h"

namespace sb::agents {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int kSchemaVersion = 1;
constexpr std::int64_t kHeartbeatStaleMs = 10000;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string newId() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "wf-%08x", static_cast<unsigned>(rd()));
  return buf;
}

json toolCallsJson(const std::vector<ToolCall>& calls) {
  json out = json::array();
  for (auto& c : calls) out.push_back({{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}});
  return out;
}

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS workflows(
  id TEXT PRIMARY KEY, template TEXT NOT NULL, task TEXT NOT NULL, state TEXT NOT NULL, error TEXT,
  apply_mode TEXT NOT NULL, created_ms INTEGER, updated_ms INTEGER, heartbeat_ms INTEGER, owner_pid INTEGER,
  cancel_requested INTEGER DEFAULT 0, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS steps(
  workflow_id TEXT NOT NULL, step_id TEXT NOT NULL, ord INTEGER, role TEXT, task TEXT, depends_on TEXT,
  state TEXT NOT NULL, output TEXT, error TEXT, attempts INTEGER DEFAULT 0, started_ms INTEGER, finished_ms INTEGER,
  prompt_tokens INTEGER DEFAULT 0, completion_tokens INTEGER DEFAULT 0, turns INTEGER DEFAULT 0, backend TEXT,
  model TEXT, PRIMARY KEY(workflow_id, step_id));
CREATE TABLE IF NOT EXISTS messages(
  id INTEGER PRIMARY KEY, workflow_id TEXT NOT NULL, step_id TEXT NOT NULL, attempt INTEGER, role TEXT,
  content TEXT, tool_calls TEXT, tool_call_id TEXT, tool_name TEXT, is_error INTEGER, created_ms INTEGER);
CREATE INDEX IF NOT EXISTS messages_by_step ON messages(workflow_id, step_id);
CREATE TABLE IF NOT EXISTS tool_calls(
  id INTEGER PRIMARY KEY, workflow_id TEXT NOT NULL, step_id TEXT NOT NULL, name TEXT, arguments TEXT,
  output TEXT, is_error INTEGER, ms INTEGER, created_ms INTEGER);
CREATE INDEX IF NOT EXISTS tool_calls_by_workflow ON tool_calls(workflow_id);
CREATE TABLE IF NOT EXISTS edits(
  id INTEGER PRIMARY KEY, workflow_id TEXT NOT NULL, step_id TEXT NOT NULL, path TEXT, kind TEXT, content TEXT,
  state TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS edits_by_workflow ON edits(workflow_id);
CREATE TABLE IF NOT EXISTS reads(
  workflow_id TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY(workflow_id, path));
)sql";

const char* roleName(Message::Role r) {
  switch (r) {
    case Message::Role::User:
      return "user";
    case Message::Role::Assistant:
      return "assistant";
    case Message::Role::Tool:
      return "tool";
  }
  return "user";
}

}  // namespace

json WorkflowRecord::toJson(bool withOutputs) const {
  json steps_ = json::array();
  for (auto& s : steps) {
    json j{{"id", s.id},
           {"role", s.role},
           {"state", s.state},
           {"dependsOn", s.dependsOn},
           {"attempts", s.attempts},
           {"promptTokens", s.promptTokens},
           {"completionTokens", s.completionTokens},
           {"turns", s.turns}};
    if (s.startedMs) j["startedMs"] = s.startedMs;
    if (s.finishedMs) j["finishedMs"] = s.finishedMs;
    if (!s.error.empty()) j["error"] = s.error;
    if (!s.backend.empty()) j["backend"] = s.backend;
    if (withOutputs && !s.output.empty()) j["output"] = s.output;
    steps_.push_back(std::move(j));
  }
  json edits_ = json::array();
  for (auto& e : edits) {
    json j{
        {"id", e.id}, {"step", e.stepId}, {"path", e.path}, {"kind", e.kind}, {"state", e.state}};
    if (!e.reason.empty()) j["reason"] = e.reason;
    if (withOutputs) j["content"] = e.content;
    edits_.push_back(std::move(j));
  }
  json j{{"id", id},
         {"template", templateName},
         {"task", task},
         {"state", state},
         {"applyMode", applyMode},
         {"createdMs", createdMs},
         {"updatedMs", updatedMs},
         {"steps", std::move(steps_)},
         {"edits", std::move(edits_)}};
  if (!error.empty()) j["error"] = error;
  return j;
}

WorkflowStore::WorkflowStore(const std::string& path) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  db_ = std::make_unique<sql::Database>(path, false);
  db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  db_->exec(kSchema);
  auto get = db_->prepare("SELECT value FROM meta WHERE key='schema'");
  if (get.step()) {
    if (std::atoi(get.text(0).c_str()) > kSchemaVersion)
      throw std::runtime_error(path + " was written by a newer switchboard (schema " + get.text(0) +
                               ")");
  } else {
    db_->prepare("INSERT INTO meta(key, value) VALUES('schema', ?)")
        .bind(1, std::to_string(kSchemaVersion))
        .step();
  }
}

WorkflowStore::~WorkflowStore() = default;

std::string WorkflowStore::defaultPath(const std::string& root) {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".local" / "state";
  std::string name = fs::path(root).filename().string();
  if (name.empty()) name = "root";
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(contentHash(root)));
  return (base / "switchboard" / "workflows" / (name + "-" + hash + ".sqlite")).string();
}

std::string WorkflowStore::create(const WorkflowTemplate& t, const std::string& task,
                                  const std::string& applyMode) {
  std::lock_guard lock(mu_);
  sql::Transaction tx(*db_);
  std::string id = newId();
  std::int64_t now = nowMs();
  db_->prepare(
         "INSERT INTO workflows(id, template, task, state, apply_mode, created_ms, updated_ms, "
         "heartbeat_ms, owner_pid,"
         " definition) VALUES(?, ?, ?, 'pending', ?, ?, ?, 0, 0, ?)")
      .bind(1, id)
      .bind(2, t.name)
      .bind(3, task)
      .bind(4, applyMode)
      .bind(5, now)
      .bind(6, now)
      .bind(7, t.toJson().dump())
      .step();
  auto ins = db_->prepare(
      "INSERT INTO steps(workflow_id, step_id, ord, role, task, depends_on, state) VALUES(?, ?, ?, "
      "?, ?, ?, 'pending')");
  int ord = 0;
  for (auto& s : t.steps) {
    ins.reset();
    ins.bind(1, id)
        .bind(2, s.id)
        .bind(3, ord++)
        .bind(4, s.role)
        .bind(5, t.renderTask(s, task))
        .bind(6, json(s.dependsOn).dump())
        .step();
  }
  tx.commit();
  return id;
}

std::optional<WorkflowRecord> WorkflowStore::load(const std::string& id) {
  std::lock_guard lock(mu_);
  auto q = db_->prepare(
      "SELECT id, template, task, state, error, apply_mode, created_ms, updated_ms, heartbeat_ms, "
      "owner_pid,"
      " cancel_requested, definition FROM workflows WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  WorkflowRecord w;
  w.id = q.text(0);
  w.templateName = q.text(1);
  w.task = q.text(2);
  w.state = q.text(3);
  w.error = q.text(4);
  w.applyMode = q.text(5);
  w.createdMs = q.integer(6);
  w.updatedMs = q.integer(7);
  w.heartbeatMs = q.integer(8);
  w.ownerPid = static_cast<int>(q.integer(9));
  w.cancelRequested = q.integer(10) != 0;
  w.definition = WorkflowTemplate::fromJson(json::parse(q.text(11)));
  auto s = db_->prepare(
      "SELECT step_id, role, task, depends_on, state, output, error, attempts, started_ms, "
      "finished_ms, prompt_tokens,"
      " completion_tokens, turns, backend, model FROM steps WHERE workflow_id = ? ORDER BY ord");
  s.bind(1, id);
  while (s.step()) {
    StepRecord r;
    r.id = s.text(0);
    r.role = s.text(1);
    r.task = s.text(2);
    r.dependsOn = json::parse(s.text(3)).get<std::vector<std::string>>();
    r.state = s.text(4);
    r.output = s.text(5);
    r.error = s.text(6);
    r.attempts = static_cast<int>(s.integer(7));
    r.startedMs = s.integer(8);
    r.finishedMs = s.integer(9);
    r.promptTokens = static_cast<int>(s.integer(10));
    r.completionTokens = static_cast<int>(s.integer(11));
    r.turns = static_cast<int>(s.integer(12));
    r.backend = s.text(13);
    r.model = s.text(14);
    w.steps.push_back(std::move(r));
  }
  auto e = db_->prepare(
      "SELECT id, step_id, path, kind, content, state, reason FROM edits WHERE workflow_id = ? "
      "ORDER BY id");
  e.bind(1, id);
  while (e.step())
    w.edits.push_back(
        EditRecord{e.integer(0), e.text(1), e.text(2), e.text(3), e.text(4), e.text(5), e.text(6)});
  return w;
}

std::vector<WorkflowRecord> WorkflowStore::list(int limit) {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    auto q = db_->prepare("SELECT id FROM workflows ORDER BY created_ms DESC, rowid DESC LIMIT ?");
    q.bind(1, limit);
    while (q.step()) ids.push_back(q.text(0));
  }
  std::vector<WorkflowRecord> out;
  for (auto& id : ids)
    if (auto w = load(id)) {
      w->edits.clear();
      out.push_back(std::move(*w));
    }
  return out;
}

std::vector<ToolCallRecord> WorkflowStore::toolCalls(const std::string& id) {
  std::lock_guard lock(mu_);
  std::vector<ToolCallRecord> out;
  auto q = db_->prepare(
      "SELECT step_id, name, arguments, output, is_error, ms FROM tool_calls WHERE workflow_id = ? "
      "ORDER BY id");
  q.bind(1, id);
  while (q.step())
    out.push_back(ToolCallRecord{q.text(0), q.text(1), json::parse(q.text(2), nullptr, false),
                                 q.text(3), q.integer(4) != 0, q.integer(5)});
  return out;
}

std::vector<Message> WorkflowStore::messages(const std::string& id, const std::string& stepId) {
  std::lock_guard lock(mu_);
  std::vector<Message> out;
  auto q = db_->prepare(
      "SELECT role, content, tool_calls, tool_call_id, tool_name, is_error FROM messages WHERE "
      "workflow_id = ? AND"
      " step_id = ? AND attempt = (SELECT attempts FROM steps WHERE workflow_id = ? AND step_id = "
      "?) ORDER BY id");
  q.bind(1, id).bind(2, stepId).bind(3, id).bind(4, stepId);
  while (q.step()) {
    Message m;
    std::string role = q.text(0);
    m.role = role == "assistant" ? Message::Role::Assistant
             : role == "tool"    ? Message::Role::Tool
                                 : Message::Role::User;
    m.content = q.text(1);
    json calls = json::parse(q.text(2), nullptr, false);
    if (calls.is_array())
      for (auto& c : calls)
        m.toolCalls.push_back(ToolCall{c.value("id", ""), c.value("name", ""), c["arguments"]});
    m.toolCallId = q.text(3);
    m.toolName = q.text(4);
    m.isError = q.integer(5) != 0;
    out.push_back(std::move(m));
  }
  return out;
}

void WorkflowStore::setState(const std::string& id, const std::string& state,
                             const std::string& error) {
  std::lock_guard lock(mu_);
  db_->prepare("UPDATE workflows SET state = ?, error = ?, updated_ms = ? WHERE id = ?")
      .bind(1, state)
      .bind(2, error)
      .bind(3, nowMs())
      .bind(4, id)
      .step();
}

void WorkflowStore::claim(const std::string& id, int pid) {
  std::lock_guard lock(mu_);
  std::int64_t now = nowMs();
  db_->prepare(
         "UPDATE workflows SET owner_pid = ?, heartbeat_ms = ?, cancel_requested = 0, updated_ms = "
         "? WHERE id = ?")
      .bind(1, pid)
      .bind(2, now)
      .bind(3, now)
      .bind(4, id)
      .step();
}

void WorkflowStore::heartbeat(const std::string& id) {
  std::lock_guard lock(mu_);
  db_->prepare("UPDATE workflows SET heartbeat_ms = ? WHERE id = ?")
      .bind(1, nowMs())
      .bind(2, id)
      .step();
}

void WorkflowStore::requestCancel(const std::string& id) {
  std::lock_guard lock(mu_);
  db_->prepare("UPDATE workflows SET cancel_requested = 1 WHERE id = ?").bind(1, id).step();
}

bool WorkflowStore::cancelRequested(const std::string& id) {
  std::lock_guard lock(mu_);
  auto q = db_->prepare("SELECT cancel_requested FROM workflows WHERE id = ?");
  q.bind(1, id);
  return q.step() && q.integer(0) != 0;
}

void WorkflowStore::stepStarted(const std::string& id, const std::string& step) {
  std::lock_guard lock(mu_);
  db_->prepare(
         "UPDATE steps SET state = 'running', attempts = attempts + 1, started_ms = ?, error = "
         "NULL WHERE"
         " workflow_id = ? AND step_id = ?")
      .bind(1, nowMs())
      .bind(2, id)
      .bind(3, step)
      .step();
}

void WorkflowStore::stepFinished(const std::string& id, const StepRecord& s) {
  std::lock_guard lock(mu_);
  db_->prepare(
         "UPDATE steps SET state = ?, output = ?, error = ?, finished_ms = ?, prompt_tokens = ?,"
         " completion_tokens = ?, turns = ?, backend = ?, model = ? WHERE workflow_id = ? AND "
         "step_id = ?")
      .bind(1, s.state)
      .bind(2, s.output)
      .bind(3, s.error)
      .bind(4, nowMs())
      .bind(5, s.promptTokens)
      .bind(6, s.completionTokens)
      .bind(7, s.turns)
      .bind(8, s.backend)
      .bind(9, s.model)
      .bind(10, id)
      .bind(11, s.id)
      .step();
}

void WorkflowStore::resetUnfinishedSteps(const std::string& id) {
  std::lock_guard lock(mu_);
  db_->prepare(
         "UPDATE steps SET state = 'pending', error = NULL WHERE workflow_id = ? AND state != "
         "'completed'")
      .bind(1, id)
      .step();
}

void WorkflowStore::addMessage(const std::string& id, const std::string& step, const Message& m) {
  std::lock_guard lock(mu_);
  db_->prepare(
         "INSERT INTO messages(workflow_id, step_id, attempt, role, content, tool_calls, "
         "tool_call_id, tool_name,"
         " is_error, created_ms) VALUES(?, ?, (SELECT attempts FROM steps WHERE workflow_id = ? "
         "AND step_id = ?),"
         " ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, step)
      .bind(3, id)
      .bind(4, step)
      .bind(5, roleName(m.role))
      .bind(6, m.content)
      .bind(7, toolCallsJson(m.toolCalls).dump())
      .bind(8, m.toolCallId)
      .bind(9, m.toolName)
      .bind(10, m.isError ? 1 : 0)
      .bind(11, nowMs())
      .step();
}

void WorkflowStore::addToolCall(const std::string& id, const ToolCallRecord& c) {
  std::lock_guard lock(mu_);
  db_->prepare(
         "INSERT INTO tool_calls(workflow_id, step_id, name, arguments, output, is_error, ms, "
         "created_ms)"
         " VALUES(?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, c.stepId)
      .bind(3, c.name)
      .bind(4, c.arguments.dump())
      .bind(5, c.output)
      .bind(6, c.isError ? 1 : 0)
      .bind(7, c.ms)
      .bind(8, nowMs())
      .step();
}

std::int64_t WorkflowStore::addEdit(const std::string& id, const EditRecord& e) {
  std::lock_guard lock(mu_);
  db_->prepare(
         "INSERT INTO edits(workflow_id, step_id, path, kind, content, state, reason) VALUES(?, ?, "
         "?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, e.stepId)
      .bind(3, e.path)
      .bind(4, e.kind)
      .bind(5, e.content)
      .bind(6, e.state)
      .bind(7, e.reason)
      .step();
  return db_->lastInsertId();
}

void WorkflowStore::setEditState(std::int64_t editId, const std::string& state,
                                 const std::string& reason) {
  std::lock_guard lock(mu_);
  db_->prepare("UPDATE edits SET state = ?, reason = ? WHERE id = ?")
      .bind(1, state)
      .bind(2, reason)
      .bind(3, editId)
      .step();
}

void WorkflowStore::recordRead(const std::string& id, const std::string& path,
                               const std::string& hash) {
  std::lock_guard lock(mu_);
  db_->prepare(
         "INSERT INTO reads(workflow_id, path, hash) VALUES(?, ?, ?)"
         " ON CONFLICT(workflow_id, path) DO UPDATE SET hash = excluded.hash")
      .bind(1, id)
      .bind(2, path)
      .bind(3, hash)
      .step();
}

std::map<std::string, std::string> WorkflowStore::reads(const std::string& id) {
  std::lock_guard lock(mu_);
  std::map<std::string, std::string> out;
  auto q = db_->prepare("SELECT path, hash FROM reads WHERE workflow_id = ?");
  q.bind(1, id);
  while (q.step()) out[q.text(0)] = q.text(1);
  return out;
}

int WorkflowStore::markInterrupted() {
  std::lock_guard lock(mu_);
  std::vector<std::string> dead;
  auto q =
      db_->prepare("SELECT id, owner_pid, heartbeat_ms FROM workflows WHERE state = 'running'");
  std::int64_t now = nowMs();
  while (q.step()) {
    int pid = static_cast<int>(q.integer(1));
    bool alive = pid > 0 && (pid == getpid() || ::kill(pid, 0) == 0) &&
                 now - q.integer(2) < kHeartbeatStaleMs;
    if (!alive) dead.push_back(q.text(0));
  }
  for (auto& id : dead) {
    db_->prepare("UPDATE workflows SET state = 'interrupted', updated_ms = ? WHERE id = ?")
        .bind(1, now)
        .bind(2, id)
        .step();
    db_->prepare("UPDATE steps SET state = 'pending' WHERE workflow_id = ? AND state = 'running'")
        .bind(1, id)
        .step();
  }
  return static_cast<int>(dead.size());
}

}  // namespace sb::agents
