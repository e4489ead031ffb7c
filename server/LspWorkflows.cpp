// The LSP face of workflows and status: switchboard.runWorkflow,
// .resumeWorkflow, .workflowStatus, .cancelWorkflow and .status through
// workspace/executeCommand; workflow events as $/progress and
// window/logMessage to every client on the same workspace; edits sent to the
// client that started the workflow with workspace/applyEdit.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <future>
#include <set>

#include "LspServer.h"
#include "StatusReport.h"
#include "WorkDoneProgress.h"
#include "protocol/ClientTranslation.h"
#include "protocol/LspConvert.h"
#include "protocol/Uri.h"

namespace sb {

namespace {

// The whole-file replacement (or creation, or deletion) as a WorkspaceEdit the
// client can preview.
std::optional<json> workspaceEditFor(const agents::PlannedEdit& e, const std::string& root,
                                     const ClientProfile& client, std::string& why) {
  std::string uri = pathToFileUri((std::filesystem::path(root) / e.relPath).string());
  if (e.remove) return lsp::deleteFileEdit(uri, client, why);
  if (!e.oldText) return lsp::createFileEdit(uri, e.newText, client, why);
  LineIndex lines(*e.oldText);
  Position end =
      lines.positionAt(*e.oldText, static_cast<uint32_t>(e.oldText->size()), client.encoding);
  json edit{{"range", lsp::toJson(Range{{0, 0}, end})}, {"newText", e.newText}};
  return lsp::documentEdit(uri, nullptr, json::array({std::move(edit)}), client);
}

json firstArgument(const json& params) {
  auto args = params.find("arguments");
  if (args == params.end() || !args->is_array() || args->empty()) return json::object();
  if (!(*args)[0].is_object())
    throw RpcException(rpc::InvalidParams, "the command's argument must be an object");
  return (*args)[0];
}

}  // namespace

// Per session: the progress token of each workflow it has been told about.
struct LspServer::WorkflowWatch {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<WorkDoneProgress>> tokens;  // by workflow id
  std::map<std::string, int> percentage;  // the last reported, by workflow id: never goes back
  int next = 0;
};

void LspServer::watchWorkflows() {
  if (!options_.workflows || roots_.empty() || workflowWatch_) return;
  workflowWatch_ = std::make_shared<WorkflowWatch>();
  std::weak_ptr<RpcEndpoint> endpoint = session_.endpoint;
  auto watch = workflowWatch_;
  auto client = client_;
  for (const auto& root : roots_)
    workflowTokens_.push_back(options_.workflows->subscribe(root, [endpoint, watch, client](
                                                                      const agents::WorkflowEvent&
                                                                          e) {
      auto ep = endpoint.lock();
      if (!ep) return;
      using K = agents::WorkflowEvent::Kind;
      int type = e.kind == K::Finished && e.state != "completed" ? 2 /*warning*/ : 3 /*info*/;
      ep->notify("window/logMessage", {{"type", type}, {"message", "[switchboard] " + e.message}});
      if (!lsp::createsProgress(*client) || e.kind == K::ToolCalled) return;
      // Under the lock: events of one workflow can come from several step
      // threads, and begin, reports and end must reach the client in order.
      std::lock_guard lock(watch->mu);
      auto it = watch->tokens.find(e.workflowId);
      if (it == watch->tokens.end()) {
        if (e.kind == K::Finished) return;
        auto progress = WorkDoneProgress::create(
            ep, "switchboard/workflow/" + e.workflowId + "/" + std::to_string(++watch->next));
        watch->tokens[e.workflowId] = progress;
        progress->begin("Workflow " + e.workflowId, e.message, false, 0);
      } else if (e.kind == K::Finished) {
        it->second->end(e.message);
        watch->tokens.erase(it);
        watch->percentage.erase(e.workflowId);
      } else {
        // Step threads emit in any order: a count computed earlier may arrive later.
        int& pct = watch->percentage[e.workflowId];
        if (e.stepsTotal > 0) pct = std::max(pct, 100 * e.stepsDone / e.stepsTotal);
        it->second->report(e.message, pct);
      }
    }));
}

void LspServer::unwatchWorkflows() {
  if (options_.workflows)
    for (int t : workflowTokens_) options_.workflows->unsubscribe(t);
  workflowTokens_.clear();
}

// Edits go to this client, which shows them (workspace/applyEdit); the
// workflow waits for its answer.
agents::ClientApplier LspServer::clientApplier(const std::string& root) {
  if (!lsp::sendsApplyEdit(*client_)) return {};
  std::weak_ptr<RpcEndpoint> endpoint = session_.endpoint;
  auto client = client_;
  return [endpoint, client, root](const agents::PlannedEdit& e,
                                  const std::string& label) -> std::optional<std::string> {
    std::string why;
    auto edit = workspaceEditFor(e, root, *client, why);
    if (!edit) return why;
    auto ep = endpoint.lock();
    if (!ep) return std::string("the editor that started the workflow has disconnected");
    auto answer = std::make_shared<std::promise<std::optional<std::string>>>();
    auto future = answer->get_future();
    ep->call("workspace/applyEdit", {{"label", label}, {"edit", *edit}},
             [answer](const ResponseOrError& r) {
               if (r.error)
                 return answer->set_value("the editor refused the edit: " + r.error->message);
               const json& res = r.result ? *r.result : json();
               if (res.is_object() && res.value("applied", false))
                 return answer->set_value(std::nullopt);
               std::string reason = res.is_object() ? res.value("failureReason", "") : "";
               answer->set_value("the editor did not apply the edit" +
                                 (reason.empty() ? "" : ": " + reason));
             });
    // The user may be looking at a preview; still, never wait forever.
    if (future.wait_for(std::chrono::minutes(10)) != std::future_status::ready)
      return std::string("the editor did not answer workspace/applyEdit within 10 minutes");
    return future.get();
  };
}

bool LspServer::workflowCommand(const std::string& command, const json& params, Request& request) {
  if (command == "switchboard.status") {
    StatusSources sources{options_.engine.llm, engine_->workspaces(), options_.workspaces,
                          options_.workflows, roots_};
    auto reply = std::make_shared<Reply>(std::move(request.reply));
    boost::asio::post(workers_.executor(),
                      [reply, sources] {  // status asks the router's thread: off the reader
                        try {
                          reply->result(statusReport(sources));
                        } catch (const std::exception& e) {
                          reply->error(rpc::InternalError, e.what());
                        }
                      });
    return true;
  }
  static const std::set<std::string> kWorkflowCommands = {
      "switchboard.runWorkflow", "switchboard.resumeWorkflow", "switchboard.workflowStatus",
      "switchboard.cancelWorkflow", "switchboard.workflowTemplates"};
  if (!kWorkflowCommands.count(command)) return false;
  if (!options_.workflows || roots_.empty())
    throw RpcException(rpc::InvalidParams,
                       "workflows need a workspace folder: open a folder first");
  json arg = firstArgument(params);
  std::string root = roots_.front();
  if (auto r = arg.find("root"); r != arg.end() && r->is_string()) {
    auto path = fileUriToPath(r->get<std::string>());
    std::string wanted = path ? *path : r->get<std::string>();
    auto it =
        std::find(roots_.begin(), roots_.end(), std::filesystem::weakly_canonical(wanted).string());
    if (it == roots_.end())
      throw RpcException(rpc::InvalidParams, "'" + wanted + "' is not a workspace folder");
    root = *it;
  }
  watchWorkflows();
  std::shared_ptr<agents::WorkflowRunner> runner;
  try {
    runner = options_.workflows->runner(root);
  } catch (const std::exception& e) {
    throw RpcException(rpc::InternalError,
                       std::string("cannot open the workflow store: ") + e.what());
  }
  auto roles = std::make_shared<agents::RoleSet>();
  try {
    roles->configure(options_.settings.agents);
  } catch (const std::exception& e) {
    throw RpcException(rpc::InvalidParams, std::string("settings: ") + e.what());
  }
  agents::WorkflowRunner::Models models{options_.engine.llm, roles};
  auto applyMode = [&](const json& a) {
    std::string mode = a.value("apply", lsp::defaultWorkflowApply(*client_));
    auto m = agents::applyModeFromString(mode);
    if (!m || *m == agents::ApplyMode::Write)
      throw RpcException(rpc::InvalidParams,
                         "apply must be \"client\" (the editor shows the edits) or \"none\"");
    return *m;
  };
  try {
    if (command == "switchboard.workflowTemplates") {
      json list = json::array();
      for (auto& t : agents::loadWorkflowTemplates(agents::workflowTemplateDirs(root)))
        list.push_back(t.toJson());
      request.reply.result(list);
    } else if (command == "switchboard.runWorkflow") {
      std::string name = arg.value("template", "");
      std::string task = arg.value("task", "");
      if (name.empty() || task.empty())
        throw RpcException(rpc::InvalidParams,
                           "runWorkflow needs {\"template\": NAME, \"task\": TEXT}");
      auto all = agents::loadWorkflowTemplates(agents::workflowTemplateDirs(root));
      auto t = std::find_if(all.begin(), all.end(), [&](auto& x) { return x.name == name; });
      if (t == all.end()) {
        std::string names;
        for (auto& x : all) names += (names.empty() ? "" : ", ") + x.name;
        throw RpcException(rpc::InvalidParams,
                           "no workflow template named '" + name + "' (have: " + names + ")");
      }
      std::string id = runner->start(*t, task, applyMode(arg), clientApplier(root), models);
      request.reply.result({{"id", id}, {"template", name}, {"state", "running"}});
    } else if (command == "switchboard.resumeWorkflow") {
      std::string id = arg.value("id", "");
      runner->resume(id, clientApplier(root), models);
      request.reply.result({{"id", id}, {"state", "running"}});
    } else if (command == "switchboard.cancelWorkflow") {
      std::string id = arg.value("id", "");
      request.reply.result({{"id", id}, {"cancelled", runner->cancel(id)}});
    } else {  // workflowStatus
      std::string id = arg.value("id", "");
      if (id.empty()) {
        json list = json::array();
        for (auto& w : runner->store().list(50)) list.push_back(w.toJson(false));
        request.reply.result({{"workflows", list}});
      } else {
        auto w = runner->store().load(id);
        if (!w) throw RpcException(rpc::InvalidParams, "no workflow with id " + id);
        request.reply.result(w->toJson());
      }
    }
  } catch (const std::invalid_argument& e) {
    throw RpcException(rpc::InvalidParams, e.what());
  }
  return true;
}

}  // namespace sb
