#include "ConfigCommand.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "agents/Config.h"
#include "agents/HttpClient.h"
#include "agents/LlmRouter.h"
#include "agents/Redact.h"
#include "agents/providers/Wire.h"

namespace sb {

namespace {

using namespace agents;
// Spelled out: sb has HTTP server types of the same names.
using agents::HttpClient;
using agents::HttpHead;
using agents::HttpRequest;
using agents::HttpResult;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr Millis kMaxConnect{3000};  // a probe is a quick look, not a real request
constexpr Millis kMaxTotal{10000};

const char* const kEnvVars[] = {"OPENAI_BASE_URL",    "OPENAI_API_KEY",    "OPENAI_MODEL",
                                "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_MODEL",
                                "OLLAMA_HOST",        "OLLAMA_MODEL"};

bool isSecretName(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"key", "token", "secret", "auth", "password"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

std::string envValue(const GetEnv& getenv, const std::string& name) {
  const char* v = name.empty() ? nullptr : getenv(name.c_str());
  return v ? std::string(v) : std::string();
}

struct Fetched {
  HttpResult result;
  std::string body;
  Millis took{0};
};

// One blocking request on the shared I/O thread.
Fetched fetch(HttpClient& http, HttpRequest req) {
  auto done = std::make_shared<std::promise<Fetched>>();
  auto body = std::make_shared<std::string>();
  auto start = Clock::now();
  http.start(
      std::move(req),
      [body](const HttpHead&, std::string_view chunk) {
        if (body->size() < (1u << 20)) body->append(chunk);
        return true;
      },
      [done, body, start](HttpResult r) {
        done->set_value({std::move(r), std::move(*body),
                         std::chrono::duration_cast<Millis>(Clock::now() - start)});
      });
  return done->get_future().get();
}

HttpRequest probeRequest(const BackendConfig& b, const std::string& apiKey, std::string url,
                         std::string body) {
  HttpRequest req;
  req.url = std::move(url);
  req.body = std::move(body);
  req.headers.emplace_back("Accept", "application/json");
  if (!req.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  if (b.provider == Provider::Anthropic) {
    req.headers.emplace_back("anthropic-version", b.anthropicVersion);
    if (!apiKey.empty()) req.headers.emplace_back("x-api-key", apiKey);
  } else if (!apiKey.empty()) {
    req.headers.emplace_back("Authorization", "Bearer " + apiKey);
  }
  for (auto& [name, value] : b.headers) req.headers.emplace_back(name, value);
  auto positive = [](Millis configured, Millis cap) {
    return configured.count() > 0 ? std::min(configured, cap) : cap;
  };
  req.connectTimeout = positive(b.connectTimeout, kMaxConnect);
  req.totalTimeout = positive(b.totalTimeout, kMaxTotal);
  req.firstByteTimeout = req.totalTimeout;
  return req;
}

std::string ms(Millis d) {
  return std::to_string(d.count()) + " ms";
}

// Why a transfer got no HTTP answer, in words.
std::string transportFailure(const Fetched& f, const std::string& url) {
  const std::string& m = f.result.message;
  switch (f.result.outcome) {
    case HttpResult::Outcome::Connect:
      if (m.find("resolve") != std::string::npos)
        return "unreachable: cannot resolve the host of " + url;
      if (m.find("refused") != std::string::npos || m.find("Couldn't connect") != std::string::npos)
        return "unreachable: connection refused at " + url;
      if (m.find("imed out") != std::string::npos)
        return "unreachable: connect timed out at " + url;
      return "unreachable: " + m + " (" + url + ")";
    case HttpResult::Outcome::Timeout:
    case HttpResult::Outcome::FirstByteTimeout:
      return "timed out after " + ms(f.took) + " at " + url;
    default:
      return "failed: " + m + " (" + url + ")";
  }
}

std::vector<std::string> servedModels(const BackendConfig& b, const std::string& body) {
  std::vector<std::string> out;
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return out;
  const char* list = b.provider == Provider::Ollama ? "models" : "data";
  const char* field = b.provider == Provider::Ollama ? "name" : "id";
  if (auto it = j.find(list); it != j.end() && it->is_array())
    for (auto& m : *it)
      if (auto s = stringOr(m, field); !s.empty()) out.push_back(s);
  return out;
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < 5; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 5) out += ", +" + std::to_string(names.size() - 5) + " more";
  return out;
}

using Verdict = ProbeVerdict;

Verdict httpFailure(const BackendConfig& b, const Fetched& f, const GetEnv& getenv) {
  int status = f.result.head.status;
  std::string s = std::to_string(status);
  if (status == 401 || status == 403) {
    if (b.apiKeyEnv.empty())
      return {false,
              s + ": the server wants an API key: put it in an environment variable and name it in "
                  "\"apiKeyEnv\""};
    if (envValue(getenv, b.apiKeyEnv).empty())
      return {false, s + ": " + b.apiKeyEnv + " is not set"};
    return {false, s + ": check " + b.apiKeyEnv + " (the server refused the key)"};
  }
  return {false, s + ": " + errorMessageFromBody(f.body)};
}

Verdict probe(HttpClient& http, const BackendConfig& b, const GetEnv& getenv) {
  std::string apiKey = envValue(getenv, b.apiKeyEnv);
  // Listing models is free, needs the key, and says whether the model exists.
  std::string url = b.provider == Provider::Ollama      ? b.baseUrl + "/api/tags"
                    : b.provider == Provider::Anthropic ? b.baseUrl + "/v1/models"
                                                        : b.baseUrl + "/models";
  Fetched f = fetch(http, probeRequest(b, apiKey, url, ""));
  if (f.result.outcome != HttpResult::Outcome::Ok) return {false, transportFailure(f, b.baseUrl)};
  int status = f.result.head.status;
  if ((status == 404 || status == 405) && b.provider != Provider::Ollama) {
    // No model list here: a one-token chat request instead.
    LlmRequest req;
    req.messages.push_back(Message::user("ping"));
    req.maxTokens = 1;
    WireRequest w = buildWireRequest(req, b, apiKey);
    f = fetch(http, probeRequest(b, apiKey, w.url, w.body));
    if (f.result.outcome != HttpResult::Outcome::Ok) return {false, transportFailure(f, b.baseUrl)};
    status = f.result.head.status;
    if (status / 100 != 2) return httpFailure(b, f, getenv);
    return {true, "ok (" + ms(f.took) + (b.model.empty() ? "" : ", model " + b.model) + ")"};
  }
  if (status / 100 != 2) return httpFailure(b, f, getenv);
  std::vector<std::string> models = servedModels(b, f.body);
  if (b.model.empty())
    return {true, "ok (" + ms(f.took) + (models.empty() ? "" : ", serves " + listed(models)) + ")"};
  bool found = std::any_of(models.begin(), models.end(), [&](const std::string& m) {
    return m == b.model || (b.provider == Provider::Ollama && m == b.model + ":latest");
  });
  if (found) return {true, "ok (" + ms(f.took) + ", model " + b.model + ")"};
  if (b.provider == Provider::Ollama)
    return {false, "model " + b.model + " is not pulled: run `ollama pull " + b.model + "`" +
                       (models.empty() ? "" : " (available: " + listed(models) + ")")};
  // llama-server answers whatever it loaded, whatever the name; others may not.
  return {true, "ok (" + ms(f.took) + ", model " + b.model + "; note: the server lists " +
                    (models.empty() ? std::string("no models") : listed(models)) + ")"};
}

json displayJson(const Settings& s) {
  json j = toJson(s);
  for (auto& b : j["backends"])
    for (auto& [name, value] : b["headers"].items())
      if (isSecretName(name)) value = "[redacted]";
  return j;
}

}  // namespace

std::vector<ProbeVerdict> probeBackends(const std::vector<BackendConfig>& backends,
                                        const GetEnv& getenvIn) {
  GetEnv getenv =
      getenvIn ? getenvIn : GetEnv([](const char* n) -> const char* { return std::getenv(n); });
  HttpClient http;
  std::vector<std::future<Verdict>> pending;
  pending.reserve(backends.size());
  for (const auto& b : backends)  // concurrently: unreachable ones wait out their timeouts together
    pending.push_back(
        std::async(std::launch::async, [&http, &b, &getenv] { return probe(http, b, getenv); }));
  std::vector<Verdict> out;
  for (size_t i = 0; i < backends.size(); ++i) {
    Verdict v;
    try {
      v = pending[i].get();
    } catch (const std::exception& e) {  // e.g. a header or model name that is not valid UTF-8
      v = {false, std::string("failed: ") + e.what()};
    }
    v.text = redact(v.text, {envValue(getenv, backends[i].apiKeyEnv)});
    out.push_back(std::move(v));
  }
  return out;
}

int runConfigCheck(const std::string& workspaceDir, std::ostream& out, const GetEnv& getenvIn) {
  GetEnv getenv =
      getenvIn ? getenvIn : GetEnv([](const char* n) -> const char* { return std::getenv(n); });
  std::error_code ec;
  std::string root = std::filesystem::absolute(workspaceDir, ec).lexically_normal().string();
  if (root.size() > 1 && root.back() == '/') root.pop_back();
  LoadedSettings loaded = loadSettings(root, getenv);

  out << "Configuration files:\n";
  for (const std::string& file : {userConfigPath(getenv), workspaceConfigPath(root)}) {
    if (file.empty()) continue;
    bool read =
        std::find(loaded.sources.begin(), loaded.sources.end(), file) != loaded.sources.end();
    bool exists = std::filesystem::exists(file, ec);
    out << "  " << (read ? "read       " : exists ? "INVALID    " : "not found  ") << file << "\n";
  }
  std::string vars;
  for (const char* v : kEnvVars) {
    std::string value = envValue(getenv, v);
    if (value.empty()) continue;
    vars += std::string("  ") + v + (isSecretName(v) ? " (set)" : "=" + value) + "\n";
  }
  out << "Environment variables:\n"
      << (vars.empty() ? "  (none of the backend variables is set)\n" : vars);
  if (!loaded.warnings.empty()) {
    out << "Warnings:\n";
    for (auto& w : loaded.warnings) out << "  " << w << "\n";
  }
  if (!loaded.errors.empty()) {
    out << "Errors (these files were ignored):\n";
    for (auto& e : loaded.errors) out << "  " << e << "\n";
  }
  const Settings& s = loaded.settings;
  out << "Effective settings:\n" << displayJson(s).dump(2) << "\n";

  int exitCode = loaded.errors.empty() ? 0 : 2;
  if (s.backends.empty()) {
    out << "Backends: none configured. Switchboard runs offline: completions come from the index "
           "and the "
           "open file, and AI commands explain what to set.\n  To use a model: "
        << LlmRouter::notConfiguredMessage() << "\n";
    return exitCode;
  }
  out << "Backends:\n";
  std::vector<Verdict> verdicts = probeBackends(s.backends, getenv);
  bool allOk = true;
  for (size_t i = 0; i < s.backends.size(); ++i) {
    const BackendConfig& b = s.backends[i];
    allOk = allOk && verdicts[i].ok;
    std::string key = b.apiKeyEnv.empty()
                          ? "no key"
                          : "key from " + b.apiKeyEnv +
                                (envValue(getenv, b.apiKeyEnv).empty() ? " (NOT set)" : " (set)");
    out << "  " << b.name << " (" << toString(b.provider) << ", " << b.baseUrl
        << (b.model.empty() ? "" : ", model " + b.model) << ", " << key << ")\n    "
        << verdicts[i].text << "\n";
  }
  if (exitCode == 0 && !allOk) exitCode = 1;
  return exitCode;
}

}  // namespace sb
