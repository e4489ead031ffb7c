#include "agents/Config.h"

#include "agents/Roles.h"
#include "analysis/FileText.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

namespace sb::agents {

using nlohmann::json;

namespace {

// The file format, for validation: every key, its type, and its children.
// Checking the whole object before applying any of it gives errors and
// warnings with full JSON paths and keeps a bad file from half-applying.
// Counts are ints; durations (Ms) are long long milliseconds.
enum class Kind {
  String,
  Bool,
  Number,
  NonNegInt,
  PosInt,
  Ms,
  Object,
  Array,
  StringArray,
  StringMap
};

struct Field {
  const char* key;
  Kind kind;
  const std::vector<Field>* children = nullptr;  // Object: its keys; Array: each element's
};

const std::vector<Field> kTimeouts = {
    {"connectMs", Kind::Ms}, {"firstTokenMs", Kind::Ms}, {"totalMs", Kind::Ms}};
const std::vector<Field> kRetry = {{"maxRetries", Kind::NonNegInt},
                                   {"baseDelayMs", Kind::Ms},
                                   {"maxDelayMs", Kind::Ms},
                                   {"retryAfterCapMs", Kind::Ms}};
const std::vector<Field> kBreaker = {{"failureThreshold", Kind::PosInt}, {"cooldownMs", Kind::Ms}};
const std::vector<Field> kBackend = {{"name", Kind::String},
                                     {"provider", Kind::String},
                                     {"baseUrl", Kind::String},
                                     {"model", Kind::String},
                                     {"apiKeyEnv", Kind::String},
                                     {"headers", Kind::StringMap},
                                     {"timeouts", Kind::Object, &kTimeouts},
                                     {"maxConcurrent", Kind::PosInt},
                                     {"retry", Kind::Object, &kRetry},
                                     {"circuitBreaker", Kind::Object, &kBreaker},
                                     {"anthropicVersion", Kind::String},
                                     {"enabled", Kind::Bool}};
const std::vector<Field> kCache = {{"path", Kind::String},
                                   {"ttlMs", Kind::Ms},
                                   {"maxEntries", Kind::NonNegInt},
                                   {"maxTemperature", Kind::Number},
                                   {"cacheStreamed", Kind::Bool}};
const std::vector<Field> kCompletion = {
    {"fimTemplate", Kind::String},      {"maxTokens", Kind::PosInt},
    {"temperature", Kind::Number},      {"debounceMs", Kind::NonNegInt},
    {"prefixTokens", Kind::NonNegInt},  {"suffixTokens", Kind::NonNegInt},
    {"contextTokens", Kind::NonNegInt}, {"repoMapTokens", Kind::NonNegInt},
    {"stop", Kind::StringArray},        {"enabled", Kind::Bool}};
const std::vector<Field> kTop = {{"backends", Kind::Array, &kBackend},
                                 {"cache", Kind::Object, &kCache},
                                 {"completion", Kind::Object, &kCompletion},
                                 {"chatBackend", Kind::String},
                                 {"trustWorkspaceConfig", Kind::Bool},
                                 {"agents", Kind::Object}};  // its keys: RoleSet::configure

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::invalid_argument(path + ": " + what);
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

const char* schemaType(Kind k) {
  switch (k) {
    case Kind::String:
      return "string";
    case Kind::Bool:
      return "boolean";
    case Kind::Number:
      return "number";
    case Kind::NonNegInt:
    case Kind::PosInt:
    case Kind::Ms:
      return "integer";
    case Kind::Object:
    case Kind::StringMap:
      return "object";
    case Kind::Array:
    case Kind::StringArray:
      return "array";
  }
  return "?";
}

void listKeys(const std::vector<Field>& fields, const std::string& path,
              std::vector<std::pair<std::string, std::string>>& out) {
  for (const Field& f : fields) {
    std::string here = join(path, f.key);
    out.emplace_back(here, schemaType(f.kind));
    if (f.children) listKeys(*f.children, f.kind == Kind::Array ? here + "[]" : here, out);
  }
}

const char* kindName(Kind k) {
  switch (k) {
    case Kind::String:
      return "a string";
    case Kind::Bool:
      return "true or false";
    case Kind::Number:
      return "a number";
    case Kind::NonNegInt:
      return "an integer from 0 to 2147483647";
    case Kind::Ms:
      return "a non-negative integer (milliseconds)";
    case Kind::PosInt:
      return "an integer from 1 to 2147483647";
    case Kind::Object:
      return "an object";
    case Kind::Array:
      return "an array";
    case Kind::StringArray:
      return "an array of strings";
    case Kind::StringMap:
      return "an object of strings";
  }
  return "?";
}

bool inRange(const json& v, long long lo, long long hi) {
  if (v.is_number_unsigned())  // the parser stores every non-negative integer as unsigned
    return v.get<unsigned long long>() >= static_cast<unsigned long long>(lo) &&
           v.get<unsigned long long>() <= static_cast<unsigned long long>(hi);
  return v.is_number_integer() && v.get<long long>() >= lo && v.get<long long>() <= hi;
}

std::string typeName(const json& v) {
  if (v.is_number_integer()) return "the integer " + v.dump();
  if (v.is_number()) return "the number " + v.dump();
  if (v.is_string()) return "a string";
  return v.type_name();  // never echo a string's contents: it may be a secret
}

void checkObject(const json& obj, const std::string& path, const std::vector<Field>& fields,
                 std::vector<std::string>& warnings);

void checkValue(const json& v, const std::string& path, const Field& f,
                std::vector<std::string>& warnings) {
  if (v.is_null()) return;  // null resets to the default
  bool ok = false;
  switch (f.kind) {
    case Kind::String:
      ok = v.is_string();
      break;
    case Kind::Bool:
      ok = v.is_boolean();
      break;
    case Kind::Number:
      ok = v.is_number();
      break;
    case Kind::NonNegInt:
      ok = inRange(v, 0, std::numeric_limits<int>::max());
      break;
    case Kind::PosInt:
      ok = inRange(v, 1, std::numeric_limits<int>::max());
      break;
    case Kind::Ms:
      ok = inRange(v, 0, 1'000'000'000'000LL);
      break;  // ~30 years: no overflow in Millis arithmetic
    case Kind::Object:
      ok = v.is_object();
      break;
    case Kind::Array:
      ok = v.is_array();
      break;
    case Kind::StringArray:
      ok = v.is_array() &&
           std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
      break;
    case Kind::StringMap:
      ok = v.is_object() &&
           std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
      break;
  }
  if (!ok) fail(path, std::string("must be ") + kindName(f.kind) + ", not " + typeName(v));
  if (f.kind == Kind::Object) checkObject(v, path, *f.children, warnings);
  if (f.kind == Kind::Array)
    for (size_t i = 0; i < v.size(); ++i)
      checkObject(v[i], path + "[" + std::to_string(i) + "]", *f.children, warnings);
}

void checkObject(const json& obj, const std::string& path, const std::vector<Field>& fields,
                 std::vector<std::string>& warnings) {
  if (!obj.is_object())
    fail(path.empty() ? "settings" : path, "must be an object, not " + typeName(obj));
  for (auto& item : obj.items()) {
    // Not a structured binding: clang 14 cannot capture one in the lambda.
    const std::string& key = item.key();
    const json& value = item.value();
    auto f =
        std::find_if(fields.begin(), fields.end(), [&](const Field& x) { return key == x.key; });
    if (path.empty() && key == "agents") {
      RoleSet probe;  // roles and limits are checked where they are defined
      probe.configure(value);
    } else if (f != fields.end()) {
      checkValue(value, join(path, key), *f, warnings);
    } else if (key == "apiKey" || key == "api_key") {
      // Files get committed and shared; keys belong in the environment.
      fail(join(path, key),
           "API keys are not read from configuration; put the key in an environment variable "
           "and name it in \"apiKeyEnv\" (e.g. \"apiKeyEnv\": \"OPENAI_API_KEY\")");
    } else if (!(path.empty() && key.rfind('$', 0) == 0)) {  // "$schema" and the like
      warnings.push_back(join(path, key) + ": unknown setting, ignored");
    }
  }
}

bool isCredentialHeader(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return name == "authorization" || name == "x-api-key" || name == "api-key" ||
         name == "proxy-authorization";
}

std::string backendName(const json& entry) {
  if (auto n = entry.find("name");
      n != entry.end() && n->is_string() && !n->get<std::string>().empty())
    return n->get<std::string>();
  if (auto p = entry.find("provider"); p != entry.end() && p->is_string())
    return p->get<std::string>();
  return {};
}

// One backends[] entry on top of what the previous layers had (if anything).
BackendConfig patchBackend(const BackendConfig* existing, json entry, const std::string& path) {
  entry.erase("enabled");
  json merged = existing ? toJson(*existing) : json::object();
  merged.merge_patch(entry);
  try {
    BackendConfig c = backendFromJson(merged);
    if (c.baseUrl.rfind("http://", 0) != 0 && c.baseUrl.rfind("https://", 0) != 0)
      fail(path + ".baseUrl", "must start with http:// or https://");
    return c;
  } catch (const std::invalid_argument& e) {
    std::string what = e.what();
    if (what.rfind(path, 0) == 0) throw;
    fail(path, what);
  }
}

void applyBackends(std::vector<BackendConfig>& list, const json& entries,
                   std::vector<std::string>& warnings) {
  for (size_t i = 0; i < entries.size(); ++i) {
    const json& entry = entries[i];
    std::string path = "backends[" + std::to_string(i) + "]";
    std::string name = backendName(entry);
    if (name.empty()) fail(path, "needs a \"name\" or a \"provider\"");
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const BackendConfig& b) { return b.name == name; });
    if (entry.value("enabled", true) == false) {
      if (it != list.end()) list.erase(it);
      continue;
    }
    if (auto h = entry.find("headers"); h != entry.end() && h->is_object())
      for (auto& [header, value] : h->items())
        if (isCredentialHeader(header))
          warnings.push_back(path + ".headers." + header +
                             ": a credential in a configuration file; prefer \"apiKeyEnv\"");
    BackendConfig c = patchBackend(it != list.end() ? &*it : nullptr, entry, path);
    c.name = name;
    if (it != list.end())
      *it = std::move(c);
    else
      list.push_back(std::move(c));
  }
}

