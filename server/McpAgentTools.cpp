#include "McpAgentTools.h"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>

#include "McpCodeTools.h"
#include "protocol/Uri.h"

namespace sb {

namespace {

json schema(json properties, std::vector<std::string> required = {}) {
  json s = {
      {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

std::string readHead(const std::string& path, std::size_t max) {
  std::ifstream in(path, std::ios::binary);
  std::string text(max, '\0');
  in.read(text.data(), static_cast<std::streamsize>(max));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// Runs one request on the router, waiting; cancelling the tool call aborts it.
agents::LlmOutcome ask(agents::LlmRouter& router, agents::LlmRequest req,
                       const McpToolContext& ctx) {
  auto promise = std::make_shared<std::promise<agents::LlmOutcome>>();
  auto future = promise->get_future();
  auto streamed = std::make_shared<std::size_t>(0);
  router.complete(
      std::move(req),
      [progress = ctx.progress, streamed](std::string_view delta) {
        *streamed += delta.size();
        if (progress) progress(static_cast<double>(*streamed), std::nullopt, std::string(delta));
      },
      [promise](agents::LlmOutcome o) { promise->set_value(std::move(o)); }, ctx.cancel);
  return future.get();
}

struct Shared {
  McpAgentDeps deps;
  std::unique_ptr<Engine> engine;  // for completion prompts, over the workspace index
};

void addModelTools(McpCatalog& c, const std::shared_ptr<Shared>& s) {
  json pathProp = {{"type", "string"},
                   {"description", "file path, relative to the workspace root"}};
  c.tools.push_back(McpTool{
      "complete_code", "Complete code",
      "Complete the code at a position of a workspace file with the configured model "
      "(fill-in-the-middle, with "
      "definitions from the index as context). Returns the text to insert.",
      schema(
          {{"path", pathProp},
           {"line", {{"type", "integer"}, {"minimum", 1}, {"description", "1-based line"}}},
           {"column",
            {{"type", "integer"}, {"minimum", 1}, {"description", "1-based column (characters)"}}}},
          {"path", "line", "column"}),
      schema({{"completion", {{"type", "string"}}}, {"fromModel", {{"type", "boolean"}}}},
             {"completion"}),
      json{{"readOnlyHint", true}, {"openWorldHint", true}},
      [s](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        std::string file;
        try {
          file = confinedPath(s->deps.root, args["path"]);
        } catch (const std::exception& e) {
          return done(McpToolResult::error(e.what()));
        }
        Position at{args["line"].get<uint32_t>() - 1, args["column"].get<uint32_t>() - 1};
        s->engine->complete(
            pathToFileUri(file), at, PositionEncoding::Utf32, ctx.cancel,
            [done](Result<CompletionOutcome> r) {
              if (auto* e = std::get_if<EngineError>(&r))
                return done(McpToolResult::error(e->message));
              auto& o = std::get<CompletionOutcome>(r);
              for (auto& item : o.items)
                if (item.fromModel)
                  return done(McpToolResult::text(
                      item.insertText, {{"completion", item.insertText}, {"fromModel", true}}));
              std::string why = o.note.empty() ? "the model returned nothing usable here" : o.note;
              if (!o.items.empty())
                return done(McpToolResult::text(
                    o.items.front().insertText + "\n(" + why + ")",
                    {{"completion", o.items.front().insertText}, {"fromModel", false}}));
              done(McpToolResult::error(why));
            });
      }});

  c.tools.push_back(McpTool{
      "ask", "Ask about the code",
      "Ask the configured model a question about this workspace. The prompt carries the repository "
      "map and the "
      "files you name, so the answer is grounded in the code.",
      schema({{"question", {{"type", "string"}, {"minLength", 1}}},
              {"paths",
               {{"type", "array"},
                {"items", pathProp},
                {"maxItems", 20},
                {"description", "files to include"}}}},
             {"question"}),
      schema({{"answer", {{"type", "string"}}}, {"backend", {{"type", "string"}}}}, {"answer"}),
      json{{"readOnlyHint", true}, {"openWorldHint", true}},
      [s](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        auto router = s->deps.engine.llm;
        if (!router || !router->configured())
          return done(McpToolResult::error(agents::LlmRouter::notConfiguredMessage()));
        std::string context;
        if (auto index = s->deps.registry->open(s->deps.root)) {
          RepoMapOptions rm;
          rm.tokenBudget = 1024;
          context += "## Repository map\n" + index->repoMap(rm) + "\n";
        }
        constexpr std::size_t kPerFile = 24000, kTotal = 96000;
        for (auto& p : args.value("paths", json::array())) {
          std::string file;
          try {
            file = confinedPath(s->deps.root, p.get<std::string>());
          } catch (const std::exception& e) {
            return done(McpToolResult::error(e.what()));
          }
          if (context.size() > kTotal) break;
          context +=
              "\n## " + p.get<std::string>() + "\n```\n" + readHead(file, kPerFile) + "\n```\n";
        }
        agents::LlmRequest req;
        req.system =
            "You answer questions about the code repository below, precisely and briefly, citing "
            "files as "
            "path:line where it helps.";
        req.messages.push_back(agents::Message::user(context + "\n# Question\n" +
                                                     args["question"].get<std::string>()));
        req.maxTokens = 2048;
        req.stream = true;
        if (!s->deps.settings.chatBackend.empty()) req.backends = {s->deps.settings.chatBackend};
        auto outcome = ask(*router, std::move(req), ctx);
        if (auto* e = std::get_if<agents::LlmError>(&outcome))
          return done(McpToolResult::error(e->message));
        auto& r = std::get<agents::LlmResult>(outcome);
        done(McpToolResult::text(r.text, {{"answer", r.text}, {"backend", r.backend}}));
      }});
}

std::string summary(const agents::WorkflowRecord& w) {
  std::ostringstream out;
  out << w.id << " " << w.state << " (" << w.templateName << "): " << w.task << "\n";
  if (!w.error.empty()) out << "error: " << w.error << "\n";
  for (auto& st : w.steps) {
    out << "\n## " << st.id << " [" << st.role << "] " << st.state << "\n";
    if (!st.error.empty()) out << "error: " << st.error << "\n";
    if (!st.output.empty()) out << st.output << "\n";
  }
  for (auto& e : w.edits)
    out << "edit " << e.path << ": " << e.state << (e.reason.empty() ? "" : " (" + e.reason + ")")
        << "\n";
  return out.str();
}

// MCP wants progress to increase with every notification: in thousandths of
// a step, the steps done (the last one just short of the total, which the
// end reaches), or a thousandth more than before for an event that finishes
// no step. Events come from several step threads; the lock keeps values and
// order together.
struct ProgressCounter {
  std::mutex mu;
  std::int64_t last = 0;
  void report(const agents::WorkflowEvent& e,
              const std::function<void(double, std::optional<double>, const std::string&)>& out) {
    std::lock_guard lock(mu);
    const std::int64_t total = 1000LL * e.stepsTotal;
    std::int64_t target = 1000LL * e.stepsDone;
    if (e.kind != agents::WorkflowEvent::Kind::Finished) target = std::min(target, total - 500);
    last = std::max(last + 1, target);
    std::optional<double> of;
    if (total > 0 && last <= total) of = e.stepsTotal;
    out(static_cast<double>(last) / 1000.0, of, e.message);
  }
};

// A run_workflow call waiting for its workflow's end without holding a
// thread: the Finished event answers it; a timer on the workers passes a
// cancelled call on to the workflow (the request's cancellation is a flag to
// poll) and stops once the call is answered.
struct WorkflowWait : std::enable_shared_from_this<WorkflowWait> {
  WorkflowWait(const boost::asio::any_io_executor& executor,
               std::shared_ptr<agents::WorkflowRunner> r, std::string workflowId, CancelToken c,
               std::function<void(McpToolResult)> d)
      : timer(executor),
        runner(std::move(r)),
        id(std::move(workflowId)),
        cancel(std::move(c)),
        done(std::move(d)) {}

  boost::asio::steady_timer timer;  // touched by the timer's own handlers only
  std::shared_ptr<agents::WorkflowRunner> runner;
  std::string id;
  CancelToken cancel;
  std::function<void(McpToolResult)> done;
  std::atomic<int> token{-1};  // the subscription, once known
  std::atomic<bool> answered{false};
  bool cancelSent = false;  // the timer's

  // Answers once, with the workflow as stored (its end state is written
  // before the Finished event).
  void finish() {
    if (answered.exchange(true)) return;
    if (int t = token.load(); t >= 0) runner->unsubscribe(t);
    try {
      auto w = runner->store().load(id);
      if (!w) return done(McpToolResult::error("workflow " + id + " is gone"));
      McpToolResult r = McpToolResult::text(
          summary(*w), {{"id", id}, {"state", w->state}, {"workflow", w->toJson()}});
      r.isError = w->state != "completed";
      done(std::move(r));
    } catch (const std::exception& e) {
      done(McpToolResult::error(e.what()));
    }
  }

  void watchCancel() {
    timer.expires_after(std::chrono::milliseconds(200));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->answered) return;
      if (self->cancel.cancelled() && !self->cancelSent) {
        self->cancelSent = true;
        self->runner->cancel(self->id);
      }
      self->watchCancel();
    });
  }
};

void addWorkflowTools(McpCatalog& c, const std::shared_ptr<Shared>& s) {
  c.tools.push_back(McpTool{
      "run_workflow", "Run an agent workflow",
      "Run a workflow of agents (templates: feature, bugfix, review, tests, document, or the "
      "workspace's own) on a "
      "task. Waits for it unless wait is false, reporting each step as progress. Edits are "
      "proposed only, unless "
      "apply is true: then they are written inside the workspace.",
      schema({{"template", {{"type", "string"}, {"minLength", 1}}},
              {"task", {{"type", "string"}, {"minLength", 1}}},
              {"apply",
               {{"type", "boolean"}, {"description", "write the proposed edits to the files"}}},
              {"wait", {{"type", "boolean"}, {"description", "wait for the end (default true)"}}}},
             {"template", "task"}),
      schema({{"id", {{"type", "string"}}},
              {"state", {{"type", "string"}}},
              {"workflow", {{"type", "object"}}}},
             {"id", "state"}),
      json{{"readOnlyHint", false}, {"destructiveHint", false}, {"openWorldHint", true}},
      [s](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        std::shared_ptr<WorkflowWait> wait;  // takes `done` once the workflow runs
        try {
          auto runner = s->deps.hub->runner(s->deps.root);
          auto all = agents::loadWorkflowTemplates(agents::workflowTemplateDirs(s->deps.root));
          auto t = std::find_if(all.begin(), all.end(),
                                [&](auto& x) { return x.name == args["template"]; });
          if (t == all.end())
            return done(
                McpToolResult::error("no workflow template named " + args["template"].dump()));
          auto roles = std::make_shared<agents::RoleSet>();
          roles->configure(s->deps.settings.agents);
          auto mode =
              args.value("apply", false) ? agents::ApplyMode::Write : agents::ApplyMode::None;
          std::string id = runner->start(*t, args["task"], mode, {}, {s->deps.engine.llm, roles});
          if (!args.value("wait", true))
            return done(McpToolResult::text("workflow " + id + " started",
                                            {{"id", id}, {"state", "running"}}));
          // The answer is sent when the workflow's Finished event arrives:
          // no tool worker waits for it (four waiting workflows would
          // otherwise hold every worker and stall the other tools).
          wait = std::make_shared<WorkflowWait>(s->deps.workers->executor(), runner, id, ctx.cancel,
                                                std::move(done));
          int token = runner->subscribe([wait, counter = std::make_shared<ProgressCounter>(),
                                         progress = ctx.progress](const agents::WorkflowEvent& e) {
            using K = agents::WorkflowEvent::Kind;
            if (e.workflowId != wait->id) return;
            if (e.kind != K::ToolCalled && progress) counter->report(e, progress);
            if (e.kind == K::Finished) wait->finish();  // after its progress: the total
          });
          wait->token = token;
          if (wait->answered) runner->unsubscribe(token);  // finished before it knew the token
          // It may have ended before the subscription: then nobody else answers.
          if (runner->wait(id, std::chrono::milliseconds(0))) return wait->finish();
          wait->watchCancel();
        } catch (const std::exception& e) {
          if (!wait)
            done(McpToolResult::error(e.what()));
          else if (!wait->answered.exchange(true))
            wait->done(McpToolResult::error(e.what()));
        }
      }});
  c.tools.push_back(
      McpTool{"workflow_status", "Workflow status",
              "One workflow's steps, outputs and edits by id, or the workspace's recent workflows "
              "without one.",
              schema({{"id", {{"type", "string"}}}}),
              schema({{"workflows", {{"type", "array"}}}}, {"workflows"}),
              json{{"readOnlyHint", true}, {"openWorldHint", false}},
              [s](const json& args, McpToolContext, std::function<void(McpToolResult)> done) {
                try {
                  auto runner = s->deps.hub->runner(s->deps.root);
                  std::string id = args.value("id", "");
                  if (!id.empty()) {
                    auto w = runner->store().load(id);
                    if (!w) return done(McpToolResult::error("no workflow with id " + id));
                    return done(McpToolResult::text(summary(*w), {{"workflows", {w->toJson()}}}));
                  }
                  json list = json::array();
                  std::string text;
                  for (auto& w : runner->store().list(20)) {
                    list.push_back(w.toJson(false));
                    text += w.id + " " + w.state + " " + w.templateName + ": " + w.task + "\n";
                  }
                  done(McpToolResult::text(text.empty() ? "no workflows yet\n" : text,
                                           {{"workflows", list}}));
                } catch (const std::exception& e) {
                  done(McpToolResult::error(e.what()));
                }
              }});
  c.tools.push_back(
      McpTool{"cancel_workflow", "Cancel a workflow",
              "Stop a running workflow; its finished steps stay stored.",
              schema({{"id", {{"type", "string"}, {"minLength", 1}}}}, {"id"}),
              schema({{"cancelled", {{"type", "boolean"}}}}, {"cancelled"}),
              json{{"readOnlyHint", false}, {"destructiveHint", false}, {"openWorldHint", false}},
              [s](const json& args, McpToolContext, std::function<void(McpToolResult)> done) {
                try {
                  bool ok = s->deps.hub->runner(s->deps.root)->cancel(args["id"]);
                  done(McpToolResult::text(
                      ok ? "cancelling " + args["id"].get<std::string>() : "not running",
                      {{"cancelled", ok}}));
                } catch (const std::exception& e) {
                  done(McpToolResult::error(e.what()));
                }
              }});
}

// One prompt per agent role and per workflow template, so an assistant can
// take the role (or walk the steps) itself.
void addAgentPrompts(McpCatalog& c, const std::shared_ptr<Shared>& s) {
  auto user = [](std::string text) {
    return json{{"role", "user"}, {"content", {{"type", "text"}, {"text", std::move(text)}}}};
  };
  auto roles = std::make_shared<agents::RoleSet>();
  try {
    roles->configure(s->deps.settings.agents);
  } catch (const std::exception&) {
    // Invalid role settings were reported when the settings were loaded.
  }
  McpPromptArgument task{"task", "what to do", true};
  for (auto& name : roles->names()) {
    const agents::Role* role = roles->find(name);
    c.prompts.push_back(
        {"role_" + name,
         "Act as the " + name,
         role->description,
         {task},
         [user, system = role->system, name](const json& args) {
           return json{
               {"description", "The " + name + " role"},
               {"messages", {user(system + "\n\nTask: " + args.at("task").get<std::string>())}}};
         }});
  }
  for (auto& t : agents::loadWorkflowTemplates(agents::workflowTemplateDirs(s->deps.root))) {
    c.prompts.push_back(
        {"workflow_" + t.name,
         "Workflow: " + t.name,
         t.description,
         {task},
         [user, t, roles](const json& args) {
           std::string text =
               "Work through this task in the steps below, in order, finishing each "
               "before the steps that depend on it.\n";
           int n = 0;
           for (auto& step : t.steps) {
             const agents::Role* r = roles->find(step.role);
             text +=
                 "\n## " + std::to_string(++n) + ". " + step.id + " (as the " + step.role + ")\n";
             if (r) text += r->system + "\n";
             text += t.renderTask(step, args.at("task").get<std::string>()) + "\n";
           }
           return json{{"description", t.description}, {"messages", {user(text)}}};
         }});
  }
}

}  // namespace

std::shared_ptr<const McpCatalog> withAgentTools(const std::shared_ptr<const McpCatalog>& code,
                                                 McpAgentDeps deps) {
  auto c = std::make_shared<McpCatalog>(*code);
  auto s = std::make_shared<Shared>();
  s->deps = std::move(deps);
  s->engine = std::make_unique<Engine>(*s->deps.workers, s->deps.engine, nullptr);
  s->engine->setWorkspaces({s->deps.registry->open(s->deps.root)});
  addModelTools(*c, s);
  if (s->deps.hub) addWorkflowTools(*c, s);
  addAgentPrompts(*c, s);
  c->instructions +=
      " With a model configured: complete_code, ask, and agent workflows (run_workflow, "
      "workflow_status, cancel_workflow).";
  return c;
}

}  // namespace sb
