// switchboard: entry point. Parses the command line, sets up logging and the
// worker pool, and starts the requested front end on its transport.
#include <malloc.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <memory>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "CommandLine.h"
#include "CompleteCommand.h"
#include "ConfigCommand.h"
#include "DaemonStatus.h"
#include "Demo.h"
#include "FileCommands.h"
#include "HttpServer.h"
#include "IndexCommands.h"
#include "LlmSettings.h"
#include "LspServer.h"
#include "McpAgentTools.h"
#include "McpCodeTools.h"
#include "McpHttpTransport.h"
#include "McpServer.h"
#include "SocketServer.h"
#include "StatusCommand.h"
#include "StdioTransport.h"
#include "WorkflowCommands.h"
#include "WorkflowHub.h"
#include "protocol/Uri.h"

namespace {

using namespace sb;

// Logs never go to stdout: in stdio mode it carries the protocol.
bool setUpLogging(const CommandLine& cl) {
  try {
    std::shared_ptr<spdlog::logger> logger;
    if (cl.has("--log-file"))
      logger = spdlog::basic_logger_mt("switchboard", cl.get("--log-file"));
    else
      logger = spdlog::stderr_color_mt("switchboard");
    auto level = spdlog::level::from_str(cl.get("--log-level", "warn"));
    if (level == spdlog::level::off && cl.get("--log-level", "warn") != "off") {
      std::cerr << "unknown --log-level '" << cl.get("--log-level") << "'\n";
      return false;
    }
    logger->set_level(level);
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
  } catch (const spdlog::spdlog_ex& e) {
    std::cerr << "cannot set up logging: " << e.what() << "\n";
    return false;
  }
  return true;
}

// The agents settings the process started with; loadSettings already
// skipped a layer whose "agents" object is invalid.
std::shared_ptr<const agents::RoleSet> startupRoles(const agents::Settings& settings) {
  auto roles = std::make_shared<agents::RoleSet>();
  try {
    roles->configure(settings.agents);
  } catch (const std::invalid_argument& e) {
    spdlog::error("settings: {}", e.what());
  }
  return roles;
}

bool numberOption(const CommandLine& cl, const std::string& name, size_t& out) {
  if (!cl.has(name)) return true;
  try {
    size_t used = 0;
    long long v = std::stoll(cl.get(name), &used);
    if (used != cl.get(name).size() || v < 0) throw std::invalid_argument(name);
    out = static_cast<size_t>(v);
    return true;
  } catch (const std::exception&) {
    std::cerr << name << " needs a non-negative number, got '" << cl.get(name) << "'\n";
    return false;
  }
}

// `switchboard pipe`: the LSP methods over newline-delimited JSON on stdio,
// initialized implicitly for the current directory, one response per line.
int servePipe(const CommandLine& cl, Workers& workers, LspOptions options, size_t maxMessage) {
  std::string root =
      std::filesystem::absolute(cl.get("--workspace", ".")).lexically_normal().string();
  if (root.size() > 1 && root.back() == '/') root.pop_back();
  options.implicitInitialize =
      json{{"processId", nullptr},
           {"clientInfo", {{"name", "switchboard-pipe"}}},
           {"rootUri", pathToFileUri(root)},
           {"capabilities",
            {{"general", {{"positionEncodings", {"utf-8", "utf-16"}}}},
             {"textDocument",
              {{"documentSymbol", {{"hierarchicalDocumentSymbolSupport", true}}},
               {"hover", {{"contentFormat", {"markdown", "plaintext"}}}}}}}}};
  // A script's one-shot query must not be answered from an index still empty.
  options.awaitFirstIndex = true;
  int exitCode = 0;
  options.onExit = [&exitCode](int code) { exitCode = code; };
  StdioOptions stdio;
  stdio.framing = Framing::Lines;
  stdio.maxMessageBytes = maxMessage;
  stdio.responsesOnly = true;
  serveStdio(stdio, [&](const SessionContext& ctx) {
    return std::make_unique<LspServer>(ctx, workers, options);
  });
  return exitCode;
}

// `switchboard mcp [DIR] --http HOST:PORT`: MCP's Streamable HTTP transport.
int serveMcpHttp(const CommandLine& cl, const McpServerFactory& makeServer, size_t maxMessage) {
  std::string error;
  auto address = parseListenAddress("tcp://" + cl.get("--http"), error);
  if (!address) {
    std::cerr << "--http: " << error << "\n";
    return 2;
  }
  McpHttpOptions http;
  size_t idleSeconds = static_cast<size_t>(http.idleTimeout.count());
  if (!numberOption(cl, "--session-idle-seconds", idleSeconds)) return 2;
  http.idleTimeout = std::chrono::seconds(idleSeconds);
  http.token = cl.get("--token");
  if (http.token.empty())
    if (const char* env = std::getenv("SWITCHBOARD_MCP_TOKEN")) http.token = env;
  if (!isLoopbackHost(address->host)) {
    // Off loopback anyone on the network could drive the tools: both are required.
    if (!cl.has("--allow-remote") || http.token.empty()) {
      std::cerr << "switchboard mcp: --http on non-loopback address " << address->host
                << " needs --allow-remote and --token\n";
      return 2;
    }
    http.allowRemote = true;
  }
  McpHttpTransport transport(http, makeServer);
  HttpServerOptions options;
  options.host = address->host;
  options.port = address->port;
  // HTTP bodies are one message each: 4 MiB unless --max-message-bytes says otherwise.
  options.maxBodyBytes =
      cl.has("--max-message-bytes") ? maxMessage : std::min<size_t>(maxMessage, 4 << 20);
  try {
    HttpServer server(options, [&transport](HttpRequest req, std::shared_ptr<HttpExchange> ex) {
      transport.handle(std::move(req), std::move(ex));
    });
    // The real port on stderr lets scripts and tests use port 0.
    std::cerr << "switchboard: MCP on http://" << server.host() << ":" << server.port() << "/mcp"
              << std::endl;
    server.run();
  } catch (const std::exception& e) {
    std::cerr << "switchboard mcp: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

// `switchboard mcp [DIR]`: the code tools over MCP's stdio transport.
int serveMcp(const CommandLine& cl, Workers& workers, WorkspaceRegistry& registry, WorkflowHub& hub,
             const LspOptions& options, size_t maxMessage) {
  std::string root = cl.args.empty() ? std::string(".") : cl.args.front();
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    std::cerr << "switchboard mcp: " << root << " is not a directory\n";
    return 2;
  }
  std::shared_ptr<const McpCatalog> catalog;
  try {
    std::string canonical = std::filesystem::weakly_canonical(root).string();
    catalog = withAgentTools(hub.catalog(canonical), {canonical, &hub, &registry, &workers,
                                                      options.engine, options.settings});
  } catch (const std::exception& e) {
    std::cerr << "switchboard mcp: " << e.what() << "\n";
    return 2;
  }
  Workers toolWorkers(4);
  if (cl.has("--http"))
    return serveMcpHttp(
        cl,
        [&](const SessionContext& ctx) {
          return std::make_unique<McpServer>(ctx, toolWorkers, catalog);
        },
        maxMessage);
  StdioOptions stdio;
  stdio.framing = Framing::Lines;
  stdio.maxMessageBytes = maxMessage;
  serveStdio(stdio, [&](const SessionContext& ctx) {
    return std::make_unique<McpServer>(ctx, toolWorkers, catalog);
  });
  return 0;
}

int serveLsp(const CommandLine& cl, Workers& workers, LspOptions options, size_t maxMessage) {
  if (!cl.has("--listen")) {
    int exitCode = 1;  // exit without shutdown, or stdin closed
    options.onExit = [&exitCode](int code) { exitCode = code; };
    StdioOptions stdio;
    stdio.maxMessageBytes = maxMessage;
    serveStdio(stdio, [&](const SessionContext& ctx) {
      return std::make_unique<LspServer>(ctx, workers, options);
    });
    return exitCode;
  }
  std::string error;
  auto address = parseListenAddress(cl.get("--listen"), error);
  if (!address) {
    std::cerr << "--listen: " << error << "\n";
    return 2;
  }
  SocketServerOptions so;
  so.address = *address;
  so.maxMessageBytes = maxMessage;
  so.allowRemote = cl.has("--allow-remote");
  // Anyone who can reach a remote-facing port could otherwise drive the
  // daemon (read the workspace, spend the model budget): a token is required.
  const char* envToken = std::getenv("SWITCHBOARD_LSP_TOKEN");
  options.requiredToken = cl.get("--token", envToken ? envToken : "");
  if (so.allowRemote && options.requiredToken.empty()) {
    std::cerr << "switchboard lsp: --allow-remote needs --token TOKEN (or SWITCHBOARD_LSP_TOKEN); "
                 "clients send it "
                 "as initializationOptions.token\n";
    return 2;
  }
  try {
    SocketServer server(so, [&](const SessionContext& ctx) {
      return std::make_unique<LspServer>(ctx, workers, options);
    });
    // The bound address on stderr lets scripts use port 0.
    std::cerr << "switchboard: listening on " << server.boundAddress() << std::endl;
    server.run();
  } catch (const std::exception& e) {
    std::cerr << "switchboard: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a vanished client is an error value, not a kill
  // glibc gives the heap's free top back to the kernel past 128 KiB by
  // default; a daemon that allocates and frees tens of KiB per request (a
  // file read, its JSON reply) then pays a brk and page faults on most of
  // them (about 8 us of a 60 us read_file on this machine). Keep up to 8 MiB,
  // and map only allocations of 1 MiB or more on their own.
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  std::string error;
  auto cl = parseCommandLine(argc, argv, error);
  if (!cl) {
    std::cerr << "switchboard: " << error << "\n\n" << usageText();
    return 2;
  }
  if (cl->has("--version")) {
    std::cout << "switchboard " << SWITCHBOARD_VERSION << "\n";
    return 0;
  }
  if (cl->has("--help") || cl->command.empty() || cl->command == "help") {
    std::cout << usageText();
    return cl->command.empty() && !cl->has("--help") ? 2 : 0;
  }
  if (!setUpLogging(*cl)) return 2;

  size_t maxMessage = 64 << 20, maxParse = 8 << 20, delayMs = 200, threads = 0;
  if (!numberOption(*cl, "--max-message-bytes", maxMessage) ||
      !numberOption(*cl, "--max-parse-bytes", maxParse) ||
      !numberOption(*cl, "--diagnostics-delay-ms", delayMs) ||
      !numberOption(*cl, "--workers", threads))
    return 2;
  LspOptions options;
  options.engine.parse.maxParseBytes = maxParse;
  options.engine.diagnosticsDelay = std::chrono::milliseconds(delayMs);

  const std::string& cmd = cl->command;
  if (cmd == "config") {
    if (cl->args.empty() || cl->args.front() != "check" || cl->args.size() > 2) {
      std::cerr << "switchboard config: usage: switchboard config check [DIR]\n";
      return 2;
    }
    return runConfigCheck(cl->args.size() == 2 ? cl->args[1] : std::string("."), std::cout, {});
  }
  if (cmd == "symbols" || cmd == "check") {
    if (cl->args.empty()) {
      std::cerr << "switchboard " << cmd << ": needs at least one FILE\n";
      return 2;
    }
    return cmd == "symbols" ? printSymbols(cl->args, options.engine.parse)
                            : checkSyntax(cl->args, options.engine.parse);
  }
  size_t tokens = 1024, limit = 20;
  if (!numberOption(*cl, "--tokens", tokens) || !numberOption(*cl, "--limit", limit)) return 2;
  RegistryOptions registryOptions;
  registryOptions.indexDir = cl->get("--index-dir");
  registryOptions.indexer.parse = options.engine.parse;
  WorkspaceRegistry registry(registryOptions);
  // Like git: with no directory argument the workspace is the current directory.
  std::string dirArg = cl->args.empty() ? std::string(".") : cl->args.front();
  if (cmd == "index") return runIndexCommand(registry, dirArg);
  if (cmd == "repomap") return runRepoMapCommand(registry, dirArg, tokens);
  if (cmd == "find") {
    if (cl->args.empty()) {
      std::cerr << "switchboard find: needs a QUERY\n";
      return 2;
    }
    return runFindCommand(registry, cl->get("--workspace", "."), cl->args.front(), limit);
  }
  // Settings: defaults < environment variables < user file < workspace file
  // (the editor's overrides join in at initialize). No backend: offline.
  std::string settingsRoot = cmd == "mcp" ? dirArg : cl->get("--workspace", ".");
  agents::LoadedSettings loaded =
      agents::loadSettings(std::filesystem::absolute(settingsRoot).lexically_normal().string(),
                           [](const char* name) { return std::getenv(name); });
  for (const auto& w : loaded.warnings) spdlog::warn("settings: {}", w);
  for (const auto& e : loaded.errors) spdlog::error("settings: {}", e);
  options.settings = loaded.settings;
  applySettings(loaded.settings, options.engine);
  Workers workers(static_cast<unsigned>(threads));
  if (cmd == "complete") {
    if (cl->args.empty()) {
      std::cerr << "switchboard complete: needs FILE:LINE:COL\n";
      return 2;
    }
    Engine engine(workers, options.engine, nullptr);
    std::string file = cl->args.front().substr(0, cl->args.front().find(':'));
    std::error_code ec;
    std::string dir =
        std::filesystem::absolute(cl->get("--workspace", ".")).lexically_normal().string();
    if (std::filesystem::is_directory(dir, ec)) {
      auto index = registry.open(dir);
      engine.setWorkspaces({index});
      std::promise<void> indexed;
      registry.refresh(index, {{}, [&indexed](const IndexReport&) { indexed.set_value(); }});
      indexed.get_future().wait();
    }
    return runCompleteCommand(cl->args.front(), cl->has("--show-context"), engine);
  }
  if (cmd == "workflow" || cmd == "status") {
    std::string root = std::filesystem::weakly_canonical(cl->get("--workspace", ".")).string();
    WorkflowHub hub(registry, workers, options.engine, {}, startupRoles(options.settings));
    if (cmd == "status") {
      StatusCliContext status{{options.engine.llm, {registry.open(root)}, &registry, &hub, {root}},
                              loaded.settings.backends,
                              daemonStatusPath()};
      return runStatusCommand(*cl, status, std::cout);
    }
    WorkflowCliContext ctx{hub, root, options.engine.llm, options.settings};
    return runWorkflowCommand(*cl, ctx, std::cout, std::cerr);
  }
  if (!cl->has("--no-index")) options.workspaces = &registry;
  WorkflowHub hub(registry, workers, options.engine, {}, startupRoles(options.settings));
  if (options.workspaces) options.workflows = &hub;
  // Serving daemons publish their figures for `switchboard status` in other processes.
  std::optional<StatusPublisher> publisher;
  if (cmd == "lsp" || cmd == "mcp") {
    publisher.emplace(daemonStatusPath(), cmd, &registry);
    publisher->track(options.engine.llm);
    options.statusBoard = &*publisher;
  }
  if (cmd == "lsp") return serveLsp(*cl, workers, options, maxMessage);
  if (cmd == "pipe") return servePipe(*cl, workers, options, maxMessage);
  if (cmd == "mcp") return serveMcp(*cl, workers, registry, hub, options, maxMessage);
  if (cmd == "demo") {
    std::string file = cl->args.empty() ? std::string(SWITCHBOARD_SOURCE_DIR "/server/Engine.cpp")
                                        : cl->args.front();
    return runDemo(file, workers, options);
  }
  std::cerr << "switchboard: unknown command '" << cmd << "'\n\n" << usageText();
  return 2;
}
