#include "WorkflowCommands.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>

namespace sb {

using nlohmann::json;

namespace {

// Ctrl-C during `workflow run` cancels the workflow instead of killing the
// process, so the store records it as cancelled. A signal handler can only
// set a flag.
std::atomic<bool> gInterrupted{
    false};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables): signal handler flag
extern "C" void onInterrupt(int) {
  gInterrupted = true;
}

std::string duration(std::int64_t ms) {
  if (ms <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  return buf;
}

void printWorkflow(const agents::WorkflowRecord& w, std::ostream& out, bool outputs) {
  out << w.id << "  " << w.state << "  " << w.templateName << "  (edits: " << w.applyMode << ")\n";
  out << "task: " << w.task << "\n";
  if (!w.error.empty()) out << "error: " << w.error << "\n";
  for (auto& s : w.steps) {
    out << "  " << s.id << " [" << s.role << "] " << s.state;
    if (s.finishedMs && s.startedMs) out << " in " << duration(s.finishedMs - s.startedMs);
    if (s.promptTokens + s.completionTokens > 0)
      out << ", " << s.promptTokens << "+" << s.completionTokens << " tokens, " << s.turns
          << " turns";
    if (s.attempts > 1) out << ", " << s.attempts << " attempts";
    out << "\n";
    if (!s.error.empty()) out << "    error: " << s.error << "\n";
    if (outputs && !s.output.empty()) {
      std::string text = s.output;
      for (std::size_t p = 0; (p = text.find('\n', p)) != std::string::npos; p += 5)
        text.replace(p, 1, "\n    ");
      out << "    " << text << "\n";
    }
  }
  for (auto& e : w.edits)
    out << "  edit " << e.path << " (" << e.kind << ", from " << e.stepId << "): " << e.state
        << (e.reason.empty() ? "" : ": " + e.reason) << "\n";
}

// Starts (or resumes) a workflow with begin(), which returns its id, and
// follows it until it ends: one line per step event. On a terminal each line
// starts with the steps done so far, [n/total], and tool calls show on a line
// that is rewritten. Subscribed before begin() so that no event is missed:
// the count starts from the Started event's.
int follow(agents::WorkflowRunner& runner, const std::function<std::string()>& begin,
           std::ostream& err, bool json, std::ostream& out) {
  using K = agents::WorkflowEvent::Kind;
  struct Progress {
    std::mutex mu;  // events come from several step threads
    std::string id;
    std::vector<agents::WorkflowEvent> early;  // before begin() returned the id
    int done = 0, total = 0;
  };
  auto progress = std::make_shared<Progress>();
  bool tty = ::isatty(STDERR_FILENO) != 0;
  auto show = [&err, tty, progress](const agents::WorkflowEvent& e) {  // under progress->mu
    if (e.workflowId != progress->id) return;
    if (e.kind == K::StepFinished) ++progress->done;
    if (e.kind == K::Started || e.kind == K::Finished)
      progress->done = std::max(progress->done, e.stepsDone);
    if (e.stepsTotal > 0) progress->total = e.stepsTotal;
    if (!tty) {
      if (e.kind != K::ToolCalled) err << e.message << "\n" << std::flush;
      return;
    }
    std::string counter = "[" + std::to_string(std::min(progress->done, progress->total)) + "/" +
                          std::to_string(progress->total) + "] ";
    if (e.kind == K::ToolCalled)
      err << "\r\033[K" << counter << "  " << e.message << std::flush;
    else
      err << "\r\033[K" << counter << e.message << "\n" << std::flush;
  };
  int token = runner.subscribe([progress, show](const agents::WorkflowEvent& e) {
    std::lock_guard lock(progress->mu);
    if (progress->id.empty())
      progress->early.push_back(e);
    else
      show(e);
  });
  std::string id;
  try {
    id = begin();
  } catch (...) {
    runner.unsubscribe(token);
    throw;
  }
  {
    std::lock_guard lock(progress->mu);
    progress->id = id;
    for (auto& e : progress->early) show(e);
    progress->early.clear();
  }
  gInterrupted = false;
  auto previous = std::signal(SIGINT, onInterrupt);
  bool cancelling = false;
  while (!runner.wait(id, std::chrono::milliseconds(200)))
    if (gInterrupted && !cancelling) {
      cancelling = true;
      err << "\ncancelling " << id << "...\n";
      runner.cancel(id);
    }
  std::signal(SIGINT, previous);
  runner.unsubscribe(token);
  auto w = runner.store().load(id);
  if (json)
    out << w->toJson().dump(2) << "\n";
  else
    printWorkflow(*w, out, true);
  return w->state == "completed" ? 0 : 1;
}

std::shared_ptr<agents::RoleSet> rolesFrom(const agents::Settings& settings) {
  auto roles = std::make_shared<agents::RoleSet>();
  roles->configure(settings.agents);
  return roles;
}

}  // namespace

int runWorkflowCommand(const CommandLine& cl, WorkflowCliContext& ctx, std::ostream& out,
                       std::ostream& err) {
  const char* usage =
      "usage: switchboard workflow run TEMPLATE --task TEXT [--apply] [--json]\n"
      "       switchboard workflow list|templates [--json]\n"
      "       switchboard workflow show|resume|cancel ID [--apply] [--json]\n";
  if (cl.args.empty()) {
    err << usage;
    return 2;
  }
  const std::string& sub = cl.args[0];
  bool asJson = cl.has("--json");
  try {
    if (sub == "templates") {
      std::vector<std::string> problems;
      auto all = agents::loadWorkflowTemplates(agents::workflowTemplateDirs(ctx.root), &problems);
      for (auto& p : problems) err << "skipped " << p << "\n";
      json list = json::array();
      for (auto& t : all) list.push_back(t.toJson());
      if (asJson)
        out << list.dump(2) << "\n";
      else
        for (auto& t : all) {
          out << t.name << ": " << t.description << "\n   ";
          for (auto& s : t.steps) {
            out << " " << s.id << "(" << s.role;
            if (!s.dependsOn.empty()) {
              out << " after ";
              for (std::size_t i = 0; i < s.dependsOn.size(); ++i)
                out << (i ? "," : "") << s.dependsOn[i];
            }
            out << ")";
          }
          out << "\n";
        }
      return 0;
    }
    auto runner = ctx.hub.runner(ctx.root);
    if (sub == "list") {
      auto all = runner->store().list(50);
      if (asJson) {
        json list = json::array();
        for (auto& w : all) list.push_back(w.toJson(false));
        out << list.dump(2) << "\n";
      } else if (all.empty()) {
        out << "no workflows in " << ctx.root << "\n";
      } else {
        for (auto& w : all) {
          int done = 0;
          for (auto& s : w.steps) done += s.state == "completed";
          out << w.id << "  " << w.state << "  " << w.templateName << "  " << done << "/"
              << w.steps.size() << " steps  " << w.task.substr(0, 60) << "\n";
        }
      }
      return 0;
    }
    agents::WorkflowRunner::Models models{ctx.router, rolesFrom(ctx.settings)};
    if (sub == "run") {
      if (cl.args.size() != 2 || !cl.has("--task") || cl.get("--task").empty()) {
        err << usage;
        return 2;
      }
      std::vector<std::string> problems;
      auto all = agents::loadWorkflowTemplates(agents::workflowTemplateDirs(ctx.root), &problems);
      auto t = std::find_if(all.begin(), all.end(), [&](auto& x) { return x.name == cl.args[1]; });
      if (t == all.end()) {
        err << "switchboard workflow: no template named '" << cl.args[1]
            << "' (see `switchboard workflow templates`)\n";
        return 2;
      }
      auto mode = cl.has("--apply") ? agents::ApplyMode::Write : agents::ApplyMode::None;
      auto begin = [&] {
        std::string id = runner->start(*t, cl.get("--task"), mode, {}, models);
        err << "workflow " << id << " started"
            << (mode == agents::ApplyMode::None ? " (edits are proposed only; --apply writes them)"
                                                : "")
            << "\n";
        return id;
      };
      return follow(*runner, begin, err, asJson, out);
    }
    if (cl.args.size() != 2) {
      err << usage;
      return 2;
    }
    const std::string& id = cl.args[1];
    if (sub == "show") {
      auto w = runner->store().load(id);
      if (!w) {
        err << "switchboard workflow: no workflow " << id << "\n";
        return 1;
      }
      if (asJson) {
        json j = w->toJson();
        json calls = json::array();
        for (auto& c : runner->store().toolCalls(id))
          calls.push_back({{"step", c.stepId},
                           {"name", c.name},
                           {"arguments", c.arguments},
                           {"output", c.output},
                           {"isError", c.isError},
                           {"ms", c.ms}});
        j["toolCalls"] = calls;
        out << j.dump(2) << "\n";
      } else {
        printWorkflow(*w, out, true);
      }
      return 0;
    }
    if (sub == "resume") {
      auto begin = [&] {
        runner->resume(id, {}, models);
        err << "workflow " << id << " resumed\n";
        return id;
      };
      return follow(*runner, begin, err, asJson, out);
    }
    if (sub == "cancel") {
      if (!runner->cancel(id)) {
        err << "switchboard workflow: " << id << " is not running\n";
        return 1;
      }
      out << "cancel requested for " << id << "\n";
      return 0;
    }
  } catch (const std::invalid_argument& e) {
    err << "switchboard workflow: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    err << "switchboard workflow: " << e.what() << "\n";
    return 1;
  }
  err << usage;
  return 2;
}

}  // namespace sb
