#include "CommandLine.h"

#include <set>

namespace sb {

namespace {
const std::set<std::string>& valueOptions() {
  static const std::set<std::string> kOptions = {"--listen",
                                                 "--log-level",
                                                 "--log-file",
                                                 "--max-message-bytes",
                                                 "--max-parse-bytes",
                                                 "--diagnostics-delay-ms",
                                                 "--workers",
                                                 "--index-dir",
                                                 "--tokens",
                                                 "--workspace",
                                                 "--limit",
                                                 "--http",
                                                 "--token",
                                                 "--task",
                                                 "--session-idle-seconds"};
  return kOptions;
}
const std::set<std::string>& flagOptions() {
  static const std::set<std::string> kFlags = {"--help",  "--version",  "--allow-remote",
                                               "-h",      "--no-index", "--show-context",
                                               "--apply", "--json",     "--probe"};
  return kFlags;
}
}  // namespace

std::optional<CommandLine> parseCommandLine(int argc, char** argv, std::string& error) {
  CommandLine cl;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() > 1 && arg[0] == '-') {
      std::string name = arg, value;
      bool inlineValue = false;
      if (auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        inlineValue = true;
      }
      if (valueOptions().count(name)) {
        if (!inlineValue) {
          if (i + 1 >= argc) {
            error = name + " needs a value";
            return std::nullopt;
          }
          value = argv[++i];
        }
        cl.options[name] = value;
      } else if (flagOptions().count(name) && !inlineValue) {
        cl.options[name == "-h" ? "--help" : name] = "true";
      } else {
        error = "unknown option " + name;
        return std::nullopt;
      }
      continue;
    }
    if (cl.command.empty())
      cl.command = arg;
    else
      cl.args.push_back(arg);
  }
  return cl;
}

const char* usageText() {
  return R"(switchboard - a code-intelligence daemon between editors and language models

Usage: switchboard [options] COMMAND [ARGS]

Commands:
  lsp                 Serve the Language Server Protocol (stdio unless --listen)
  mcp [DIR]           Serve the Model Context Protocol on stdio (or Streamable HTTP
                      with --http): code tools over DIR (default: the current directory)
  pipe                The same methods as newline-delimited JSON on stdio, one response
                      per line, no initialize needed (for scripts)
  demo                Start the daemon on a private Unix socket, run a short scripted
                      LSP session against this project's sources, print the answers
  symbols FILE...     Print the outline of each file (FILE:LINE:COL, 1-based)
  check FILE...       Print syntax errors as FILE:LINE:COL: error: MESSAGE; exit 1 if any
  index [DIR]         Build or refresh the index of DIR (default: the current directory)
  find QUERY          Search the index's symbols (fuzzy); prints FILE:LINE:COL kind name
  repomap [DIR]       Print the most referenced definitions within --tokens (default 1024)
  config check [DIR]  Show the configuration files read, the effective settings and
                      whether each LLM backend answers; exit 1 if one does not
  complete FILE:LINE:COL  Print the completion at that spot (1-based), using the model
                      configured by OPENAI_BASE_URL / ANTHROPIC_API_KEY / OLLAMA_HOST
                      (--show-context also prints the prompt; --workspace sets the index)
  workflow run TEMPLATE --task TEXT [--apply]
                      Run an agent workflow (feature, bugfix, review, tests, document, or
                      your own) with progress on stderr ([n/total] steps on a terminal);
                      edits are only proposed unless --apply writes them (atomically,
                      inside the workspace); Ctrl-C cancels
  workflow list|templates          The workflows stored for the workspace / the templates
  workflow show|resume|cancel ID   One workflow's steps, outputs and edits / continue an
                      interrupted one from its last completed step / stop a running one
  status [--probe]    Models and their health, request counts and latencies (from the
                      running daemons), the index, recent workflows; --probe asks the
                      backends no daemon reports on whether they answer

Options:
  --listen ADDR              tcp://127.0.0.1:PORT, tcp://[::1]:PORT or unix:PATH
  --allow-remote             permit --listen or --http on a non-loopback address
  --http HOST:PORT           mcp: serve Streamable HTTP at http://HOST:PORT/mcp (port 0:
                             any free port; printed on stderr)
  --session-idle-seconds N   mcp --http: end a session after N s without a request
                             or an open stream (default 3600; 0: never)
  --token TOKEN              mcp --http: require "Authorization: Bearer TOKEN" (or set
                             SWITCHBOARD_MCP_TOKEN); lsp --listen: require it as
                             initializationOptions.token (or SWITCHBOARD_LSP_TOKEN);
                             needed with --allow-remote. Other users can read a
                             command line (ps): prefer the variables
  --log-level LEVEL          trace, debug, info, warn (default), error, off
  --log-file PATH            write logs there instead of stderr
  --max-message-bytes N      refuse messages larger than N bytes (default 67108864)
  --max-parse-bytes N        do not parse files larger than N bytes (default 8388608)
  --diagnostics-delay-ms N   wait N ms after typing stops before diagnostics (default 200)
  --workers N                worker threads (default: number of cores, at least 2)
  --workspace DIR            workspace for find, pipe, complete, workflow and status
                             (default: the current directory)
  --index-dir DIR            where index databases live (default $XDG_CACHE_HOME/switchboard/index)
  --no-index                 lsp: do not index workspace folders
  --tokens N                 repomap: token budget
  --limit N                  find: how many results (default 20)
  --task TEXT                workflow run: what to do
  --apply                    workflow run/resume: write the proposed edits
  --json                     workflow, status: print JSON
  --version                  print the version
  --help                     print this help

Positions on the command line are 1-based (LINE:COL as compilers print them);
LSP positions on the wire stay 0-based.
)";
}

}  // namespace sb
