// Command-line parsing: `switchboard [global options] COMMAND [args]`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sb {

struct CommandLine {
  std::string command;                         // "lsp", "demo", "symbols", ...
  std::vector<std::string> args;               // positional arguments after the command
  std::map<std::string, std::string> options;  // "--listen" -> value; flags -> "true"
  bool has(const std::string& name) const { return options.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
};

// Options that take a value; anything else starting with "--" is a flag.
// "--opt=value" and "--opt value" both work. Returns nullopt with `error` set
// on a malformed line.
std::optional<CommandLine> parseCommandLine(int argc, char** argv, std::string& error);

const char* usageText();

}  // namespace sb
