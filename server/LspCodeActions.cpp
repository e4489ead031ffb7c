// The LSP face of the AI code actions: textDocument/codeAction lists them as
// commands, workspace/executeCommand runs one through Engine::codeAction with
// work-done progress, and edits go back as WorkspaceEdits through
// workspace/applyEdit, shaped by the client's capabilities.
#include <chrono>
#include <map>
#include <mutex>

#include <spdlog/spdlog.h>

#include "LspServer.h"
#include "WorkDoneProgress.h"
#include "protocol/ClientTranslation.h"
#include "protocol/LspConvert.h"
#include "protocol/Uri.h"

namespace sb {

// Progress tokens of running actions, so window/workDoneProgress/cancel can
// stop one. Touched from the reading thread and from engine callbacks.
struct LspServer::RunningActions {
  std::mutex mu;
  std::map<std::string, CancelSource> byToken;  // keyed by the token's JSON text
};

namespace {

using agents::ActionKind;

constexpr std::string_view kCommandPrefix = "switchboard.";
constexpr std::chrono::milliseconds kReportInterval{100};

struct ActionEntry {
  ActionKind kind;
  const char* title;
  const char* codeActionKind;  // what textDocument/codeAction lists it as
};

// Refactor is absent: it needs an instruction, which a code action list
// cannot ask for; clients call the command with one.
constexpr ActionEntry kListed[] = {
    {ActionKind::Explain, "Switchboard: Explain", "refactor.switchboard.explain"},
    {ActionKind::Fix, "Switchboard: Fix", "quickfix"},
    {ActionKind::Document, "Switchboard: Document", "refactor.rewrite.switchboard.document"},
    {ActionKind::Tests, "Switchboard: Write tests", "source.switchboard.writeTests"},
};

std::string titleOf(ActionKind kind) {
  switch (kind) {
    case ActionKind::Explain:
      return "Switchboard: Explain";
    case ActionKind::Fix:
      return "Switchboard: Fix";
    case ActionKind::Document:
      return "Switchboard: Document";
    case ActionKind::Tests:
      return "Switchboard: Write tests";
    case ActionKind::Refactor:
      return "Switchboard: Refactor";
  }
  return "Switchboard";
}

Range rangeFromJson(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("range must be an object with start and end");
  return {lsp::positionFromJson(j.at("start")), lsp::positionFromJson(j.at("end"))};
}

// `only` filters hierarchically: "refactor" admits "refactor.rewrite...".
bool admitted(const json& only, std::string_view kind) {
  if (!only.is_array()) return true;
  for (const auto& o : only) {
    if (!o.is_string()) continue;
    const std::string prefix = o.get<std::string>();
    if (kind == prefix || (kind.substr(0, prefix.size()) == prefix && kind.size() > prefix.size() &&
                           kind[prefix.size()] == '.'))
      return true;
  }
  return false;
}

void replyError(Reply& reply, const EngineError& e) {
  switch (e.kind) {
    case EngineError::Kind::Cancelled:
      return reply.error(rpc::RequestCancelled, e.message);
    case EngineError::Kind::InvalidArgument:
    case EngineError::Kind::NotFound:
      return reply.error(rpc::InvalidParams, e.message);
    case EngineError::Kind::Unavailable:
      return reply.error(rpc::RequestFailed, e.message);
    case EngineError::Kind::Internal:
      break;
  }
  reply.error(rpc::InternalError, e.message);
}

json textEdit(Range range, const std::string& newText) {
  return {{"range", lsp::toJson(range)}, {"newText", newText}};
}

// Progress of one action: begin, the streamed text in throttled reports
// (their messages concatenated are the answer so far), end.
class ActionProgress {
 public:
  explicit ActionProgress(std::shared_ptr<WorkDoneProgress> progress)
      : progress_(std::move(progress)) {}

  void begin(const std::string& title) {
    progress_->begin(title, "asking the model", true, std::nullopt);
  }
  // The model's text as it streams, batched to one report per interval.
  void delta(std::string_view text) {
    std::lock_guard lock(mu_);
    pending_ += text;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < kReportInterval) return;
    last_ = now;
    progress_->report(std::exchange(pending_, {}));
  }
  void end(const std::string& message) {
    std::lock_guard lock(mu_);
    if (!pending_.empty()) progress_->report(std::exchange(pending_, {}));
    progress_->end(message);
  }

