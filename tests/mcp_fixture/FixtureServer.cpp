// Test-only MCP server for the @modelcontextprotocol/conformance suite: the
// fixture tools, resources and prompts its server scenarios call by name,
// served by the product's McpServer over the product's Streamable HTTP
// transport. Never part of the shipped tool list.
//
//   mcp_fixture_server [--port N]   (prints "... MCP on http://127.0.0.1:PORT/mcp" on stderr)
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>

#include "server/HttpServer.h"
#include "server/McpHttpTransport.h"
#include "server/McpServer.h"

namespace {

using namespace sb;

// A 1x1 red PNG and a silent 8 kHz WAV with no samples.
constexpr const char* kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg"
    "==";
constexpr const char* kWav = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=";

json noArgs() {
  return {{"type", "object"}, {"properties", json::object()}};
}

json text(const std::string& t) {
  return {{"type", "text"}, {"text", t}};
}

McpToolResult content(json items, bool isError = false) {
  McpToolResult r;
  r.content = std::move(items);
  r.isError = isError;
  return r;
}

void pause() {
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// A tool answering with fixed content.
McpTool fixed(std::string name, std::string description, json items, bool isError = false) {
  McpTool t;
  t.name = std::move(name);
  t.description = std::move(description);
  t.inputSchema = noArgs();
  t.call = [items = std::move(items), isError](const json&, McpToolContext,
                                               std::function<void(McpToolResult)> done) {
    done(content(items, isError));
  };
  return t;
}

// A tool that sends elicitation/create with `params(args)` and reports the answer.
McpTool elicit(std::string name, std::string description, json schema,
               std::function<json(const json&)> params, std::string prefix) {
  McpTool t;
  t.name = std::move(name);
  t.description = std::move(description);
  t.inputSchema = std::move(schema);
  t.call = [params = std::move(params), prefix = std::move(prefix)](
               const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
    ctx.request("elicitation/create", params(args), [done, prefix](ResponseOrError r) {
      if (r.error) return done(McpToolResult::error("elicitation failed: " + r.error->message));
      const json& res = *r.result;
      done(content(json::array({text(prefix + "action=" + res.value("action", "") + ", content=" +
                                     res.value("content", json::object()).dump())})));
    });
  };
  return t;
}

std::shared_ptr<const McpCatalog> fixtureCatalog() {
  auto c = std::make_shared<McpCatalog>();
  c->name = "switchboard-conformance-fixture";
  c->title = "Switchboard conformance fixture";
  auto& tools = c->tools;
  tools.push_back(fixed("test_simple_text", "Returns simple text",
                        json::array({text("This is a simple text response for testing.")})));
  tools.push_back(
      fixed("test_image_content", "Returns an image",
            json::array({{{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}}})));
  tools.push_back(
      fixed("test_audio_content", "Returns audio",
            json::array({{{"type", "audio"}, {"data", kWav}, {"mimeType", "audio/wav"}}})));
  tools.push_back(fixed("test_embedded_resource", "Returns an embedded resource",
                        json::array({{{"type", "resource"},
                                      {"resource",
                                       {{"uri", "test://embedded-resource"},
                                        {"mimeType", "text/plain"},
                                        {"text", "This is an embedded resource content."}}}}})));
  tools.push_back(fixed("test_multiple_content_types", "Returns text, image and resource",
                        json::array({text("Multiple content types test:"),
                                     {{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}},
                                     {{"type", "resource"},
                                      {"resource",
                                       {{"uri", "test://mixed-content-resource"},
                                        {"mimeType", "application/json"},
                                        {"text", R"({"test":"data","value":123})"}}}}})));
  tools.push_back(fixed("test_error_handling", "Always fails",
                        json::array({text("This tool intentionally returns an error for testing")}),
                        true));
  {
    McpTool t;
    t.name = "test_tool_with_logging";
    t.description = "Sends three log messages while it runs";
    t.inputSchema = noArgs();
    t.call = [](const json&, McpToolContext ctx, std::function<void(McpToolResult)> done) {
      ctx.log("info", "Tool execution started");
      pause();
      ctx.log("info", "Tool processing data");
      pause();
      ctx.log("info", "Tool execution completed");
      done(content(json::array({text("Logging tool completed")})));
    };
    tools.push_back(std::move(t));
  }
  {
    McpTool t;
    t.name = "test_tool_with_progress";
    t.description = "Reports progress 0, 50 and 100 of 100";
    t.inputSchema = noArgs();
    t.call = [](const json&, McpToolContext ctx, std::function<void(McpToolResult)> done) {
      ctx.progress(0, 100, "");
      pause();
      ctx.progress(50, 100, "");
      pause();
      ctx.progress(100, 100, "");
      done(content(json::array({text("Progress tool completed")})));
    };
    tools.push_back(std::move(t));
  }
  {
    McpTool t;
    t.name = "test_sampling";
    t.description = "Asks the client's LLM (sampling/createMessage)";
    t.inputSchema = {{"type", "object"},
                     {"properties", {{"prompt", {{"type", "string"}}}}},
                     {"required", {"prompt"}}};
    t.call = [](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
      json params = {
          {"messages", json::array({{{"role", "user"},
                                     {"content", text(args.at("prompt").get<std::string>())}}})},
          {"maxTokens", 100}};
      ctx.request("sampling/createMessage", std::move(params), [done](ResponseOrError r) {
        if (r.error) return done(McpToolResult::error("sampling failed: " + r.error->message));
        const json& res = *r.result;
        std::string answer = res.contains("content") && res["content"].is_object()
                                 ? res["content"].value("text", "")
                                 : res.dump();
        done(content(json::array({text("LLM response: " + answer)})));
      });
    };
    tools.push_back(std::move(t));
  }
  tools.push_back(elicit(
      "test_elicitation", "Asks the user (elicitation/create)",
      {{"type", "object"},
       {"properties", {{"message", {{"type", "string"}}}}},
       {"required", {"message"}}},
      [](const json& args) {
        return json{{"message", args.at("message")},
                    {"requestedSchema",
                     {{"type", "object"},
                      {"properties",
                       {{"username", {{"type", "string"}, {"description", "User's response"}}},
                        {"email", {{"type", "string"}, {"description", "User's email address"}}}}},
                      {"required", {"username", "email"}}}}};
      },
      "User response: "));
  tools.push_back(elicit(
      "test_elicitation_sep1034_defaults", "Elicitation with defaults (SEP-1034)", noArgs(),
      [](const json&) {
        return json{
            {"message", "Please review and update the form fields with defaults"},
            {"requestedSchema",
             {{"type", "object"},
              {"properties",
               {{"name",
                 {{"type", "string"}, {"description", "User name"}, {"default", "John Doe"}}},
                {"age", {{"type", "integer"}, {"description", "User age"}, {"default", 30}}},
                {"score", {{"type", "number"}, {"description", "User score"}, {"default", 95.5}}},
                {"status",
                 {{"type", "string"},
                  {"description", "User status"},
                  {"enum", {"active", "inactive", "pending"}},
                  {"default", "active"}}},
                {"verified",
                 {{"type", "boolean"},
                  {"description", "Verification status"},
                  {"default", true}}}}},
              {"required", json::array()}}}};
      },
      "Elicitation completed: "));
  tools.push_back(elicit(
      "test_elicitation_sep1330_enums", "Elicitation with the enum forms (SEP-1330)", noArgs(),
      [](const json&) {
        auto titled = [](const char* prefix, const char* title) {
          json out = json::array();
          const char* names[] = {"First", "Second", "Third"};
          for (int i = 0; i < 3; ++i)
            out.push_back({{"const", std::string(prefix) + std::to_string(i + 1)},
                           {"title", std::string(names[i]) + " " + title}});
          return out;
        };
        return json{
            {"message", "Please select options from the enum fields"},
            {"requestedSchema",
             {{"type", "object"},
              {"properties",
               {{"untitledSingle",
                 {{"type", "string"},
                  {"description", "Untitled single-select"},
                  {"enum", {"option1", "option2", "option3"}}}},
                {"titledSingle",
                 {{"type", "string"},
                  {"description", "Titled single-select"},
                  {"oneOf", titled("value", "Option")}}},
                {"legacyEnum",
                 {{"type", "string"},
                  {"description", "Legacy titled enum"},
                  {"enum", {"opt1", "opt2", "opt3"}},
                  {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
                {"untitledMulti",
                 {{"type", "array"},
                  {"description", "Untitled multi-select"},
                  {"items", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}}}},
                {"titledMulti",
                 {{"type", "array"},
                  {"description", "Titled multi-select"},
                  {"items", {{"anyOf", titled("value", "Choice")}}}}}}},
              {"required", json::array()}}}};
      },
      "Elicitation completed: "));
  {
    McpTool t;
    t.name = "json_schema_2020_12_tool";
    t.description = "Tool with JSON Schema 2020-12 features";
    t.inputSchema = json::parse(R"({
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "type": "object",
      "$defs": {"address": {"type": "object", "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
      "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
      "additionalProperties": false
    })");
    t.call = [](const json& args, McpToolContext, std::function<void(McpToolResult)> done) {
      done(content(json::array({text("Received: " + args.dump())})));
    };
    tools.push_back(std::move(t));
  }

  c->listResources = [] {
    return std::vector<McpResource>{
        {"test://static-text", "static-text", "", "A static text resource", "text/plain"},
        {"test://static-binary", "static-binary", "", "A static binary resource (PNG)",
         "image/png"},
        {"test://watched-resource", "watched-resource", "", "A resource to subscribe to",
         "text/plain"},
    };
  };
  c->templates = {
      {"test://template/{id}/data", "template-data", "", "Data for an id", "application/json"}};
  c->readResource = [](const std::string& uri) -> std::optional<json> {
    auto textResource = [&](const std::string& mime, const std::string& body) {
      return json::array({{{"uri", uri}, {"mimeType", mime}, {"text", body}}});
    };
    if (uri == "test://static-text")
      return textResource("text/plain", "This is the content of the static text resource.");
    if (uri == "test://watched-resource")
      return textResource("text/plain", "Watched resource content.");
    if (uri == "test://static-binary")
      return json::array({{{"uri", uri}, {"mimeType", "image/png"}, {"blob", kPng}}});
    const std::string prefix = "test://template/", suffix = "/data";
    if (uri.rfind(prefix, 0) == 0 && uri.size() > prefix.size() + suffix.size() &&
        uri.compare(uri.size() - suffix.size(), suffix.size(), suffix) == 0) {
      std::string id = uri.substr(prefix.size(), uri.size() - prefix.size() - suffix.size());
      return textResource(
          "application/json",
          json{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}}.dump());
    }
    return std::nullopt;
  };

  auto message = [](json contentItem) {
    return json{{"role", "user"}, {"content", std::move(contentItem)}};
  };
  c->prompts.push_back(
      {"test_simple_prompt", "", "A simple prompt without arguments", {}, [message](const json&) {
         return json{{"messages", {message(text("This is a simple prompt for testing."))}}};
       }});
  c->prompts.push_back(
      {"test_prompt_with_arguments",
       "",
       "A prompt with two arguments",
       {{"arg1", "First test argument", true}, {"arg2", "Second test argument", true}},
       [message](const json& args) {
         std::string a = args.at("arg1").get<std::string>(), b = args.at("arg2").get<std::string>();
         return json{
             {"messages",
              {message(text("Prompt with arguments: arg1='" + a + "', arg2='" + b + "'"))}}};
       }});
  c->prompts.push_back(
      {"test_prompt_with_embedded_resource",
       "",
       "A prompt embedding a resource",
       {{"resourceUri", "URI of the resource to embed", true}},
       [message](const json& args) {
         json resource = {{"type", "resource"},
                          {"resource",
                           {{"uri", args.at("resourceUri")},
                            {"mimeType", "text/plain"},
                            {"text", "Embedded resource content for testing."}}}};
         return json{
             {"messages",
              {message(resource), message(text("Please process the embedded resource above."))}}};
       }});
  c->prompts.push_back(
      {"test_prompt_with_image", "", "A prompt with an image", {}, [message](const json&) {
         json image = {{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}};
         return json{
             {"messages", {message(image), message(text("Please analyze the image above."))}}};
       }});
  c->complete = [](const std::string&, const std::string&, const std::string&,
                   const std::string& value) {
    std::vector<std::string> out;
    for (std::string v : {"paris", "park", "party", "test", "testing"})
      if (v.rfind(value, 0) == 0) out.push_back(v);
    return out;
  };
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  uint16_t port = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = static_cast<uint16_t>(std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: mcp_fixture_server [--port N]\n";
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  auto catalog = fixtureCatalog();
  Workers workers(4);
  McpHttpTransport transport({}, [&](const SessionContext& ctx) {
    return std::make_unique<McpServer>(ctx, workers, catalog);
  });
  HttpServerOptions options;
  options.port = port;
  try {
    HttpServer server(options, [&transport](HttpRequest req, std::shared_ptr<HttpExchange> ex) {
      transport.handle(std::move(req), std::move(ex));
    });
    std::cerr << "mcp_fixture_server: MCP on http://" << server.host() << ":" << server.port()
              << "/mcp" << std::endl;
    server.run();
  } catch (const std::exception& e) {
    std::cerr << "mcp_fixture_server: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
