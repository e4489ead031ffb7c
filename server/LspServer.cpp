#include "LspServer.h"

#include <mutex>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "DaemonStatus.h"
#include "LlmSettings.h"
#include "WorkDoneProgress.h"
#include "protocol/ClientTranslation.h"
#include "protocol/LspConvert.h"
#include "protocol/Uri.h"

namespace sb {
namespace {

// Replies to `request` when the engine calls back, translating engine errors.
// Reply is move-only and engine callbacks are std::function, hence the
// shared_ptr.
template <class T, class Convert>
Callback<T> replyWith(Reply reply, Convert convert) {
  auto shared = std::make_shared<Reply>(std::move(reply));
  return [shared, convert = std::move(convert)](Result<T> result) {
    if (auto* error = std::get_if<EngineError>(&result)) {
      switch (error->kind) {
        case EngineError::Kind::Cancelled:
          return shared->error(rpc::RequestCancelled, error->message);
        case EngineError::Kind::InvalidArgument:
        case EngineError::Kind::NotFound:
          return shared->error(rpc::InvalidParams, error->message);
        case EngineError::Kind::Internal:
          return shared->error(rpc::InternalError, error->message);
        case EngineError::Kind::Unavailable:
          return shared->error(rpc::RequestFailed, error->message);
      }
    }
    try {
      shared->result(convert(std::get<T>(result)));
    } catch (const RpcException& e) {
      shared->error(e.error);
    } catch (const std::exception& e) {
      shared->error(rpc::InternalError, e.what());
    }
  };
}

// Re-indexes changed files on a worker thread; a failed write (database
// locked, disk full) is logged and the index keeps what it had.
void updateIndexesLater(Workers& workers, std::vector<std::shared_ptr<WorkspaceIndex>> indexes,
                        std::vector<std::string> paths) {
  if (paths.empty()) return;
  boost::asio::post(workers.executor(), [indexes = std::move(indexes), paths = std::move(paths)] {
    for (const auto& index : indexes) {
      try {
        index->updatePaths(paths);
      } catch (const std::exception& e) {
        spdlog::error("updating the index of {} failed: {}", index->root(), e.what());
      }
    }
  });
}

}  // namespace

LspServer::LspServer(const SessionContext& session, Workers& workers, LspOptions options)
    : session_(session), workers_(workers), options_(std::move(options)) {
  if (options_.awaitFirstIndex) indexGate_ = std::make_shared<FirstIndexGate>();
}

LspServer::~LspServer() {
  if (indexGate_) indexGate_->shut();
  unwatchWorkflows();
}

void LspServer::onRequest(Request request) {
  static const std::unordered_map<std::string_view, RequestHandler> kHandlers = {
      {"initialize", &LspServer::initialize},
      {"shutdown", &LspServer::shutdown},
      {"textDocument/documentSymbol", &LspServer::documentSymbol},
      {"textDocument/foldingRange", &LspServer::foldingRange},
      {"textDocument/selectionRange", &LspServer::selectionRange},
      {"workspace/symbol", &LspServer::workspaceSymbol},
      {"textDocument/definition", &LspServer::definition},
      {"textDocument/references", &LspServer::references},
      {"textDocument/hover", &LspServer::hover},
      {"textDocument/documentHighlight", &LspServer::documentHighlight},
      {"workspace/executeCommand", &LspServer::executeCommand},
      {"textDocument/completion", &LspServer::completion},
      {"textDocument/inlineCompletion", &LspServer::inlineCompletion},
      {"textDocument/codeAction", &LspServer::codeAction},
  };
  if (phase_ == Phase::Uninitialized && request.method != "initialize" &&
      options_.implicitInitialize) {
    Request implicit{"initialize", *options_.implicitInitialize,
                     Reply(std::weak_ptr<RpcEndpoint>(), nullptr, "initialize"), CancelToken()};
    initialize(implicit.params, implicit);
    initialized(json::object());
  }
  if (phase_ == Phase::Uninitialized && request.method != "initialize")
    return request.reply.error(rpc::ServerNotInitialized,
                               "server not initialized: send 'initialize' first");
  if (phase_ == Phase::ShutDown)
    return request.reply.error(rpc::InvalidRequest,
                               "server is shutting down: only 'exit' is accepted");
  auto it = kHandlers.find(request.method);
  if (it == kHandlers.end())
    return request.reply.error(rpc::MethodNotFound, "Method not found: " + request.method);
  if (indexGate_ && readsIndex(request)) {
    // Pipe mode: answered once the first indexing pass is over (see FirstIndexGate.h).
    auto held = std::make_shared<Request>(std::move(request));
    indexGate_->run([this, handler = it->second, held] { dispatch(handler, *held); });
    return;
  }
  dispatch(it->second, request);
}

// Whether a request's answer comes from the workspace index (not only from
// one document's tree).
bool LspServer::readsIndex(const Request& request) {
  static const std::unordered_set<std::string_view> kIndexMethods = {
      "workspace/symbol", "textDocument/definition", "textDocument/references",
      "textDocument/hover"};
  if (kIndexMethods.count(request.method)) return true;
  return request.method == "workspace/executeCommand" && request.params.is_object() &&
         request.params.value("command", "") == "switchboard.repoMap";
}

void LspServer::dispatch(RequestHandler handler, Request& request) {
  if (request.cancel.cancelled())
    return request.reply.error(rpc::RequestCancelled, "request cancelled");
  const json params = std::move(request.params);
  try {
    (this->*handler)(params, request);
  } catch (const RpcException& e) {
    request.reply.error(e.error);
  } catch (const std::invalid_argument& e) {
    request.reply.error(rpc::InvalidParams, std::string("Invalid params: ") + e.what());
  } catch (const json::exception& e) {
    request.reply.error(rpc::InvalidParams, std::string("Invalid params: ") + e.what());
  } catch (const std::exception& e) {
    request.reply.error(rpc::InternalError, e.what());
  }
}

void LspServer::onNotification(std::string_view method, const json& params) {
  static const std::unordered_map<std::string_view, NotificationHandler> kHandlers = {
      {"initialized", &LspServer::initialized},
      {"exit", &LspServer::exit},
      {"textDocument/didOpen", &LspServer::didOpen},
      {"textDocument/didChange", &LspServer::didChange},
      {"textDocument/didClose", &LspServer::didClose},
      {"textDocument/didSave", &LspServer::didSave},
      {"$/cancelRequest", &LspServer::cancelRequest},
      {"workspace/didChangeWatchedFiles", &LspServer::didChangeWatchedFiles},
      {"workspace/didChangeWorkspaceFolders", &LspServer::didChangeWorkspaceFolders},
      {"workspace/didChangeConfiguration", &LspServer::didChangeConfiguration},
      {"window/workDoneProgress/cancel", &LspServer::workDoneProgressCancel},
  };
  auto it = kHandlers.find(method);
  if (it == kHandlers.end()) {
    // "$/" notifications may be ignored silently (LSP spec); others are worth a line.
    if (method.substr(0, 2) != "$/") spdlog::debug("ignoring notification {}", method);
    return;
  }
  if (phase_ == Phase::Uninitialized && method != "exit") {
    spdlog::warn("dropping notification {} sent before initialize", method);
    return;
  }
  try {
    (this->*(it->second))(params);
  } catch (const std::exception& e) {
    spdlog::warn("bad {} notification: {}", method, e.what());
  }
}

void LspServer::onDisconnect() {
  if (indexGate_) indexGate_->shut();  // before the engine goes: held requests use it
  unwatchWorkflows();
  engine_.reset();
}

// ---- lifecycle ----

void LspServer::initialize(const json& params, Request& request) {
  if (phase_ != Phase::Uninitialized)
    throw RpcException(rpc::InvalidRequest, "initialize may only be sent once");
  if (!params.is_object()) throw std::invalid_argument("initialize params must be an object");
  json initOptions = params.value("initializationOptions", json());
  if (!options_.requiredToken.empty()) {
    // The token is compared in full whatever its length, so timing says nothing.
    std::string given = initOptions.is_object() ? initOptions.value("token", "") : "";
    const std::string& want = options_.requiredToken;
    unsigned diff = given.size() == want.size() ? 0u : 1u;
    for (std::size_t i = 0; i < want.size(); ++i)
      diff |= static_cast<unsigned>(want[i] ^ (i < given.size() ? given[i] : 0));
    if (diff != 0) {
      spdlog::warn("[{}] initialize without the right token: connection closed", session_.peer);
      request.reply.error(rpc::InvalidRequest, "this daemon requires initializationOptions.token");
      if (session_.closeConnection) session_.closeConnection();  // after the queued answer
      return;
    }
  }
  if (initOptions.is_object()) initOptions.erase("token");  // not a setting
  client_ = std::make_shared<const ClientProfile>(profileFromInitialize(params));
  std::weak_ptr<RpcEndpoint> endpoint = session_.endpoint;
  auto client = client_;
  if (auto init = &initOptions; !init->is_null()) {
    std::vector<std::string> warnings;
    try {
      options_.settings = agents::mergeSettings(options_.settings, *init, &warnings);
      applySettings(options_.settings, options_.engine);
      if (options_.statusBoard) options_.statusBoard->track(options_.engine.llm);
    } catch (const std::exception& e) {
      spdlog::warn("[{}] initializationOptions ignored: {}", session_.peer, e.what());
    }
    for (const auto& w : warnings) spdlog::warn("[{}] initializationOptions: {}", session_.peer, w);
  }
  engine_ = std::make_unique<Engine>(
      workers_, options_.engine,
      [endpoint, client](const SnapshotPtr& doc, const std::vector<SyntaxDiagnostic>& diagnostics) {
        if (auto ep = endpoint.lock())
          ep->notify("textDocument/publishDiagnostics",
                     lsp::diagnosticsToJson(*doc, diagnostics, *client));
      });
  // Workspace roots: the folders, else rootUri, else the deprecated rootPath.
  std::vector<std::string> roots;
  if (auto f = params.find("workspaceFolders"); f != params.end() && f->is_array()) {
    for (const auto& folder : *f)
      if (folder.is_object())
        if (auto path = fileUriToPath(folder.value("uri", ""))) roots.push_back(*path);
  }
  if (roots.empty())
    if (auto it = params.find("rootUri"); it != params.end() && it->is_string())
      if (auto path = fileUriToPath(it->get<std::string>())) roots.push_back(*path);
  if (roots.empty())
    if (auto it = params.find("rootPath");
        it != params.end() && it->is_string() && !it->get<std::string>().empty())
      roots.push_back(it->get<std::string>());
  openWorkspaces(roots);
  phase_ = Phase::Initialized;
  spdlog::info("[{}] initialize from {} {} (position encoding {})", session_.peer,
               client_->name.empty() ? "an unnamed client" : client_->name, client_->version,
               encodingName(client_->encoding));
  std::vector<std::string> commands = {
      "switchboard.rescan",         "switchboard.repoMap",          "switchboard.status",
      "switchboard.runWorkflow",    "switchboard.resumeWorkflow",   "switchboard.workflowStatus",
      "switchboard.cancelWorkflow", "switchboard.workflowTemplates"};
  for (auto& c : actionCommands()) commands.push_back(std::move(c));
  json capabilities = lsp::serverCapabilities(*client_, commands);
  request.reply.result(
      {{"capabilities", std::move(capabilities)},
       {"serverInfo", {{"name", "switchboard"}, {"version", SWITCHBOARD_VERSION}}}});
}

void LspServer::initialized(const json&) {
  if (roots_.empty()) return;
  if (indexGate_ && options_.workspaces && !engine_->workspaces().empty()) {
    indexGate_->arm();
    auto remaining = std::make_shared<std::atomic<size_t>>(engine_->workspaces().size());
    startIndexing([gate = indexGate_, remaining](const IndexReport&) {
      if (--*remaining == 0) gate->release();
    });
  } else {
    startIndexing();  // first: the workflows' code tools below then reuse this refresh
  }
  watchWorkflows();  // another editor's workflows on the same folder show here too
  registerFileWatchers();
}

void LspServer::openWorkspaces(const std::vector<std::string>& roots) {
  if (!options_.workspaces) return;
  std::vector<std::shared_ptr<WorkspaceIndex>> indexes = engine_->workspaces();
  for (const auto& root : roots) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) {
      spdlog::warn("[{}] workspace folder {} is not a directory; not indexed", session_.peer, root);
      continue;
    }
    try {
      auto index = options_.workspaces->open(root);
      if (std::find(indexes.begin(), indexes.end(), index) == indexes.end()) {
        indexes.push_back(index);
        roots_.push_back(index->root());
      }
    } catch (const std::exception& e) {
      spdlog::error("[{}] cannot open the index of {}: {}", session_.peer, root, e.what());
    }
  }
  engine_->setWorkspaces(std::move(indexes));
}

