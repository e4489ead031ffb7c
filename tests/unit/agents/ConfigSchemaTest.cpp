// docs/config.schema.json against what the daemon reads: every key and type
// the validator knows (agents/Config.cpp), the agent roles and limits
// (agents/Roles.cpp) and the workflow options' defaults, so editors that
// validate with the schema accept exactly the configuration the daemon does.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "agents/Config.h"
#include "agents/Roles.h"
#include "agents/WorkflowRunner.h"

namespace {

using nlohmann::json;

json loadSchema() {
  // SB_TEST_DATA_DIR is <source>/tests/data.
  auto path = std::filesystem::path(SB_TEST_DATA_DIR).parent_path().parent_path() / "docs" /
              "config.schema.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return json::parse(in);
}

const json& schema() {
  static const json kSchema = loadSchema();
  return kSchema;
}

// The schema's type of a property; an enum of strings without "type" is a string.
std::string typeOf(const json& s) {
  if (s.contains("type")) return s["type"].get<std::string>();
  if (s.contains("enum") && s["enum"].is_array() && !s["enum"].empty() && s["enum"][0].is_string())
    return "string";
  return "?";
}

// The schema's keys as the validator's paths: objects' properties
// recursively, array elements as "[]". "agents" is not descended into.
void walk(const json& props, const std::string& path, std::map<std::string, std::string>& out) {
  for (auto& [key, s] : props.items()) {
    if (path.empty() && key == "$schema") continue;
    std::string here = path.empty() ? key : path + "." + key;
    out[here] = typeOf(s);
    if (path.empty() && key == "agents") continue;
    if (s.contains("properties")) walk(s["properties"], here, out);
    if (s.contains("items") && s["items"].contains("properties"))
      walk(s["items"]["properties"], here + "[]", out);
  }
}

std::set<std::string> keysOf(const json& obj) {
  std::set<std::string> out;
  for (auto& [k, v] : obj.items()) out.insert(k);
  return out;
}

const json& agentsSchema() {
  return schema()["properties"]["agents"];
}

TEST(ConfigSchema, TopLevelKeysAreTheOnesTheValidatorAccepts) {
  std::set<std::string> accepted;
  for (auto& [path, type] : sb::agents::settingsKeys())
    if (path.find_first_of(".[") == std::string::npos) accepted.insert(path);
  std::set<std::string> documented = keysOf(schema()["properties"]);
  documented.erase("$schema");
  EXPECT_EQ(documented, accepted);
  EXPECT_TRUE(accepted.count("agents"));
  EXPECT_TRUE(accepted.count("trustWorkspaceConfig"));
}

TEST(ConfigSchema, EveryKeyAndTypeBelowTheTopLevelMatchesTheValidator) {
  std::map<std::string, std::string> accepted;
  for (auto& [path, type] : sb::agents::settingsKeys()) accepted[path] = type;
  std::map<std::string, std::string> documented;
  walk(schema()["properties"], "", documented);
  EXPECT_EQ(documented, accepted);
}

TEST(ConfigSchema, ObjectsRejectUnknownKeysLikeTheValidatorWarnsAboutThem) {
  EXPECT_EQ(schema()["additionalProperties"], false);
  for (const char* key : {"cache", "completion", "agents"})
    EXPECT_EQ(schema()["properties"][key]["additionalProperties"], false) << key;
  EXPECT_EQ(agentsSchema()["properties"]["limits"]["additionalProperties"], false);
  EXPECT_EQ(agentsSchema()["properties"]["workflows"]["additionalProperties"], false);
  EXPECT_EQ(agentsSchema()["properties"]["roles"]["additionalProperties"]["additionalProperties"],
            false);
}

TEST(ConfigSchema, AgentsHasRolesLimitsAndWorkflows) {
  EXPECT_EQ(keysOf(agentsSchema()["properties"]),
            (std::set<std::string>{"roles", "limits", "workflows"}));
}

TEST(ConfigSchema, EveryDocumentedLimitIsReadByRolesWithTheDocumentedDefault) {
  const json& limits = agentsSchema()["properties"]["limits"]["properties"];
  const sb::agents::AgentLimits defaults;
  std::map<std::string, long long> builtIn = {{"maxTurns", defaults.maxTurns},
                                              {"maxTokens", defaults.maxTokens},
                                              {"maxSeconds", defaults.maxTime.count()},
                                              {"maxToolOutputChars", defaults.maxToolOutputChars},
                                              {"maxOutputTokens", defaults.maxOutputTokens}};
  ASSERT_EQ(keysOf(limits).size(), builtIn.size());
  json set = json::object();
  long long next = 7;
  for (auto& [key, s] : limits.items()) {
    ASSERT_TRUE(builtIn.count(key)) << key << " is not a limit Roles knows";
    EXPECT_EQ(s["default"].get<long long>(), builtIn[key]) << key;
    EXPECT_EQ(s["type"], "integer") << key;
    EXPECT_EQ(s["minimum"], 1) << key;
    sb::agents::RoleSet zero;
    EXPECT_THROW(zero.configure({{"limits", {{key, 0}}}}), std::invalid_argument) << key;
    set[key] = next++;
  }
  sb::agents::RoleSet roles;
  roles.configure({{"limits", set}});
  const auto& got = roles.limits();
  EXPECT_EQ(got.maxTurns, set["maxTurns"].get<int>());
  EXPECT_EQ(got.maxTokens, set["maxTokens"].get<int>());
  EXPECT_EQ(got.maxTime.count(), set["maxSeconds"].get<long long>());
  EXPECT_EQ(got.maxToolOutputChars, set["maxToolOutputChars"].get<int>());
  EXPECT_EQ(got.maxOutputTokens, set["maxOutputTokens"].get<int>());
}

TEST(ConfigSchema, EveryDocumentedRoleFieldIsReadByRoles) {
  const json& role = agentsSchema()["properties"]["roles"]["additionalProperties"];
  const json& fields = role["properties"];
  EXPECT_EQ(keysOf(fields),
            (std::set<std::string>{"system", "tools", "backends", "temperature", "description"}));
  for (auto& [key, s] : fields.items()) {
    // A value of the wrong type is rejected naming the field: Roles reads it.
    json wrong = s["type"] == "string" ? json(1) : json("x");
    sb::agents::RoleSet roles;
    try {
      roles.configure({{"roles", {{"reviewer", {{key, wrong}}}}}});
      ADD_FAILURE() << key << ": a wrong type was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("agents.roles.reviewer." + key), std::string::npos)
          << e.what();
    }
  }
  sb::agents::RoleSet roles;
  roles.configure({{"roles",
                    {{"auditor",
                      {{"system", "Audit."},
                       {"tools", {"read_file"}},
                       {"backends", {"local"}},
                       {"temperature", 0.7},
                       {"description", "Audits"}}}}}});
  const sb::agents::Role* r = roles.find("auditor");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->system, "Audit.");
  EXPECT_EQ(r->tools, std::vector<std::string>{"read_file"});
  EXPECT_EQ(r->backends, std::vector<std::string>{"local"});
  EXPECT_DOUBLE_EQ(r->temperature, 0.7);
  EXPECT_EQ(r->description, "Audits");
}

