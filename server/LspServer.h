// The LSP front end: translates LSP messages into Engine calls and results
// back into LSP JSON shaped for the client by protocol/ClientTranslation.h
// and protocol/LspConvert.h, from the client's protocol/ClientProfile.h.
// One instance per connection.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "Engine.h"
#include "FirstIndexGate.h"
#include "Transport.h"
#include "WorkflowHub.h"
#include "WorkspaceRegistry.h"
#include "agents/Config.h"
#include "protocol/ClientProfile.h"

namespace sb {

class StatusPublisher;

struct LspOptions {
  EngineOptions engine;
  // Called when the client sends "exit": 0 after a shutdown request, else 1.
  std::function<void(int exitCode)> onExit;
  // Where workspace indexes come from; null disables indexing.
  WorkspaceRegistry* workspaces = nullptr;
  // The process's workflow runners; null: no workflow commands.
  WorkflowHub* workflows = nullptr;
  // Where this session's model router is reported for `switchboard status`
  // (when the client's settings give it its own); null: nowhere.
  StatusPublisher* statusBoard = nullptr;
  // The settings from files and environment; the client's
  // initializationOptions and didChangeConfiguration are merged on top.
  agents::Settings settings;
  // Clients must present this in initializationOptions.token (TCP listeners
  // that accept remote peers); empty: no token needed.
  std::string requiredToken;
  // Pipe mode: initialize params used when the first message is not
  // "initialize", so scripts can send requests straight away.
  std::optional<json> implicitInitialize;
  // Pipe mode: requests answered from the workspace index (workspace/symbol,
  // definition, references, hover, repoMap) wait for the first indexing pass.
  bool awaitFirstIndex = false;
};

class LspServer final : public FrontEnd {
 public:
  LspServer(const SessionContext& session, Workers& workers, LspOptions options);
  ~LspServer() override;

  void onRequest(Request request) override;
  void onNotification(std::string_view method, const json& params) override;
  void onDisconnect() override;

 private:
  enum class Phase { Uninitialized, Initialized, ShutDown };
  using RequestHandler = void (LspServer::*)(const json& params, Request& request);
  using NotificationHandler = void (LspServer::*)(const json& params);

  static bool readsIndex(const Request& request);
  void dispatch(RequestHandler handler, Request& request);

  void initialize(const json& params, Request& request);
  void shutdown(const json& params, Request& request);
  void documentSymbol(const json& params, Request& request);
  void foldingRange(const json& params, Request& request);
  void selectionRange(const json& params, Request& request);
  void workspaceSymbol(const json& params, Request& request);
  void definition(const json& params, Request& request);
  void references(const json& params, Request& request);
  void hover(const json& params, Request& request);
  void documentHighlight(const json& params, Request& request);
  void executeCommand(const json& params, Request& request);
  void completion(const json& params, Request& request);
  void inlineCompletion(const json& params, Request& request);

  void initialized(const json& params);
  void exit(const json& params);
  void didOpen(const json& params);
  void didChange(const json& params);
  void didClose(const json& params);
  void didSave(const json& params);
  void cancelRequest(const json& params);
  void didChangeWatchedFiles(const json& params);
  void didChangeWorkspaceFolders(const json& params);
  void didChangeConfiguration(const json& params);

  void openWorkspaces(const std::vector<std::string>& roots);
  void startIndexing(std::function<void(const IndexReport&)> done = {});
  void registerFileWatchers();

  // ---- AI code actions (LspCodeActions.cpp) ----
  struct RunningActions;  // progress tokens -> cancellation, for window/workDoneProgress/cancel
  // The switchboard.<action> command names, for executeCommandProvider.
  static std::vector<std::string> actionCommands();
  // True if `command` is one of them.
  static bool isActionCommand(std::string_view command);
  void codeAction(const json& params, Request& request);
  // workspace/executeCommand switchboard.explain|fix|document|writeTests|refactor.
  void runAction(const std::string& command, const json& params, Request& request);
  void workDoneProgressCancel(const json& params);
  std::shared_ptr<RunningActions> actions_;
  // ---- end of code actions ----

  // ---- workflows and status (LspWorkflows.cpp) ----
  struct WorkflowWatch;
  bool workflowCommand(const std::string& command, const json& params, Request& request);
  void watchWorkflows();
  void unwatchWorkflows();
  agents::ClientApplier clientApplier(const std::string& root);

  SessionContext session_;
  Workers& workers_;
  LspOptions options_;
  Phase phase_ = Phase::Uninitialized;
  std::shared_ptr<const ClientProfile> client_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::string> roots_;
  int progressTokens_ = 0;
  std::shared_ptr<WorkflowWatch> workflowWatch_;
  std::vector<int> workflowTokens_;
  std::shared_ptr<FirstIndexGate> indexGate_;  // only with awaitFirstIndex
};

}  // namespace sb