// Indexes every workspace in the background, reporting through $/progress
// when the client supports it.
void LspServer::startIndexing(std::function<void(const IndexReport&)> done) {
  if (!options_.workspaces) return;
  for (const auto& index : engine_->workspaces()) {
    std::shared_ptr<WorkDoneProgress> progress;
    if (lsp::createsProgress(*client_)) {
      progress = WorkDoneProgress::create(session_.endpoint,
                                          "switchboard/index/" + std::to_string(++progressTokens_));
      progress->begin("Indexing " + index->root(), {}, false, 0);
    }
    auto lastReport = std::make_shared<std::chrono::steady_clock::time_point>();
    WorkspaceRegistry::RefreshListener listener;
    if (progress)
      listener.progress = [progress, lastReport](const IndexProgress& p) {
        auto now = std::chrono::steady_clock::now();
        if (now - *lastReport < std::chrono::milliseconds(100) && p.done != p.total) return;
        *lastReport = now;
        int pct = p.total ? static_cast<int>(100 * p.done / p.total) : 100;
        progress->report(std::to_string(p.done) + "/" + std::to_string(p.total) + " files", pct);
      };
    listener.done = [progress, done](const IndexReport& r) {
      if (progress) {
        // A failed pass (database locked, disk full) is a note from the
        // registry, as `switchboard index` reads it: the client shows it.
        auto failed = std::find_if(r.notes.begin(), r.notes.end(), [](const std::string& n) {
          return n.rfind("indexing failed", 0) == 0;
        });
        progress->end(failed != r.notes.end() ? *failed
                                              : std::to_string(r.scanned) + " files, " +
                                                    std::to_string(r.parsed) + " indexed");
      }
      if (done) done(r);
    };
    options_.workspaces->refresh(index, std::move(listener));
  }
}