template <class T>
void take(const json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<T>();
}

void applyCompletion(CompletionSettings& c, const json& j) {
  const CompletionSettings d;
  // A key set to a value takes it; set to null, it goes back to the default.
  auto field = [&](const char* key, auto& value, const auto& fallback) {
    take(j, key, value);
    if (auto it = j.find(key); it != j.end() && it->is_null()) value = fallback;
  };
  field("fimTemplate", c.fimTemplate, d.fimTemplate);
  auto& names = fimTemplateNames();
  if (std::find(names.begin(), names.end(), c.fimTemplate) == names.end()) {
    std::string list;
    for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
    fail("completion.fimTemplate", "must be one of " + list);
  }
  field("maxTokens", c.maxTokens, d.maxTokens);
  field("temperature", c.temperature, d.temperature);
  if (c.temperature < 0 || c.temperature > 2)
    fail("completion.temperature", "must be between 0 and 2");
  field("debounceMs", c.debounceMs, d.debounceMs);
  field("prefixTokens", c.prefixTokens, d.prefixTokens);
  field("suffixTokens", c.suffixTokens, d.suffixTokens);
  field("contextTokens", c.contextTokens, d.contextTokens);
  field("repoMapTokens", c.repoMapTokens, d.repoMapTokens);
  field("stop", c.stop, d.stop);
  field("enabled", c.enabled, d.enabled);
}