 private:
  std::shared_ptr<WorkDoneProgress> progress_;
  std::mutex mu_;
  std::string pending_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

std::vector<std::string> LspServer::actionCommands() {
  std::vector<std::string> out;
  for (ActionKind k : {ActionKind::Explain, ActionKind::Fix, ActionKind::Document,
                       ActionKind::Tests, ActionKind::Refactor})
    out.push_back(std::string(kCommandPrefix) + agents::actionName(k));
  return out;
}

bool LspServer::isActionCommand(std::string_view command) {
  return command.substr(0, kCommandPrefix.size()) == kCommandPrefix &&
         agents::actionFromName(command.substr(kCommandPrefix.size())).has_value();
}

void LspServer::codeAction(const json& params, Request& request) {
  const std::string uri = lsp::documentUri(params);
  Range range = rangeFromJson(params.at("range"));
  json diagnostics = json::array();
  json only;
  if (auto c = params.find("context"); c != params.end() && c->is_object()) {
    if (auto d = c->find("diagnostics"); d != c->end() && d->is_array()) diagnostics = *d;
    if (auto o = c->find("only"); o != c->end()) only = *o;
  }
  // A fix for diagnostics at the cursor covers their whole lines.
  Range fixRange = range;
  if (range.start == range.end && !diagnostics.empty()) {
    uint32_t first = UINT32_MAX, last = 0;
    for (const auto& d : diagnostics) {
      Range r = rangeFromJson(d.at("range"));
      first = std::min(first, r.start.line);
      last = std::max(last, r.end.line);
    }
    fixRange = {{first, 0}, {last + 1, 0}};
  }
  json actions = json::array();
  for (const ActionEntry& entry : kListed) {
    if (!admitted(only, entry.codeActionKind)) continue;
    const bool fix = entry.kind == ActionKind::Fix;
    json argument = {{"uri", uri}, {"range", lsp::toJson(fix ? fixRange : range)}};
    if (fix && !diagnostics.empty()) {
      json brief = json::array();
      for (const auto& d : diagnostics)
        brief.push_back({{"range", d.at("range")},
                         {"message", d.value("message", "")},
                         {"source", d.value("source", "")}});
      argument["diagnostics"] = std::move(brief);
    }
    json command = {{"title", entry.title},
                    {"command", std::string(kCommandPrefix) + agents::actionName(entry.kind)},
                    {"arguments", json::array({std::move(argument)})}};
    actions.push_back(lsp::codeActionToJson(entry.title, entry.codeActionKind, std::move(command),
                                            fix ? diagnostics : json::array(), *client_));
  }
  request.reply.result(std::move(actions));
}

void LspServer::workDoneProgressCancel(const json& params) {
  if (!actions_ || !params.is_object() || !params.contains("token")) return;
  std::lock_guard lock(actions_->mu);
  if (auto it = actions_->byToken.find(params["token"].dump()); it != actions_->byToken.end())
    it->second.cancel();
}

void LspServer::runAction(const std::string& command, const json& params, Request& request) {
  const ActionKind kind =
      *agents::actionFromName(std::string_view(command).substr(kCommandPrefix.size()));
  const json* args = nullptr;
  if (auto a = params.find("arguments");
      a != params.end() && a->is_array() && a->size() == 1 && (*a)[0].is_object())
    args = &(*a)[0];
  if (!args || !args->contains("uri") || !(*args)["uri"].is_string() || !args->contains("range"))
    throw RpcException(rpc::InvalidParams,
                       command + " needs one argument {uri, range" +
                           (kind == ActionKind::Refactor ? ", instruction" : ", instruction?") +
                           "}");
  ActionRequest action;
  action.kind = kind;
  action.uri = (*args)["uri"].get<std::string>();
  try {
    action.range = rangeFromJson((*args)["range"]);
  } catch (const std::exception& e) {
    throw RpcException(rpc::InvalidParams, command + ": bad range: " + e.what());
  }
  if (auto i = args->find("instruction"); i != args->end() && i->is_string())
    action.instruction = i->get<std::string>();
  if (auto d = args->find("diagnostics"); d != args->end() && d->is_array())
    for (const auto& diag : *d) {
      if (!diag.is_object() || !diag.contains("range")) continue;
      std::string message = diag.value("message", "");
      if (std::string source = diag.value("source", ""); !source.empty())
        message = std::move(source.append(": ").append(message));
      action.diagnostics.push_back(
          {static_cast<int>(rangeFromJson(diag["range"]).start.line) + 1, message});
    }
  if (kind == ActionKind::Refactor &&
      action.instruction.find_first_not_of(" \t\r\n") == std::string::npos)
    throw RpcException(rpc::InvalidParams,
                       "switchboard.refactor needs an \"instruction\" saying what to change");

  // Progress: the client's own token, else one we create when it can show it.
  if (!actions_) actions_ = std::make_shared<RunningActions>();
  CancelSource cancel(request.cancel);
  std::shared_ptr<ActionProgress> progress;
  json token;
  if (auto t = params.find("workDoneToken");
      t != params.end() && (t->is_string() || t->is_number_integer())) {
    token = *t;
    progress = std::make_shared<ActionProgress>(WorkDoneProgress::adopt(session_.endpoint, token));
  } else if (lsp::createsProgress(*client_)) {
    token = "switchboard/action/" + std::to_string(++progressTokens_);
    progress = std::make_shared<ActionProgress>(WorkDoneProgress::create(session_.endpoint, token));
  }
  if (progress) {
    progress->begin(titleOf(kind));
    std::lock_guard lock(actions_->mu);
    actions_->byToken[token.dump()] = cancel;
  }

  auto reply = std::make_shared<Reply>(std::move(request.reply));
  auto finish = [reply, progress, token, actions = actions_](std::optional<EngineError> error,
                                                             json result) {
    if (progress) progress->end(error ? error->message : "done");
    if (!token.is_null()) {
      std::lock_guard lock(actions->mu);
      actions->byToken.erase(token.dump());
    }
    if (error) return replyError(*reply, *error);
    reply->result(std::move(result));
  };
  auto onDelta = [progress](std::string_view delta) {
    if (progress) progress->delta(delta);
  };
  // Versioned edits only for documents the client has open (else the
  // engine read the file from disk and there is no version).
  const bool open = engine_->isOpen(action.uri);
  const std::string label = titleOf(kind);
  const std::string name = agents::actionName(kind);
  engine_->codeAction(
      std::move(action), client_->encoding, cancel.token(), onDelta,
      [finish, label, name, kind, open, endpoint = std::weak_ptr<RpcEndpoint>(session_.endpoint),
       client = client_](Result<ActionOutcome> r) {
        if (auto* e = std::get_if<EngineError>(&r)) return finish(*e, nullptr);
        ActionOutcome& out = std::get<ActionOutcome>(r);
        json result = {{"kind", name}, {"markdown", out.reply.message}};
        if (kind == ActionKind::Explain) return finish(std::nullopt, std::move(result));
        if (!out.backend.empty())
          result["model"] = out.backend + (out.model.empty() ? "" : " " + out.model);

        json edit;
        if (agents::actionEditsSelection(kind)) {
          if (!out.reply.replacement) {
            result["applied"] = false;
            return finish(std::nullopt, std::move(result));
          }
          const std::string& uri = out.doc->uri();
          json version = open ? json(out.doc->version()) : json(nullptr);
          edit =
              lsp::documentEdit(uri, version,
                                json::array({textEdit(out.doc->toRange(out.range, client->encoding),
                                                      *out.reply.replacement)}),
                                *client);
        } else {  // Tests
          if (!out.testFile) {
            result["applied"] = false;
            return finish(std::nullopt, std::move(result));
          }
          const agents::PlannedEdit& file = *out.testFile;
          const std::string uri = pathToFileUri(file.absPath);
          result["path"] = file.relPath;
          if (file.oldText) {
            // Replace the existing file's whole text.
            LineIndex lines(*file.oldText);
            Range all{{0, 0},
                      lines.positionAt(*file.oldText, static_cast<uint32_t>(file.oldText->size()),
                                       client->encoding)};
            edit = lsp::documentEdit(uri, nullptr, json::array({textEdit(all, file.newText)}),
                                     *client);
          } else if (std::string why;
                     auto create = lsp::createFileEdit(uri, file.newText, *client, why)) {
            // Fails rather than prepends if the file appeared since planning.
            edit = std::move(*create);
          } else {
            // The client cannot create files: show the tests instead.
            result["applied"] = false;
            result["markdown"] = "The client cannot create files; the tests for `" + file.relPath +
                                 "`:\n\n```" + out.reply.files.front().language + "\n" +
                                 file.newText + "```\n\n" + out.reply.message;
            return finish(std::nullopt, std::move(result));
          }
        }
        result["edit"] = edit;
        auto ep = endpoint.lock();
        if (!lsp::sendsApplyEdit(*client) || !ep) {
          result["applied"] = false;
          return finish(std::nullopt, std::move(result));
        }
        // The client shows the edit (a preview where it has one) and says
        // whether it was applied.
        ep->call("workspace/applyEdit", {{"label", label}, {"edit", std::move(edit)}},
                 [finish, result](const ResponseOrError& response) mutable {
                   bool applied = false;
                   if (response.result && response.result->is_object()) {
                     applied = response.result->value("applied", false);
                     if (auto why = response.result->find("failureReason");
                         why != response.result->end() && why->is_string())
                       result["failureReason"] = *why;
                   } else if (response.error) {
                     result["failureReason"] = response.error->message;
                   }
                   result["applied"] = applied;
                   finish(std::nullopt, std::move(result));
                 });
      });
}

}  // namespace sb