void LspServer::registerFileWatchers() {
  std::vector<std::string> exts;
  for (const Language* lang : allLanguages())
    for (auto ext : lang->extensions) exts.emplace_back(ext.substr(1));
  auto registration = lsp::fileWatcherRegistration(*client_, exts);
  if (!registration) return;
  session_.endpoint->call("client/registerCapability", std::move(*registration),
                          [peer = session_.peer](const ResponseOrError& r) {
                            if (r.error)
                              spdlog::warn("[{}] file watcher registration refused: {}", peer,
                                           r.error->message);
                          });
}

void LspServer::didChangeWatchedFiles(const json& params) {
  std::vector<std::string> paths;
  for (const auto& change : params.at("changes"))
    if (auto path = fileUriToPath(change.value("uri", ""))) paths.push_back(*path);
  updateIndexesLater(workers_, engine_->workspaces(), std::move(paths));
}

void LspServer::didChangeConfiguration(const json& params) {
  std::vector<std::string> warnings;
  options_.settings =
      agents::mergeSettings(options_.settings, params.value("settings", json()), &warnings);
  for (const auto& w : warnings) spdlog::warn("[{}] settings: {}", session_.peer, w);
  applySettings(options_.settings, options_.engine);
  if (options_.statusBoard) options_.statusBoard->track(options_.engine.llm);
  engine_->setCompletion(options_.engine.llm, options_.engine.completion);
}