TEST(ConfigSchema, WorkflowLimitsHaveTheRunnersDefaults) {
  const json& wf = agentsSchema()["properties"]["workflows"]["properties"];
  const sb::agents::WorkflowLimits defaults;
  EXPECT_EQ(keysOf(wf), (std::set<std::string>{"maxParallel", "stepRetries", "retryBaseDelayMs"}));
  EXPECT_EQ(wf["maxParallel"]["default"].get<int>(), defaults.maxParallel);
  EXPECT_EQ(wf["stepRetries"]["default"].get<int>(), defaults.stepRetries);
  EXPECT_EQ(wf["retryBaseDelayMs"]["default"].get<long long>(), defaults.retryBaseDelay.count());
  for (auto& [key, s] : wf.items()) EXPECT_EQ(s["type"], "integer") << key;
}

TEST(ConfigSchema, ADocumentedConfigurationWithAgentsAndTrustIsAcceptedWithoutWarnings) {
  json config = json::parse(R"({
    "$schema": "file:///x/docs/config.schema.json",
    "trustWorkspaceConfig": true,
    "agents": {
      "roles": {
        "reviewer": {"backends": ["claude", "local"]},
        "security": {"system": "You audit code.", "tools": ["search_code", "read_file"]}
      },
      "limits": {"maxTurns": 8, "maxSeconds": 300}
    }
  })");
  std::vector<std::string> warnings;
  auto s = sb::agents::settingsFromJson(config, warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  EXPECT_EQ(s.agents["limits"]["maxTurns"], 8);
}

}  // namespace
