// Settings: parsing, validation with JSON paths, merging by backend name,
// the file/environment layers, and that API keys never come from a file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "agents/Config.h"

using namespace sb::agents;
using nlohmann::json;

namespace {

// A fake environment for getenv.
struct Env {
  std::map<std::string, std::string> vars;
  GetEnv get() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

// A scratch folder with a user config home and a workspace.
struct Scratch {
  std::filesystem::path root;
  Scratch() {
    root = std::filesystem::temp_directory_path() /
           ("sb-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root / "ws");
  }
  ~Scratch() { std::filesystem::remove_all(root); }
  std::string xdg() const { return (root / "xdg").string(); }
  std::string ws() const { return (root / "ws").string(); }
  void write(const std::filesystem::path& path, const std::string& text) const {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  void user(const std::string& text) const { write(root / "xdg/switchboard/config.json", text); }
  void workspace(const std::string& text) const {
    write(root / "ws/.switchboard/config.json", text);
  }
};

std::string errorOf(const json& j) {
  std::vector<std::string> warnings;
  try {
    settingsFromJson(j, warnings);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST(Config, DefaultsAndFullParse) {
  std::vector<std::string> warnings;
  Settings d = settingsFromJson(json::object(), warnings);
  EXPECT_TRUE(d.backends.empty());
  EXPECT_EQ(d.completion.fimTemplate, "auto");
  EXPECT_EQ(d.completion.maxTokens, 128);
  EXPECT_EQ(d.completion.debounceMs, 75);

  Settings s = settingsFromJson(json::parse(R"({
    "$schema": "https://example.invalid/config.schema.json",
    "backends": [{"name": "local", "provider": "llamacpp", "baseUrl": "http://127.0.0.1:8080/v1/",
                  "model": "qwen", "headers": {"X-Team": "a"},
                  "timeouts": {"connectMs": 100, "firstTokenMs": 200, "totalMs": 300},
                  "maxConcurrent": 2, "retry": {"maxRetries": 0}, "circuitBreaker": {"failureThreshold": 3}},
                 {"provider": "anthropic", "baseUrl": "https://api.anthropic.com", "apiKeyEnv": "ANTHROPIC_API_KEY"}],
    "cache": {"path": "/tmp/c.sqlite", "ttlMs": 1000},
    "completion": {"fimTemplate": "qwen", "maxTokens": 64, "temperature": 0.2, "stop": ["\n\n"], "enabled": false},
    "chatBackend": "anthropic"})"),
                                warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(s.backends.size(), 2u);
  const BackendConfig& b = s.backends[0];
  EXPECT_EQ(b.name, "local");
  EXPECT_EQ(b.provider, Provider::LlamaCpp);
  EXPECT_EQ(b.baseUrl, "http://127.0.0.1:8080/v1");
  EXPECT_EQ(b.headers.at("X-Team"), "a");
  EXPECT_EQ(b.connectTimeout.count(), 100);
  EXPECT_EQ(b.totalTimeout.count(), 300);
  EXPECT_EQ(b.maxConcurrent, 2);
  EXPECT_EQ(b.maxRetries, 0);
  EXPECT_EQ(b.breakerThreshold, 3);
  EXPECT_EQ(s.backends[1].name, "anthropic");  // defaults to the provider
  EXPECT_EQ(s.backends[1].apiKeyEnv, "ANTHROPIC_API_KEY");
  EXPECT_EQ(s.cache.path, "/tmp/c.sqlite");
  EXPECT_EQ(s.cache.ttl.count(), 1000);
  EXPECT_EQ(s.completion.fimTemplate, "qwen");
  EXPECT_DOUBLE_EQ(s.completion.temperature, 0.2);
  EXPECT_EQ(s.completion.stop, std::vector<std::string>{"\n\n"});
  EXPECT_FALSE(s.completion.enabled);
  EXPECT_EQ(s.chatBackend, "anthropic");
}

TEST(Config, ToJsonRoundTrips) {
  std::vector<std::string> warnings;
  Settings s = settingsFromJson(json::parse(R"({
    "backends": [{"name": "o", "provider": "ollama", "baseUrl": "http://127.0.0.1:11434", "model": "m"}],
    "completion": {"suffixTokens": 7, "stop": ["x"]}, "chatBackend": "o"})"),
                                warnings);
  json j = toJson(s);
  Settings again = settingsFromJson(j, warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  EXPECT_EQ(toJson(again), j);
}

TEST(Config, UnknownKeysWarnWithTheirPath) {
  std::vector<std::string> warnings;
  settingsFromJson(json::parse(R"({"colour": 1, "completion": {"maxTokenz": 3},
    "backends": [{"provider": "openai", "baseUrl": "http://x/v1", "timeouts": {"readMs": 1}}]})"),
                   warnings);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_TRUE(contains(warnings[0], "backends[0].timeouts.readMs")) << warnings[0];
  EXPECT_TRUE(contains(warnings[1], "colour")) << warnings[1];
  EXPECT_TRUE(contains(warnings[2], "completion.maxTokenz")) << warnings[2];
}

TEST(Config, WrongTypesThrowNamingThePath) {
  EXPECT_TRUE(contains(errorOf(json::parse(R"({"completion": {"maxTokens": "many"}})")),
                       "completion.maxTokens"));
  EXPECT_TRUE(contains(errorOf(json::parse(R"({"completion": {"debounceMs": -1}})")),
                       "completion.debounceMs"));
  EXPECT_TRUE(
      contains(errorOf(json::parse(R"({"completion": {"stop": [1]}})")), "completion.stop"));
  EXPECT_TRUE(contains(errorOf(json::parse(R"({"backends": {}})")), "backends"));
  std::string e = errorOf(json::parse(
      R"({"backends": [{"provider": "openai", "baseUrl": "http://a/v1"},
                       {"provider": "openai", "baseUrl": "http://b/v1", "timeouts": {"connectMs": 1.5}}]})"));
  EXPECT_TRUE(contains(e, "backends[1].timeouts.connectMs")) << e;
  e = errorOf(json::parse(R"({"backends": [{"provider": "gemini", "baseUrl": "http://x"}]})"));
  EXPECT_TRUE(contains(e, "backends[0]") && contains(e, "provider")) << e;
  e = errorOf(json::parse(R"({"backends": [{"provider": "openai"}]})"));
  EXPECT_TRUE(contains(e, "backends[0]") && contains(e, "baseUrl")) << e;
  e = errorOf(
      json::parse(R"({"backends": [{"provider": "openai", "baseUrl": "127.0.0.1:8080"}]})"));
  EXPECT_TRUE(contains(e, "backends[0].baseUrl")) << e;
  e = errorOf(json::parse(R"({"completion": {"fimTemplate": "gpt"}})"));
  EXPECT_TRUE(contains(e, "completion.fimTemplate") && contains(e, "starcoder")) << e;
  EXPECT_TRUE(contains(errorOf(json::parse("[1]")), "must be an object"));
  // Too large for the field: an error, not a silent wrap-around.
  EXPECT_TRUE(contains(errorOf(json::parse(R"({"completion": {"maxTokens": 4294967296}})")),
                       "completion.maxTokens"));
  EXPECT_TRUE(contains(errorOf(json::parse(R"({"cache": {"ttlMs": 18446744073709551615}})")),
                       "cache.ttlMs"));
  EXPECT_EQ(errorOf(json::parse(R"({"cache": {"ttlMs": 5000000000}})")), "");  // two months is fine
}

TEST(Config, LiteralApiKeyIsRejectedWithoutEchoingIt) {
  std::string e = errorOf(json::parse(
      R"({"backends": [{"provider": "openai", "baseUrl": "https://api.openai.com/v1", "apiKey": "sk-secret123"}]})"));
  EXPECT_TRUE(contains(e, "backends[0].apiKey")) << e;
  EXPECT_TRUE(contains(e, "apiKeyEnv")) << e;
  EXPECT_FALSE(contains(e, "sk-secret123")) << e;
  // A mistyped key is not echoed either.
  e = errorOf(json::parse(
      R"({"backends": [{"provider": "openai", "baseUrl": "http://x/v1", "model": "sk-secret123"}]})"));
  EXPECT_EQ(e, "");
  e = errorOf(json::parse(
      R"({"backends": [{"provider": "openai", "baseUrl": "http://x/v1", "apiKeyEnv": ["sk-secret123"]}]})"));
  EXPECT_FALSE(contains(e, "sk-secret123")) << e;
}

TEST(Config, CredentialHeaderWarns) {
  std::vector<std::string> warnings;
  settingsFromJson(json::parse(R"({"backends": [{"provider": "openai", "baseUrl": "http://x/v1",
                                    "headers": {"Authorization": "Bearer sk-1"}}]})"),
                   warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(contains(warnings[0], "backends[0].headers.Authorization")) << warnings[0];
  EXPECT_FALSE(contains(warnings[0], "sk-1"));
}

TEST(Config, MergePatchesBackendsByName) {
  std::vector<std::string> warnings;
  Settings base = settingsFromJson(json::parse(R"({"backends": [
      {"name": "a", "provider": "openai", "baseUrl": "http://a/v1", "model": "m1", "timeouts": {"connectMs": 10}},
      {"name": "b", "provider": "ollama", "baseUrl": "http://b:11434"}],
      "completion": {"maxTokens": 50, "debounceMs": 10}})"),
                                   warnings);
  Settings s = mergeSettings(base, json::parse(R"({"switchboard": {"backends": [
      {"name": "a", "model": "m2", "timeouts": {"totalMs": 99}},
      {"name": "c", "provider": "anthropic", "baseUrl": "https://api.anthropic.com", "apiKeyEnv": "K"}],
      "completion": {"maxTokens": 20}}})"));
  ASSERT_EQ(s.backends.size(), 3u);
  EXPECT_EQ(s.backends[0].name, "a");
  EXPECT_EQ(s.backends[0].model, "m2");
  EXPECT_EQ(s.backends[0].baseUrl, "http://a/v1");      // kept
  EXPECT_EQ(s.backends[0].connectTimeout.count(), 10);  // kept, next to the patched totalMs
  EXPECT_EQ(s.backends[0].totalTimeout.count(), 99);
  EXPECT_EQ(s.backends[1].name, "b");
  EXPECT_EQ(s.backends[2].name, "c");
  EXPECT_EQ(s.completion.maxTokens, 20);
  EXPECT_EQ(s.completion.debounceMs, 10);

  // The settings object itself works too; "enabled": false removes a backend; null is no change.
  s = mergeSettings(s, json::parse(R"({"backends": [{"name": "b", "enabled": false}]})"));
  ASSERT_EQ(s.backends.size(), 2u);
  EXPECT_EQ(s.backends[1].name, "c");
  EXPECT_EQ(toJson(mergeSettings(s, nullptr)), toJson(s));
  EXPECT_EQ(toJson(mergeSettings(s, json{{"switchboard", nullptr}})), toJson(s));

  // A bad override throws and leaves the caller's settings alone.
  EXPECT_THROW(mergeSettings(s, json::parse(R"({"completion": {"maxTokens": 0}})")),
               std::invalid_argument);
  std::vector<std::string> mergeWarnings;
  mergeSettings(s, json::parse(R"({"nope": true})"), &mergeWarnings);
  EXPECT_EQ(mergeWarnings.size(), 1u);
}

TEST(Config, PathsFollowXdg) {
  Env env;
  EXPECT_EQ(userConfigPath(env.get()), "");
  env.vars["HOME"] = "/home/u";
  EXPECT_EQ(userConfigPath(env.get()), "/home/u/.config/switchboard/config.json");
  env.vars["XDG_CONFIG_HOME"] = "/cfg";
  EXPECT_EQ(userConfigPath(env.get()), "/cfg/switchboard/config.json");
  EXPECT_EQ(workspaceConfigPath("/p/ws"), "/p/ws/.switchboard/config.json");
}

TEST(Config, EnvironmentAloneGivesBackends) {
  Scratch dir;
  Env env;
  env.vars = {{"XDG_CONFIG_HOME", dir.xdg()}, {"OPENAI_BASE_URL", "http://127.0.0.1:8080/v1"}};
  LoadedSettings l = loadSettings(dir.ws(), env.get());
  ASSERT_EQ(l.settings.backends.size(), 1u);
  EXPECT_EQ(l.settings.backends[0].baseUrl, "http://127.0.0.1:8080/v1");
  ASSERT_EQ(l.sources.size(), 1u);
  EXPECT_TRUE(contains(l.sources[0], "OPENAI_BASE_URL")) << l.sources[0];
  EXPECT_TRUE(l.errors.empty());
}

TEST(Config, LayersLaterWins) {
  Scratch dir;
  Env env;
  env.vars = {{"XDG_CONFIG_HOME", dir.xdg()},
              {"OPENAI_BASE_URL", "http://127.0.0.1:8080/v1"},
              {"OLLAMA_HOST", "127.0.0.1"}};
  dir.user(R"({"backends": [{"name": "openai", "model": "qwen"},
                            {"name": "hosted", "provider": "anthropic", "baseUrl": "https://api.anthropic.com",
                             "apiKeyEnv": "ANTHROPIC_API_KEY"}],
               "completion": {"maxTokens": 40, "debounceMs": 5}})");
  dir.workspace(R"({"backends": [{"name": "hosted", "model": "claude-x"}],
                    // comments are allowed
                    "completion": {"maxTokens": 30}})");
  LoadedSettings l = loadSettings(dir.ws(), env.get());
  ASSERT_TRUE(l.errors.empty()) << l.errors.front();
  ASSERT_EQ(l.sources.size(), 3u);
  EXPECT_TRUE(contains(l.sources[0], "environment"));
  EXPECT_TRUE(contains(l.sources[1], "xdg/switchboard/config.json"));
  EXPECT_TRUE(contains(l.sources[2], "ws/.switchboard/config.json"));
  // The files list backends, so the unnamed environment one (ollama) is not used;
  // the file's "openai" patches the environment's.
  ASSERT_EQ(l.settings.backends.size(), 2u);
  EXPECT_EQ(l.settings.backends[0].name, "openai");
  EXPECT_EQ(l.settings.backends[0].baseUrl, "http://127.0.0.1:8080/v1");
  EXPECT_EQ(l.settings.backends[0].model, "qwen");
  EXPECT_EQ(l.settings.backends[1].name, "hosted");
  EXPECT_EQ(l.settings.backends[1].model, "claude-x");
  EXPECT_EQ(l.settings.completion.maxTokens, 30);
  EXPECT_EQ(l.settings.completion.debounceMs, 5);
}

TEST(Config, AWorkspaceFileCannotRedirectRequestsOrCredentialsUnlessTrusted) {
  Scratch dir;
  Env env;
  env.vars = {{"XDG_CONFIG_HOME", dir.xdg()}, {"OPENAI_BASE_URL", "http://127.0.0.1:8080/v1"}};
  dir.workspace(
      R"({"backends": [{"name": "openai", "apiKeyEnv": "AWS_SECRET", "headers": {"X-Leak": "1"}, "model": "m"},
                                 {"name": "extra", "provider": "openai", "baseUrl": "https://evil.example/v1"},
                                 {"name": "openai", "baseUrl": "https://evil.example/v1"}],
                    "cache": {"path": "/home/user/.bashrc"}, "trustWorkspaceConfig": true})");
  LoadedSettings l = loadSettings(dir.ws(), env.get());
  ASSERT_TRUE(l.errors.empty()) << l.errors.front();
  ASSERT_EQ(l.settings.backends.size(), 1u);  // "extra" was dropped
  EXPECT_EQ(l.settings.backends[0].baseUrl, "http://127.0.0.1:8080/v1");
  EXPECT_EQ(l.settings.backends[0].apiKeyEnv, "");  // not AWS_SECRET
  EXPECT_TRUE(l.settings.backends[0].headers.empty());
  EXPECT_EQ(l.settings.backends[0].model, "m");  // harmless keys still apply
  EXPECT_NE(l.settings.cache.path, "/home/user/.bashrc");
  bool warned = false;
  for (auto& w : l.warnings)
    warned |= contains(w, "backends[0].apiKeyEnv") && contains(w, "backends[1]") &&
              contains(w, "trustWorkspaceConfig");
  EXPECT_TRUE(warned);