void LspServer::didChangeWorkspaceFolders(const json& params) {
  const json& event = params.at("event");
  std::vector<std::string> added;
  for (const auto& f : event.value("added", json::array()))
    if (auto path = fileUriToPath(f.value("uri", ""))) added.push_back(*path);
  std::vector<std::string> removed;
  for (const auto& f : event.value("removed", json::array()))
    if (auto path = fileUriToPath(f.value("uri", ""))) removed.push_back(*path);
  if (!removed.empty()) {
    auto indexes = engine_->workspaces();
    std::erase_if(indexes, [&](const auto& index) {
      return std::find(removed.begin(), removed.end(), index->root()) != removed.end();
    });
    std::erase_if(roots_, [&](const auto& r) {
      return std::find(removed.begin(), removed.end(), r) != removed.end();
    });
    engine_->setWorkspaces(std::move(indexes));
  }
  if (!added.empty()) {
    openWorkspaces(added);
    startIndexing();
  }
}

void LspServer::shutdown(const json&, Request& request) {
  phase_ = Phase::ShutDown;
  request.reply.result(nullptr);
}

void LspServer::exit(const json&) {
  int code = phase_ == Phase::ShutDown ? 0 : 1;
  spdlog::info("[{}] exit requested (code {})", session_.peer, code);
  if (indexGate_) indexGate_->shut();
  engine_.reset();
  if (options_.onExit) options_.onExit(code);
  session_.closeConnection();
}