std::string env(const GetEnv& getenv, const char* name) {
  const char* v = getenv ? getenv(name) : nullptr;
  return v ? std::string(v) : std::string();
}

}  // namespace

const std::vector<std::string>& fimTemplateNames() {
  static const std::vector<std::string> kNames = {"auto",     "qwen",      "starcoder", "codellama",
                                                  "deepseek", "codestral", "none"};
  return kNames;
}

std::vector<std::pair<std::string, std::string>> settingsKeys() {
  std::vector<std::pair<std::string, std::string>> out;
  listKeys(kTop, "", out);
  return out;
}

Settings applySettingsJson(Settings s, const json& j, std::vector<std::string>& warnings) {
  std::vector<std::string> found;
  checkObject(j, "", kTop, found);
  if (auto b = j.find("backends"); b != j.end() && b->is_array())
    applyBackends(s.backends, *b, found);
  if (auto c = j.find("cache"); c != j.end() && !c->is_null()) {
    json merged = toJson(s.cache);
    merged.merge_patch(*c);
    s.cache = cacheOptionsFromJson(merged);
  }
  if (auto c = j.find("completion"); c != j.end() && c->is_object())
    applyCompletion(s.completion, *c);
  if (auto c = j.find("chatBackend"); c != j.end())
    s.chatBackend = c->is_string() ? c->get<std::string>() : "";
  if (auto a = j.find("agents"); a != j.end()) s.agents.merge_patch(*a);
  warnings.insert(warnings.end(), found.begin(), found.end());
  return s;
}

