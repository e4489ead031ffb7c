#include "LspServer.h"

#include <unordered_map>

#include <spdlog/spdlog.h>

#include "protocol/LspConvert.h"

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
      }
    }
    try {
      shared->result(convert(std::get<T>(result)));
    } catch (const std::exception& e) {
      shared->error(rpc::InternalError, e.what());
    }
  };
}

}  // namespace

LspServer::LspServer(const SessionContext& session, Workers& workers, LspOptions options)
    : session_(session), workers_(workers), options_(std::move(options)) {}

LspServer::~LspServer() = default;

void LspServer::onRequest(Request request) {
  static const std::unordered_map<std::string_view, RequestHandler> kHandlers = {
      {"initialize", &LspServer::initialize},
      {"shutdown", &LspServer::shutdown},
      {"textDocument/documentSymbol", &LspServer::documentSymbol},
      {"textDocument/foldingRange", &LspServer::foldingRange},
      {"textDocument/selectionRange", &LspServer::selectionRange},
  };
  if (phase_ == Phase::Uninitialized && request.method != "initialize")
    return request.reply.error(rpc::ServerNotInitialized,
                               "server not initialized: send 'initialize' first");
  if (phase_ == Phase::ShutDown)
    return request.reply.error(rpc::InvalidRequest,
                               "server is shutting down: only 'exit' is accepted");
  auto it = kHandlers.find(request.method);
  if (it == kHandlers.end())
    return request.reply.error(rpc::MethodNotFound, "Method not found: " + request.method);
  if (request.cancel.cancelled())
    return request.reply.error(rpc::RequestCancelled, "request cancelled");
  const json params = std::move(request.params);
  try {
    (this->*(it->second))(params, request);
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

void LspServer::onDisconnect() { engine_.reset(); }

// ---- lifecycle ----

void LspServer::initialize(const json& params, Request& request) {
  if (phase_ != Phase::Uninitialized)
    throw RpcException(rpc::InvalidRequest, "initialize may only be sent once");
  if (!params.is_object()) throw std::invalid_argument("initialize params must be an object");
  client_ = std::make_shared<const ClientProfile>(profileFromInitialize(params));
  std::weak_ptr<RpcEndpoint> endpoint = session_.endpoint;
  auto client = client_;
  engine_ = std::make_unique<Engine>(
      workers_, options_.engine,
      [endpoint, client](const SnapshotPtr& doc, const std::vector<SyntaxDiagnostic>& diagnostics) {
        if (auto ep = endpoint.lock())
          ep->notify("textDocument/publishDiagnostics",
                     lsp::diagnosticsToJson(*doc, diagnostics, *client));
      });
  phase_ = Phase::Initialized;
  spdlog::info("[{}] initialize from {} {} (position encoding {})", session_.peer,
               client_->name.empty() ? "an unnamed client" : client_->name, client_->version,
               encodingName(client_->encoding));
  json capabilities = {
      {"positionEncoding", encodingName(client_->encoding)},
      {"textDocumentSync",
       {{"openClose", true}, {"change", 2 /* incremental */}, {"save", {{"includeText", false}}}}},
      {"documentSymbolProvider", true},
      {"foldingRangeProvider", true},
      {"selectionRangeProvider", true},
  };
  request.reply.result({{"capabilities", std::move(capabilities)},
                        {"serverInfo", {{"name", "switchboard"}, {"version", SWITCHBOARD_VERSION}}}});
}

void LspServer::initialized(const json&) {}

void LspServer::shutdown(const json&, Request& request) {
  phase_ = Phase::ShutDown;
  request.reply.result(nullptr);
}

void LspServer::exit(const json&) {
  int code = phase_ == Phase::ShutDown ? 0 : 1;
  spdlog::info("[{}] exit requested (code {})", session_.peer, code);
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

void LspServer::didSave(const json&) {}

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
  engine_->selection(uri, std::move(positions), client_->encoding,
                     request.cancel,
                     replyWith<OnSnapshot<std::vector<std::vector<ByteRange>>>>(
                         std::move(request.reply), [client = client_](const auto& r) {
                           return lsp::selectionToJson(*r.doc, r.value, *client);
                         }));
}

}  // namespace sb