void LspServer::cancelRequest(const json& params) {
  if (params.is_object() && params.contains("id")) session_.endpoint->cancel(params["id"]);
}

// ---- document sync ----

void LspServer::didOpen(const json& params) {
  const json& td = params.at("textDocument");
  engine_->open(td.at("uri").get<std::string>(), td.value("languageId", ""), td.value("version", 0),
                td.at("text").get<std::string>());
}

void LspServer::didChange(const json& params) {
  std::string uri = lsp::documentUri(params);
  int version = params["textDocument"].value("version", 0);
  engine_->change(uri, version, lsp::changesFromJson(params.at("contentChanges")),
                  client_->encoding);
}

void LspServer::didClose(const json& params) {
  std::string uri = lsp::documentUri(params);
  engine_->close(uri);
  // Clear the problems panel for a closed file.
  session_.endpoint->notify("textDocument/publishDiagnostics",
                            {{"uri", uri}, {"diagnostics", json::array()}});
}

// A saved file is re-indexed, for clients that do not watch files.
void LspServer::didSave(const json& params) {
  if (auto path = fileUriToPath(lsp::documentUri(params)))
    updateIndexesLater(workers_, engine_->workspaces(), {*path});
}

// ---- features ----

void LspServer::documentSymbol(const json& params, Request& request) {
  // Parse everything before moving the reply: a parse error must still answer.
  std::string uri = lsp::documentUri(params);
  engine_->outline(uri, request.cancel,
                   replyWith<OnSnapshot<std::vector<OutlineSymbol>>>(
                       std::move(request.reply), [client = client_](const auto& r) {
                         return lsp::outlineToJson(*r.doc, r.value, *client);
                       }));
}

void LspServer::foldingRange(const json& params, Request& request) {
  std::string uri = lsp::documentUri(params);
  engine_->folding(uri, request.cancel,
                   replyWith<OnSnapshot<std::vector<FoldingRegion>>>(
                       std::move(request.reply), [client = client_](const auto& r) {
                         return lsp::foldingToJson(r.value, *client);
                       }));
}

void LspServer::selectionRange(const json& params, Request& request) {
  std::string uri = lsp::documentUri(params);
  std::vector<Position> positions;
  for (const auto& p : params.at("positions")) positions.push_back(lsp::positionFromJson(p));
  engine_->selection(uri, std::move(positions), client_->encoding, request.cancel,
                     replyWith<OnSnapshot<std::vector<std::vector<ByteRange>>>>(
                         std::move(request.reply), [client = client_](const auto& r) {
                           return lsp::selectionToJson(*r.doc, r.value, *client);
                         }));
}

// ---- workspace features ----

namespace {

Position positionParam(const json& params) {
  return lsp::positionFromJson(params.at("position"));
}

}  // namespace

void LspServer::workspaceSymbol(const json& params, Request& request) {
  std::string query = params.value("query", "");
  engine_->workspaceSymbols(
      query, 200, client_->encoding, request.cancel,
      replyWith<std::vector<SymbolInfo>>(std::move(request.reply), [](const auto& r) {
        json out = json::array();
        for (const auto& s : r)
          out.push_back(lsp::workspaceSymbolToJson(s.name, static_cast<int>(s.kind), s.container,
                                                   {s.location.uri, s.location.range}));
        return out;
      }));
}

void LspServer::definition(const json& params, Request& request) {
  std::string uri = lsp::documentUri(params);
  Position at = positionParam(params);
  engine_->definition(
      uri, at, client_->encoding, request.cancel,
      replyWith<std::vector<SymbolInfo>>(std::move(request.reply), [](const auto& r) {
        json out = json::array();
        for (const auto& s : r)
          out.push_back(lsp::toJson(lsp::Location{s.location.uri, s.location.range}));
        return out;
      }));
}

void LspServer::references(const json& params, Request& request) {
  std::string uri = lsp::documentUri(params);
  Position at = positionParam(params);
  bool includeDeclaration = true;
  if (auto c = params.find("context"); c != params.end() && c->is_object())
    includeDeclaration = c->value("includeDeclaration", true);
  engine_->references(
      uri, at, client_->encoding, includeDeclaration, request.cancel,
      replyWith<std::vector<SourceLocation>>(std::move(request.reply), [](const auto& r) {
        json out = json::array();
        for (const auto& l : r) out.push_back(lsp::toJson(lsp::Location{l.uri, l.range}));
        return out;
      }));
}