Settings settingsFromJson(const json& j, std::vector<std::string>& warnings) {
  return applySettingsJson(Settings{}, j, warnings);
}

json toJson(const CompletionSettings& c) {
  return json{{"fimTemplate", c.fimTemplate},
              {"maxTokens", c.maxTokens},
              {"temperature", c.temperature},
              {"debounceMs", c.debounceMs},
              {"prefixTokens", c.prefixTokens},
              {"suffixTokens", c.suffixTokens},
              {"contextTokens", c.contextTokens},
              {"repoMapTokens", c.repoMapTokens},
              {"stop", c.stop},
              {"enabled", c.enabled}};
}

json toJson(const Settings& s) {
  json backends = json::array();
  for (auto& b : s.backends) backends.push_back(toJson(b));
  json out{
      {"backends", backends}, {"cache", toJson(s.cache)}, {"completion", toJson(s.completion)}};
  if (!s.chatBackend.empty()) out["chatBackend"] = s.chatBackend;
  if (!s.agents.empty()) out["agents"] = s.agents;
  return out;
}

Settings mergeSettings(Settings base, const json& overrides, std::vector<std::string>* warnings) {
  if (overrides.is_null()) return base;
  const json* obj = &overrides;
  if (overrides.is_object())
    if (auto it = overrides.find("switchboard"); it != overrides.end()) obj = &*it;
  if (obj->is_null()) return base;
  std::vector<std::string> ignored;
  return applySettingsJson(std::move(base), *obj, warnings ? *warnings : ignored);
}

std::string userConfigPath(const GetEnv& getenv) {
  std::string xdg = env(getenv, "XDG_CONFIG_HOME");
  if (!xdg.empty() && xdg.front() == '/')
    return xdg + "/switchboard/config.json";  // relative: ignored, per the spec
  std::string home = env(getenv, "HOME");
  return home.empty() ? std::string() : home + "/.config/switchboard/config.json";
}

std::string workspaceConfigPath(const std::string& workspaceRoot) {
  return (std::filesystem::path(workspaceRoot) / ".switchboard" / "config.json")
      .lexically_normal()
      .string();
}

namespace {

// A workspace file comes with the repository, which may be someone else's:
// unless the user trusts workspace files, it may not say where requests go or
// which credentials they carry (that would send the code and the user's API
// key to a server of the repository author's choosing), nor where the cache
// file lives. Returns what was dropped.
std::vector<std::string> dropUntrusted(json& j) {
  static const std::set<std::string> kRedirecting = {"provider", "baseUrl", "apiKeyEnv", "headers"};
  std::vector<std::string> dropped;
  if (!j.is_object()) return dropped;
  if (j.erase("trustWorkspaceConfig")) dropped.push_back("trustWorkspaceConfig");
  if (auto c = j.find("cache"); c != j.end() && c->is_object() && c->erase("path"))
    dropped.push_back("cache.path");
  if (auto b = j.find("backends"); b != j.end() && b->is_array()) {
    json kept = json::array();
    for (std::size_t i = 0; i < b->size(); ++i) {
      json entry = (*b)[i];
      std::string where = "backends[" + std::to_string(i) + "]";
      // An entry naming a server is dropped whole (a half of it would not parse).
      if (entry.is_object() && (entry.contains("baseUrl") || entry.contains("provider"))) {
        dropped.push_back(where);
        continue;
      }
      if (entry.is_object())
        for (auto& key : kRedirecting)
          if (entry.erase(key)) dropped.push_back(where + "." + key);
      kept.push_back(std::move(entry));
    }
    *b = std::move(kept);
  }
  return dropped;
}

}  // namespace