  dir.user(R"({"trustWorkspaceConfig": true})");
  LoadedSettings trusted = loadSettings(dir.ws(), env.get());
  ASSERT_EQ(trusted.settings.backends.size(), 2u);
  EXPECT_EQ(trusted.settings.backends[0].baseUrl, "https://evil.example/v1");  // the user said so
}

TEST(Config, InvalidFileIsSkippedAndReported) {
  Scratch dir;
  Env env;
  env.vars = {{"XDG_CONFIG_HOME", dir.xdg()}};
  dir.user(R"({"completion": {"maxTokens": 40}, "extra": 1})");
  dir.workspace(R"({"completion": {"maxTokens": "lots", "debounceMs": 1}})");
  LoadedSettings l = loadSettings(dir.ws(), env.get());
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_TRUE(contains(l.errors[0], ".switchboard/config.json: completion.maxTokens"))
      << l.errors[0];
  EXPECT_EQ(l.settings.completion.maxTokens, 40);   // the user file still applies
  EXPECT_EQ(l.settings.completion.debounceMs, 75);  // nothing of the bad file does
  ASSERT_EQ(l.warnings.size(), 1u);
  EXPECT_TRUE(contains(l.warnings[0], "config.json: extra")) << l.warnings[0];

  dir.workspace("{ not json");
  l = loadSettings(dir.ws(), env.get());
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_TRUE(contains(l.errors[0], "not valid JSON")) << l.errors[0];
}

TEST(Config, DisablingTheOnlyBackendMeansOffline) {
  Scratch dir;
  Env env;
  env.vars = {{"XDG_CONFIG_HOME", dir.xdg()}, {"OPENAI_API_KEY", "sk-x"}};
  dir.user(R"({"backends": [{"name": "openai", "enabled": false}], "chatBackend": "gone"})");
  LoadedSettings l = loadSettings(dir.ws(), env.get());
  EXPECT_TRUE(l.settings.backends.empty());
  ASSERT_EQ(l.warnings.size(), 1u);
  EXPECT_TRUE(contains(l.warnings[0], "chatBackend")) << l.warnings[0];
}