void LspServer::hover(const json& params, Request& request) {
  std::string uri = lsp::documentUri(params);
  Position at = positionParam(params);
  engine_->hover(uri, at, client_->encoding, request.cancel,
                 replyWith<std::optional<HoverInfo>>(
                     std::move(request.reply), [client = client_](const auto& r) -> json {
                       if (!r) return nullptr;
                       const SymbolInfo& best = r->definitions.front();
                       return lsp::hoverToJson(r->range, best.language,
                                               best.signature.empty() ? best.name : best.signature,
                                               best.container, best.doc, r->definitions.size() - 1,
                                               *client);
                     }));
}

void LspServer::documentHighlight(const json& params, Request& request) {
  std::string uri = lsp::documentUri(params);
  Position at = positionParam(params);
  engine_->highlights(uri, at, client_->encoding, request.cancel,
                      replyWith<std::vector<Range>>(std::move(request.reply), [](const auto& r) {
                        json out = json::array();
                        for (const auto& range : r)
                          out.push_back({{"range", lsp::toJson(range)}, {"kind", 1}});
                        return out;
                      }));
}

namespace {

std::vector<lsp::CompletionChoice> choices(const CompletionOutcome& outcome) {
  std::vector<lsp::CompletionChoice> out;
  out.reserve(outcome.items.size());
  for (const auto& c : outcome.items)
    out.push_back({c.insertText, c.replace, c.label, c.detail, c.kind, c.fromModel});
  return out;
}

}  // namespace

void LspServer::completion(const json& params, Request& request) {
  std::string uri = lsp::documentUri(params);
  Position at = positionParam(params);
  CancelToken cancel = request.cancel;
  engine_->complete(
      uri, at, client_->encoding, request.cancel,
      replyWith<CompletionOutcome>(
          std::move(request.reply), [cancel, client = client_](const CompletionOutcome& r) {
            if (cancel.cancelled()) throw RpcException(rpc::RequestCancelled, "request cancelled");
            return lsp::completionListToJson(choices(r), *client);
          }));
}

void LspServer::inlineCompletion(const json& params, Request& request) {
  std::string uri = lsp::documentUri(params);
  Position at = positionParam(params);
  CancelToken cancel = request.cancel;
  engine_->complete(
      uri, at, client_->encoding, request.cancel,
      replyWith<CompletionOutcome>(std::move(request.reply), [cancel](const CompletionOutcome& r) {
        if (cancel.cancelled()) throw RpcException(rpc::RequestCancelled, "request cancelled");
        return lsp::inlineCompletionToJson(choices(r));
      }));
}

void LspServer::executeCommand(const json& params, Request& request) {
  std::string command = params.at("command").get<std::string>();
  if (command == "switchboard.rescan") {
    if (engine_->workspaces().empty())
      throw RpcException(rpc::InvalidParams, "no workspace folder to index: open a folder first");
    auto reply = std::make_shared<Reply>(std::move(request.reply));
    auto remaining = std::make_shared<std::atomic<size_t>>(engine_->workspaces().size());
    auto totals = std::make_shared<json>(json::array());
    auto mu = std::make_shared<std::mutex>();
    startIndexing([reply, remaining, totals, mu](const IndexReport& r) {
      {
        std::lock_guard lock(*mu);
        totals->push_back({{"files", r.scanned},
                           {"indexed", r.parsed},
                           {"unchanged", r.unchanged},
                           {"removed", r.removed},
                           {"seconds", r.seconds}});
      }
      if (--*remaining == 0) reply->result(*totals);
    });
    return;
  }
  if (command == "switchboard.repoMap") {
    size_t tokens = 1024;
    if (auto args = params.find("arguments");
        args != params.end() && args->is_array() && !args->empty() && (*args)[0].is_object())
      tokens = (*args)[0].value("tokens", size_t{1024});
    engine_->repoMap(
        tokens, request.cancel,
        replyWith<std::string>(std::move(request.reply), [](const std::string& m) { return m; }));
    return;
  }
  if (workflowCommand(command, params, request)) return;
  if (isActionCommand(command)) return runAction(command, params, request);
  throw RpcException(rpc::InvalidParams, "unknown command '" + command + "'");
}

}  // namespace sb
