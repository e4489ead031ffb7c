#include "McpServer.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "protocol/McpSchema.h"
#include "protocol/McpVersion.h"

namespace sb {
namespace {

constexpr size_t kPageSize = 50;
// RFC 5424 severities, as MCP's logging uses them, least severe first.
const std::array<std::string_view, 8> kLevels = {"debug", "info",     "notice", "warning",
                                                 "error", "critical", "alert",  "emergency"};

int levelIndex(std::string_view level) {
  for (size_t i = 0; i < kLevels.size(); ++i)
    if (kLevels[i] == level) return static_cast<int>(i);
  return -1;
}

// Cursors are offsets into the list, opaque to clients.
size_t cursorOffset(const json& params) {
  if (!params.is_object() || !params.contains("cursor") || params["cursor"].is_null()) return 0;
  const json& c = params["cursor"];
  if (!c.is_string()) throw RpcException(rpc::InvalidParams, "cursor must be a string");
  try {
    size_t used = 0;
    size_t n = std::stoul(c.get<std::string>(), &used);
    if (used != c.get<std::string>().size()) throw std::invalid_argument("cursor");
    return n;
  } catch (const std::exception&) {
    throw RpcException(rpc::InvalidParams, "invalid cursor");
  }
}

template <class Item, class ToJson>
json page(const std::vector<Item>& items, const json& params, const char* key, ToJson toJson) {
  size_t offset = cursorOffset(params);
  if (offset > items.size()) throw RpcException(rpc::InvalidParams, "invalid cursor");
  json list = json::array();
  size_t end = std::min(items.size(), offset + kPageSize);
  for (size_t i = offset; i < end; ++i) list.push_back(toJson(items[i]));
  json out = {{key, std::move(list)}};
  if (end < items.size()) out["nextCursor"] = std::to_string(end);
  return out;
}

void putIfNotEmpty(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

}  // namespace

McpToolResult McpToolResult::text(std::string text, json structured) {
  McpToolResult r;
  r.content.push_back({{"type", "text"}, {"text", std::move(text)}});
  r.structured = std::move(structured);
  return r;
}

McpToolResult McpToolResult::error(std::string message) {
  McpToolResult r = text(std::move(message));
  r.isError = true;
  return r;
}

struct McpServer::Watch {
  explicit Watch(boost::asio::thread_pool::executor_type ex) : timer(ex) {}
  std::mutex mu;
  std::map<std::string, std::string> stamps;  // subscribed URI -> last stamp seen
  bool running = false, stopped = false;
  boost::asio::steady_timer timer;
};

McpServer::McpServer(const SessionContext& session, Workers& workers,
                     std::shared_ptr<const McpCatalog> catalog)
    : session_(session),
      workers_(workers),
      catalog_(std::move(catalog)),
      watch_(std::make_shared<Watch>(workers.executor())) {}

McpServer::~McpServer() {
  std::lock_guard lock(watch_->mu);
  watch_->stopped = true;
  watch_->timer.cancel();
}

// Once a second, compares each subscribed resource's stamp with the last one
// and sends notifications/resources/updated for those that changed.
void McpServer::startWatching() {
  std::weak_ptr<RpcEndpoint> endpoint = session_.endpoint;
  auto watch = watch_;
  auto catalog = catalog_;
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [watch, catalog, endpoint, weakTick = std::weak_ptr<std::function<void()>>(tick)] {
    std::map<std::string, std::string> current;
    {
      std::lock_guard lock(watch->mu);
      if (watch->stopped) return;
      current = watch->stamps;
    }
    std::vector<std::string> changed;
    for (auto& [uri, stamp] : current) {
      std::string now = catalog->resourceStamp(uri);
      if (!now.empty() && now != stamp) {
        changed.push_back(uri);
        current[uri] = now;
      }
    }
    auto ep = endpoint.lock();
    std::lock_guard lock(watch->mu);
    if (watch->stopped || !ep) return;
    for (auto& uri : changed) {
      if (!watch->stamps.count(uri)) continue;  // unsubscribed meanwhile
      watch->stamps[uri] = current[uri];
      ep->notify("notifications/resources/updated", {{"uri", uri}});
    }
    auto next = weakTick.lock();
    if (!next) return;
    watch->timer.expires_after(std::chrono::seconds(1));
    watch->timer.async_wait([next](boost::system::error_code ec) {
      if (!ec) (*next)();
    });
  };
  std::lock_guard lock(watch_->mu);
  watch_->timer.expires_after(std::chrono::seconds(1));
  // The timer's handler owns the tick function, which re-arms the timer.
  watch_->timer.async_wait([tick](boost::system::error_code ec) {
    if (!ec) (*tick)();
  });
}

std::string McpServer::protocolVersion() const {
  std::lock_guard lock(mu_);
  return version_;
}

void McpServer::onRequest(Request request) {
  using Handler = void (McpServer::*)(const json&, Reply&);
  static const std::unordered_map<std::string_view, Handler> kHandlers = {
      {"tools/list", &McpServer::listTools},
      {"resources/list", &McpServer::listResources},
      {"resources/templates/list", &McpServer::listTemplates},
      {"resources/read", &McpServer::readResource},
      {"prompts/list", &McpServer::listPrompts},
      {"prompts/get", &McpServer::getPrompt},
      {"logging/setLevel", &McpServer::setLevel},
      {"completion/complete", &McpServer::complete},
  };
  const json params = request.params.is_null() ? json::object() : std::move(request.params);
  try {
    if (request.method == "ping") return request.reply.result(json::object());
    if (request.method == "initialize") return initialize(params, request.reply);
    if (phase_ == Phase::New)
      return request.reply.error(rpc::ServerNotInitialized,
                                 "server not initialized: send 'initialize' first");
    if (!params.is_object()) throw RpcException(rpc::InvalidParams, "params must be an object");
    if (request.method == "tools/call") return callTool(params, request);
    if (request.method == "resources/subscribe") return subscribe(params, request.reply, true);
    if (request.method == "resources/unsubscribe") return subscribe(params, request.reply, false);
    auto it = kHandlers.find(request.method);
    if (it == kHandlers.end())
      return request.reply.error(rpc::MethodNotFound, "Method not found: " + request.method);
    (this->*(it->second))(params, request.reply);
  } catch (const RpcException& e) {
    request.reply.error(e.error);
  } catch (const json::exception& e) {
    request.reply.error(rpc::InvalidParams, std::string("Invalid params: ") + e.what());
  } catch (const std::invalid_argument& e) {
    request.reply.error(rpc::InvalidParams, std::string("Invalid params: ") + e.what());
  } catch (const std::exception& e) {
    request.reply.error(rpc::InternalError, e.what());
  }
}

void McpServer::onNotification(std::string_view method, const json& params) {
  if (method == "notifications/cancelled") {
    if (params.is_object() && params.contains("requestId"))
      session_.endpoint->cancel(params["requestId"]);
    return;
  }
  if (method == "notifications/initialized" || method == "notifications/roots/list_changed" ||
      method == "notifications/progress")
    return;
  spdlog::debug("[{}] ignoring MCP notification {}", session_.peer, method);
}

void McpServer::onDisconnect() {
  std::lock_guard lock(watch_->mu);
  watch_->stopped = true;
  watch_->timer.cancel();
}

void McpServer::initialize(const json& params, Reply& reply) {
  if (!params.is_object())
    throw RpcException(rpc::InvalidParams, "initialize params must be an object");
  if (phase_ != Phase::New)
    throw RpcException(rpc::InvalidRequest, "initialize may only be sent once");
  auto requested = params.find("protocolVersion");
  if (requested == params.end() || !requested->is_string())
    throw RpcException(rpc::InvalidParams, "protocolVersion must be a string");
  std::string version = mcp::negotiateVersion(requested->get<std::string>());
  {
    std::lock_guard lock(mu_);
    version_ = version;
  }
  phase_ = Phase::Initialized;
  std::string client = params.contains("clientInfo") && params["clientInfo"].is_object()
                           ? params["clientInfo"].value("name", "an unnamed client")
                           : "an unnamed client";
  spdlog::info("[{}] MCP initialize from {} (protocol {})", session_.peer, client, version);
  json capabilities = {
      {"tools", {{"listChanged", true}}},
      {"resources", {{"subscribe", true}, {"listChanged", true}}},
      {"prompts", {{"listChanged", true}}},
      {"logging", json::object()},
      {"completions", json::object()},
  };
  json serverInfo = {{"name", catalog_->name}, {"version", catalog_->version}};
  if (version != "2025-03-26") putIfNotEmpty(serverInfo, "title", catalog_->title);
  json result = {
      {"protocolVersion", version}, {"capabilities", capabilities}, {"serverInfo", serverInfo}};
  putIfNotEmpty(result, "instructions", catalog_->instructions);
  reply.result(std::move(result));
}

void McpServer::listTools(const json& params, Reply& reply) {
  reply.result(page(catalog_->tools, params, "tools", [](const McpTool& t) {
    json j = {{"name", t.name}, {"description", t.description}, {"inputSchema", t.inputSchema}};
    putIfNotEmpty(j, "title", t.title);
    if (!t.outputSchema.is_null()) j["outputSchema"] = t.outputSchema;
    if (!t.annotations.is_null()) j["annotations"] = t.annotations;
    return j;
  }));
}

void McpServer::callTool(const json& params, Request& request) {
  auto name = params.find("name");
  if (name == params.end() || !name->is_string())
    throw RpcException(rpc::InvalidParams, "tools/call needs a tool name");
  const McpTool* tool = nullptr;
  for (const auto& t : catalog_->tools)
    if (t.name == name->get<std::string>()) tool = &t;
  if (!tool) throw RpcException(rpc::InvalidParams, "Unknown tool: " + name->get<std::string>());
  json args = params.value("arguments", json::object());
  auto reply = std::make_shared<Reply>(std::move(request.reply));
  auto finish = [reply, hasOutput = !tool->outputSchema.is_null()](McpToolResult r) {
    json out = {{"content", std::move(r.content)}};
    if (!r.structured.is_null() && (hasOutput || !r.isError))
      out["structuredContent"] = std::move(r.structured);
    if (r.isError) out["isError"] = true;
    reply->result(std::move(out));
  };
  // Bad arguments are the model's to fix: a tool error, not a protocol error.
  if (auto problem = mcp::validateArguments(tool->inputSchema, args))
    return finish(McpToolResult::error("Invalid arguments for " + tool->name + ": " + *problem));
  if (tool->answerInline) {
    try {
      if (auto r = tool->answerInline(args)) return finish(std::move(*r));
    } catch (const std::exception& e) {
      return finish(McpToolResult::error(std::string("tool failed: ") + e.what()));
    }
  }

  McpToolContext ctx;
  ctx.cancel = request.cancel;
  std::weak_ptr<RpcEndpoint> weak = session_.endpoint;
  if (auto meta = params.find("_meta");
      meta != params.end() && meta->is_object() && meta->contains("progressToken")) {
    json token = (*meta)["progressToken"];
    ctx.progress = [weak, token](double progress, std::optional<double> total,
                                 const std::string& message) {
      auto ep = weak.lock();
      if (!ep) return;
      json p = {{"progressToken", token}, {"progress", progress}};
      if (total) p["total"] = *total;
      if (!message.empty()) p["message"] = message;
      ep->notify("notifications/progress", std::move(p));
    };
  } else {
    ctx.progress = [](double, std::optional<double>, const std::string&) {};
  }
  ctx.log = [state = logState_, weak](const std::string& level, const json& data) {
    log(state, weak, level, data);
  };
  ctx.request = [weak](const std::string& method, json p,
                       std::function<void(ResponseOrError)> done) {
    if (auto ep = weak.lock()) return ep->call(method, std::move(p), std::move(done));
    ResponseOrError r;
    r.error = RpcError{rpc::InternalError, "session closed", nullptr};
    done(std::move(r));
  };
  auto run = [tool, args = std::move(args), ctx = std::move(ctx),
              finish = std::move(finish)]() mutable {
    if (ctx.cancel.cancelled()) return finish(McpToolResult::error("cancelled"));
    try {
      tool->call(args, std::move(ctx), finish);
    } catch (const std::exception& e) {
      finish(McpToolResult::error(std::string("tool failed: ") + e.what()));
    }
  };
  boost::asio::post(workers_.executor(), std::move(run));
}

void McpServer::listResources(const json& params, Reply& reply) {
  std::vector<McpResource> resources;
  if (catalog_->listResources) resources = catalog_->listResources();
  reply.result(page(resources, params, "resources", [](const McpResource& r) {
    json j = {{"uri", r.uri}, {"name", r.name}};
    putIfNotEmpty(j, "title", r.title);
    putIfNotEmpty(j, "description", r.description);
    putIfNotEmpty(j, "mimeType", r.mimeType);
    return j;
  }));
}

void McpServer::listTemplates(const json& params, Reply& reply) {
  reply.result(
      page(catalog_->templates, params, "resourceTemplates", [](const McpResourceTemplate& t) {
        json j = {{"uriTemplate", t.uriTemplate}, {"name", t.name}};
        putIfNotEmpty(j, "title", t.title);
        putIfNotEmpty(j, "description", t.description);
        putIfNotEmpty(j, "mimeType", t.mimeType);
        return j;
      }));
}

void McpServer::readResource(const json& params, Reply& reply) {
  std::string uri = params.at("uri").get<std::string>();
  std::optional<json> contents =
      catalog_->readResource ? catalog_->readResource(uri) : std::nullopt;
  if (!contents) {
    RpcError e{-32002, "Resource not found: " + uri, {{"uri", uri}}};
    return reply.error(std::move(e));
  }
  reply.result({{"contents", std::move(*contents)}});
}

void McpServer::subscribe(const json& params, Reply& reply, bool on) {
  std::string uri = params.at("uri").get<std::string>();
  {
    std::lock_guard lock(mu_);
    if (on)
      subscriptions_.insert(uri);
    else
      subscriptions_.erase(uri);
  }
  if (catalog_->resourceStamp) {
    std::string stamp = on ? catalog_->resourceStamp(uri) : std::string();
    bool start = false;
    {
      std::lock_guard lock(watch_->mu);
      if (on)
        watch_->stamps[uri] = stamp;
      else
        watch_->stamps.erase(uri);
      start = on && !watch_->running;
      if (start) watch_->running = true;
    }
    if (start) startWatching();
  }
  reply.result(json::object());
}

void McpServer::listPrompts(const json& params, Reply& reply) {
  reply.result(page(catalog_->prompts, params, "prompts", [](const McpPrompt& p) {
    json args = json::array();
    for (const auto& a : p.arguments) {
      json arg = {{"name", a.name}, {"required", a.required}};
      putIfNotEmpty(arg, "description", a.description);
      args.push_back(std::move(arg));
    }
    json j = {{"name", p.name}, {"arguments", std::move(args)}};
    putIfNotEmpty(j, "title", p.title);
    putIfNotEmpty(j, "description", p.description);
    return j;
  }));
}

void McpServer::getPrompt(const json& params, Reply& reply) {
  std::string name = params.at("name").get<std::string>();
  json args = params.value("arguments", json::object());
  for (const auto& p : catalog_->prompts) {
    if (p.name != name) continue;
    for (const auto& a : p.arguments)
      if (a.required && (!args.is_object() || !args.contains(a.name)))
        throw RpcException(rpc::InvalidParams, "missing required argument '" + a.name + "'");
    return reply.result(p.get(args));
  }
  throw RpcException(rpc::InvalidParams, "Unknown prompt: " + name);
}

void McpServer::setLevel(const json& params, Reply& reply) {
  std::string level = params.at("level").get<std::string>();
  int index = levelIndex(level);
  if (index < 0) throw RpcException(rpc::InvalidParams, "unknown log level '" + level + "'");
  {
    std::lock_guard lock(logState_->mu);
    logState_->threshold = index;
  }
  reply.result(json::object());
}

void McpServer::log(const std::shared_ptr<LogState>& state,
                    const std::weak_ptr<RpcEndpoint>& endpoint, const std::string& level,
                    const json& data) {
  int index = levelIndex(level);
  {
    std::lock_guard lock(state->mu);
    if (index < state->threshold) return;
  }
  if (auto ep = endpoint.lock())
    ep->notify("notifications/message",
               {{"level", level}, {"logger", "switchboard"}, {"data", data}});
}

void McpServer::complete(const json& params, Reply& reply) {
  const json& ref = params.at("ref");
  const json& argument = params.at("argument");
  std::string type = ref.at("type").get<std::string>();
  std::string key = type == "ref/prompt" ? ref.at("name").get<std::string>() : ref.value("uri", "");
  std::vector<std::string> values;
  if (catalog_->complete)
    values = catalog_->complete(type, key, argument.at("name").get<std::string>(),
                                argument.value("value", ""));
  size_t total = values.size();
  if (values.size() > 100) values.resize(100);
  reply.result(
      {{"completion", {{"values", values}, {"total", total}, {"hasMore", total > values.size()}}}});
}

}  // namespace sb
