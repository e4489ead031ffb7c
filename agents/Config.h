// Switchboard's settings: the LLM backends, the response cache and inline
// completion, read from layered JSON files and patched at run time by the
// editor (LSP initializationOptions, workspace/didChangeConfiguration).
//
// Layers, later wins: built-in defaults < backends from the ecosystem's
// environment variables < user file ($XDG_CONFIG_HOME/switchboard/config.json)
// < workspace file (<root>/.switchboard/config.json) < editor overrides.
// API keys never appear in any of them: backends name the environment
// variable that holds the key (apiKeyEnv). The file format is described in
// docs/configuration.md and docs/config.schema.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "agents/BackendConfig.h"

namespace sb::agents {

struct CompletionSettings {
  std::string fimTemplate = "auto";  // auto|qwen|starcoder|codellama|deepseek|codestral|none
  int maxTokens = 128;
  double temperature = 0.0;
  int debounceMs = 75;
  // Prompt budgets, in tokens (about 4 characters each).
  int prefixTokens = 1500;
  int suffixTokens = 500;
  int contextTokens = 1000;  // cross-file definitions from the index
  int repoMapTokens = 300;
  std::vector<std::string> stop;
  bool enabled = true;
};

struct Settings {
  std::vector<BackendConfig> backends;  // the fallback chain, in order
  CacheOptions cache;
  CompletionSettings completion;
  std::string chatBackend;  // optional: the backend chat and actions start with
  // Agent roles and limits ({"roles": {...}, "limits": {...}}), validated by
  // agents::RoleSet::configure; layers merge as JSON merge patches.
  nlohmann::json agents = nlohmann::json::object();
};

// The accepted fimTemplate values.
const std::vector<std::string>& fimTemplateNames();

// Every key the validator knows, as a JSON path ("backends[].timeouts.connectMs")
// with the JSON Schema type of its value, for the test that keeps
// docs/config.schema.json in step. "agents" is one entry: RoleSet::configure
// checks what is inside.
std::vector<std::pair<std::string, std::string>> settingsKeys();

// Applies a settings object (the file's format) on top of `base`: scalars
// replace, nested objects patch field by field, backends patch the one with
// the same name (or are appended; "enabled": false removes one). Unknown keys
// add a warning naming their JSON path; a wrong type or value, or a literal
// "apiKey", throws std::invalid_argument naming the path (e.g.
// "backends[1].timeouts.connectMs"). Nothing is applied when it throws.
Settings applySettingsJson(Settings base, const nlohmann::json& j,
                           std::vector<std::string>& warnings);
Settings settingsFromJson(const nlohmann::json& j, std::vector<std::string>& warnings);
nlohmann::json toJson(const CompletionSettings& c);
nlohmann::json toJson(const Settings& s);

// For initializationOptions and workspace/didChangeConfiguration: accepts
// {"switchboard": {...}} or the settings object itself; null leaves `base`
// as it is. Throws like applySettingsJson.
Settings mergeSettings(Settings base, const nlohmann::json& overrides,
                       std::vector<std::string>* warnings = nullptr);

struct LoadedSettings {
  Settings settings;
  std::vector<std::string>
      sources;  // what contributed, lowest layer first ("environment (...)", file paths)
  std::vector<std::string> warnings;  // each prefixed with its file
  // A file that cannot be read, is not JSON or is invalid is skipped as a
  // whole (the other layers still apply); why is recorded here.
  std::vector<std::string> errors;
};

// $XDG_CONFIG_HOME/switchboard/config.json, else ~/.config/...; "" without HOME.
std::string userConfigPath(const GetEnv& getenv);
// <root>/.switchboard/config.json
std::string workspaceConfigPath(const std::string& workspaceRoot);

// Environment backends are used only when no file lists any backend; a file
// entry named like one of them (openai, anthropic, ollama) patches it instead.
// workspaceRoot may be empty (no workspace layer).
LoadedSettings loadSettings(const std::string& workspaceRoot, const GetEnv& getenv);

}  // namespace sb::agents