LoadedSettings loadSettings(const std::string& workspaceRoot, const GetEnv& getenv) {
  LoadedSettings out;
  std::vector<BackendConfig> fromEnv = backendsFromEnvironment(getenv);
  if (!fromEnv.empty()) {
    std::string vars;
    for (const char* v : {"OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL", "ANTHROPIC_BASE_URL",
                          "ANTHROPIC_API_KEY", "ANTHROPIC_MODEL", "OLLAMA_HOST", "OLLAMA_MODEL"})
      if (!env(getenv, v).empty()) vars += (vars.empty() ? "" : ", ") + std::string(v);
    out.sources.push_back("environment (" + vars + ")");
  }
  std::vector<std::string> files;
  if (auto user = userConfigPath(getenv); !user.empty()) files.push_back(user);
  if (!workspaceRoot.empty()) files.push_back(workspaceConfigPath(workspaceRoot));

  bool filesListBackends = false;
  bool trustWorkspace = env(getenv, "SWITCHBOARD_TRUST_WORKSPACE") == "1";
  for (const auto& file : files) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) continue;
    std::optional<std::string> text = readFileText(file);
    if (!text) {
      out.errors.push_back(file + ": cannot be read");
      continue;
    }
    json j = json::parse(*text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
    if (j.is_discarded()) {
      out.errors.push_back(file + ": not valid JSON");
      continue;
    }
    bool isWorkspaceFile = !workspaceRoot.empty() && file == workspaceConfigPath(workspaceRoot);
    if (!isWorkspaceFile && j.is_object() && j.value("trustWorkspaceConfig", false))
      trustWorkspace = true;
    if (isWorkspaceFile && !trustWorkspace) {
      auto dropped = dropUntrusted(j);
      if (!dropped.empty()) {
        std::string keys;
        for (auto& d : dropped) keys += (keys.empty() ? "" : ", ") + d;
        out.warnings.push_back(
            file + ": " + keys +
            " ignored: a workspace file may not choose servers or credentials (a cloned repository "
            "could send your code and API keys elsewhere). Trust it with \"trustWorkspaceConfig\": "
            "true in your user config or SWITCHBOARD_TRUST_WORKSPACE=1");
      }
    }
    try {
      std::vector<std::string> warnings;
      Settings next = out.settings;
      bool listsBackends = false;
      // An entry named like an environment backend patches that one.
      if (auto b = j.find("backends"); b != j.end() && b->is_array()) {
        listsBackends = !b->empty();
        for (auto& entry : *b) {
          if (!entry.is_object()) continue;
          std::string name = backendName(entry);
          bool known = std::any_of(next.backends.begin(), next.backends.end(),
                                   [&](const BackendConfig& c) { return c.name == name; });
          auto e = std::find_if(fromEnv.begin(), fromEnv.end(),
                                [&](const BackendConfig& c) { return c.name == name; });
          if (!known && e != fromEnv.end()) next.backends.push_back(*e);
        }
      }
      out.settings = applySettingsJson(std::move(next), j, warnings);
      for (auto& w : warnings) out.warnings.push_back(file + ": " + w);
      out.sources.push_back(file);
      filesListBackends = filesListBackends || listsBackends;
    } catch (const std::invalid_argument& e) {
      out.errors.push_back(file + ": " + e.what());
    }
  }
  // Without a backend list in any file the environment's backends are the chain.
  if (!filesListBackends) out.settings.backends = fromEnv;
  const std::string& chat = out.settings.chatBackend;
  if (!chat.empty() && std::none_of(out.settings.backends.begin(), out.settings.backends.end(),
                                    [&](const BackendConfig& b) { return b.name == chat; }))
    out.warnings.push_back("chatBackend: no backend is named '" + chat + "'");
  return out;
}

}  // namespace sb::agents
