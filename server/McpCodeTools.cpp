#include "McpCodeTools.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "analysis/CodeSearch.h"
#include "analysis/FileText.h"
#include "analysis/RootDir.h"
#include "protocol/Uri.h"

namespace sb {
namespace fs = std::filesystem;

namespace {

constexpr size_t kReadFileMaxBytes = 16 * 1024 * 1024;
constexpr size_t kReadInlineMaxBytes = 1024 * 1024;

// The workspace a catalog serves, shared by its handlers.
struct Workspace {
  std::string root;
  std::optional<RootDir> rootDir;  // on `root`, for read_file's fast path
  std::shared_ptr<WorkspaceIndex> index;
  WorkspaceRegistry* registry;
  std::unique_ptr<Engine> engine;

  std::string rel(const std::string& abs) const { return index->relativePath(abs); }
  std::string uriOf(const std::string& path) const {
    return pathToFileUri(confinedPath(root, path));
  }
};

// Engine calls are asynchronous; tools run on a worker and may wait.
template <class T>
T await(const std::function<void(Callback<T>)>& start) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  start([&promise](Result<T> r) { promise.set_value(std::move(r)); });
  Result<T> r = future.get();
  if (auto* e = std::get_if<EngineError>(&r)) throw std::runtime_error(e->message);
  return std::get<T>(std::move(r));
}

json schema(json properties, std::vector<std::string> required = {}) {
  json s = {
      {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

json location(const std::string& rel, const Range& r) {
  return {{"path", rel}, {"line", r.start.line + 1}, {"column", r.start.character + 1}};
}

// 1-based line/column (characters) to an engine position.
Position positionArg(const json& args) {
  return {args.at("line").get<uint32_t>() - 1, args.at("column").get<uint32_t>() - 1};
}

json symbolJson(const Workspace& w, const SymbolInfo& s) {
  auto path = fileUriToPath(s.location.uri);
  json j = location(path ? w.rel(*path) : s.location.uri, s.location.range);
  j["name"] = s.name;
  j["kind"] = symbolKindName(s.kind);
  if (!s.container.empty()) j["container"] = s.container;
  if (!s.signature.empty()) j["signature"] = s.signature;
  if (!s.doc.empty()) j["doc"] = s.doc;
  return j;
}

// read_file's answer for a file's bytes (or the reason there are none);
// `rel` is the path reported back.
McpToolResult readFileAnswer(const json& args, RegularFileText read, const std::string& rel) {
  using P = RegularFileText::Problem;
  const std::string& path = args["path"].get_ref<const std::string&>();
  if (read.problem == P::NotRegular) return McpToolResult::error(path + " is not a file");
  if (read.problem == P::TooLarge) return McpToolResult::error("file is over 16 MB");
  if (read.problem != P::None) return McpToolResult::error("cannot read " + path);
  std::string text = std::move(read.text);
  if (std::string_view(text).substr(0, 8192).find('\0') != std::string_view::npos)
    return McpToolResult::error("binary file");
  constexpr uint32_t kMaxLines = 2000;
  uint32_t first = args.value("startLine", 1u);
  uint32_t last = std::min(args.value("endLine", UINT32_MAX),
                           first > UINT32_MAX - kMaxLines ? UINT32_MAX : first + kMaxLines - 1);
  if (last < first) return McpToolResult::error("endLine is before startLine");
  LineSlice slice = sliceLines(text, first - 1, last - 1);
  uint32_t total = slice.lineCount;
  if (first > total)
    return McpToolResult::error("startLine is past the end (" + std::to_string(total) + " lines)");
  last = std::min(last, total);
  if (slice.begin > 0 || slice.end < text.size())
    text = text.substr(slice.begin, slice.end - slice.begin);
  return McpToolResult::text(
      std::move(text),
      {{"path", rel}, {"startLine", first}, {"endLine", last}, {"totalLines", total}});
}

json outlineJson(const DocumentSnapshot& doc, const std::vector<OutlineSymbol>& symbols) {
  json out = json::array();
  for (const auto& s : symbols) {
    Range r = doc.toRange(s.selectionRange, PositionEncoding::Utf32);
    Range whole = doc.toRange(s.range, PositionEncoding::Utf32);
    json j = {{"name", s.name},
              {"kind", symbolKindName(s.kind)},
              {"line", r.start.line + 1},
              {"column", r.start.character + 1},
              {"endLine", whole.end.line + 1}};
    if (!s.detail.empty()) j["detail"] = s.detail;
    if (!s.children.empty()) j["children"] = outlineJson(doc, s.children);
    out.push_back(std::move(j));
  }
  return out;
}

std::string listText(const json& items, const std::function<std::string(const json&)>& line) {
  std::string out;
  for (const auto& i : items) out += line(i) + "\n";
  return out.empty() ? "(none)\n" : out;
}

std::string where(const json& j) {
  return j["path"].get<std::string>() + ":" + std::to_string(j["line"].get<int>()) + ":" +
         std::to_string(j["column"].get<int>());
}

void addTools(McpCatalog& c, const std::shared_ptr<Workspace>& w) {
  json pathProp = {{"type", "string"},
                   {"description", "file path, relative to the workspace root"}};
  json lineProp = {{"type", "integer"}, {"minimum", 1}, {"description", "1-based line"}};
  json colProp = {
      {"type", "integer"}, {"minimum", 1}, {"description", "1-based column (characters)"}};
  auto readOnly = json{{"readOnlyHint", true}, {"openWorldHint", false}};

  c.tools.push_back(McpTool{
      "find_symbol", "Find symbol",
      "Search the workspace's definitions by name: exact, prefix, substring or fuzzy (camel-case "
      "initials). Returns where each is defined with its signature.",
      schema(
          {{"query", {{"type", "string"}, {"minLength", 1}}},
           {"kind",
            {{"type", "string"}, {"description", "only this kind, e.g. function, class, method"}}},
           {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}}},
          {"query"}),
      schema({{"symbols", {{"type", "array"}}}}, {"symbols"}), readOnly,
      [w](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        size_t limit = args.value("limit", 50);
        std::string kind = args.value("kind", "");
        auto found = await<std::vector<SymbolInfo>>([&](auto cb) {
          w->engine->workspaceSymbols(args["query"], kind.empty() ? limit : 500,
                                      PositionEncoding::Utf32, ctx.cancel, cb);
        });
        json symbols = json::array();
        for (const auto& s : found) {
          if (!kind.empty() && kind != symbolKindName(s.kind)) continue;
          if (symbols.size() >= limit) break;
          symbols.push_back(symbolJson(*w, s));
        }
        std::string text = listText(symbols, [](const json& s) {
          return where(s) + ": " + s["kind"].get<std::string>() + " " +
                 s["name"].get<std::string>() +
                 (s.contains("signature") ? "  " + s["signature"].get<std::string>() : "");
        });
        done(McpToolResult::text(text, {{"symbols", symbols}}));
      }});

  auto byNameOrPosition =
      schema({{"symbol", {{"type", "string"}, {"description", "a name to look up"}}},
              {"path", pathProp},
              {"line", lineProp},
              {"column", colProp}});
  c.tools.push_back(McpTool{
      "get_definition", "Go to definition",
      "Where a name is defined, with signature and doc comment: give `symbol`, or "
      "`path`+`line`+`column` "
      "of a use (resolved by scope: same file, imported files, same directory, then everywhere).",
      byNameOrPosition, schema({{"definitions", {{"type", "array"}}}}, {"definitions"}), readOnly,
      [w](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        std::vector<SymbolInfo> defs;
        if (args.contains("path")) {
          if (!args.contains("line") || !args.contains("column"))
            return done(McpToolResult::error("give line and column with path"));
          std::string uri = w->uriOf(args["path"]);
          defs = await<std::vector<SymbolInfo>>([&](auto cb) {
            w->engine->definition(uri, positionArg(args), PositionEncoding::Utf32, ctx.cancel, cb);
          });
        } else if (args.contains("symbol")) {
          for (const auto& h :
               w->index->store().symbolsNamed(args["symbol"].get<std::string>(), 50)) {
            SymbolInfo s;
            s.name = h.symbol.name;
            s.kind = h.symbol.kind;
            s.container = h.symbol.container;
            s.signature = h.symbol.signature;
            s.doc = h.symbol.doc;
            s.location.uri = pathToFileUri(w->index->absolutePath(h.relPath));
            s.location.range = {{h.symbol.nameStart.line, h.symbol.nameStart.col8},
                                {h.symbol.nameEnd.line, h.symbol.nameEnd.col8}};
            defs.push_back(std::move(s));
          }
        } else {
          return done(McpToolResult::error("give either symbol, or path with line and column"));
        }
        json list = json::array();
        for (const auto& d : defs) list.push_back(symbolJson(*w, d));
        std::string text = listText(list, [](const json& s) {
          std::string t =
              where(s) + ": " + s["kind"].get<std::string>() + " " + s["name"].get<std::string>();
          if (s.contains("signature")) t += "\n  " + s["signature"].get<std::string>();
          if (s.contains("doc")) t += "\n  " + s["doc"].get<std::string>();
          return t;
        });
        done(McpToolResult::text(text, {{"definitions", list}}));
      }});

  c.tools.push_back(McpTool{
      "find_references", "Find references",
      "Every use of a name in the workspace (name-based: identifiers spelled the same). Give "
      "`path`+`line`+"
      "`column` of an occurrence, or `symbol`.",
      schema({{"symbol", {{"type", "string"}}},
              {"path", pathProp},
              {"line", lineProp},
              {"column", colProp},
              {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 5000}}}}),
      schema({{"references", {{"type", "array"}}}, {"truncated", {{"type", "boolean"}}}},
             {"references"}),
      readOnly, [w](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        size_t limit = args.value("limit", 200);
        json refs = json::array();
        bool truncated = false;
        if (args.contains("path")) {
          if (!args.contains("line") || !args.contains("column"))
            return done(McpToolResult::error("give line and column with path"));
          std::string uri = w->uriOf(args["path"]);
          auto locs = await<std::vector<SourceLocation>>([&](auto cb) {
            w->engine->references(uri, positionArg(args), PositionEncoding::Utf32, true, ctx.cancel,
                                  cb);
          });
          for (const auto& l : locs) {
            if (refs.size() >= limit) {
              truncated = true;
              break;
            }
            auto path = fileUriToPath(l.uri);
            refs.push_back(location(path ? w->rel(*path) : l.uri, l.range));
          }
        } else if (args.contains("symbol")) {
          auto hits = w->index->references(args["symbol"].get<std::string>(), limit + 1);
          truncated = hits.size() > limit;
          for (size_t i = 0; i < hits.size() && i < limit; ++i)
            refs.push_back({{"path", hits[i].relPath},
                            {"line", hits[i].ref.start.line + 1},
                            {"column", hits[i].ref.start.col8 + 1}});
        } else {
          return done(McpToolResult::error("give either symbol, or path with line and column"));
        }
        std::string text = listText(refs, where);
        if (truncated) text += "(more references not shown; raise limit)\n";
        done(McpToolResult::text(text, {{"references", refs}, {"truncated", truncated}}));
      }});

  c.tools.push_back(McpTool{
      "document_outline", "Document outline",
      "The nested outline of one file: classes, functions, methods... with 1-based lines.",
      schema({{"path", pathProp}}, {"path"}),
      schema({{"symbols", {{"type", "array"}}}}, {"symbols"}), readOnly,
      [w](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        std::string uri = w->uriOf(args["path"]);
        auto r = await<OnSnapshot<std::vector<OutlineSymbol>>>(
            [&](auto cb) { w->engine->outline(uri, ctx.cancel, cb); });
        json symbols = outlineJson(*r.doc, r.value);
        std::string text;
        std::function<void(const json&, int)> render = [&](const json& list, int depth) {
          for (const auto& s : list) {
            text += std::string(depth * 2, ' ') + std::to_string(s["line"].get<int>()) + ": " +
                    s["kind"].get<std::string>() + " " + s["name"].get<std::string>() + "\n";
            if (s.contains("children")) render(s["children"], depth + 1);
          }
        };
        render(symbols, 0);
        if (auto why = r.doc->parseSkippedReason(); !why.empty())
          text = "not parsed: " + std::string(why) + "\n";
        done(McpToolResult::text(text.empty() ? "(no symbols)\n" : text, {{"symbols", symbols}}));
      }});

  c.tools.push_back(McpTool{
      "repo_map", "Repository map",
      "The workspace's most referenced definitions (ranked over the reference graph), as compact "
      "text "
      "within a token budget: a map of the code base for planning.",
      schema({{"tokens", {{"type", "integer"}, {"minimum", 64}, {"maximum", 32000}}}}),
      schema({{"map", {{"type", "string"}}}}, {"map"}), readOnly,
      [w](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        auto map = await<std::string>(
            [&](auto cb) { w->engine->repoMap(args.value("tokens", 1024), ctx.cancel, cb); });
        done(McpToolResult::text(map.empty() ? "(the index is empty)\n" : map, {{"map", map}}));
      }});

  c.tools.push_back(McpTool{
      "search_code", "Search code",
      "Search file contents (literal by default, or RE2 regular expression), honouring .gitignore. "
      "Returns path:line:column and the line.",
      schema(
          {{"pattern", {{"type", "string"}, {"minLength", 1}}},
           {"regex", {{"type", "boolean"}}},
           {"caseSensitive", {{"type", "boolean"}}},
           {"path",
            {{"type", "string"}, {"description", "glob on the relative path, e.g. src/**/*.py"}}},
           {"maxResults", {{"type", "integer"}, {"minimum", 1}, {"maximum", 2000}}}},
          {"pattern"}),
      schema({{"matches", {{"type", "array"}}}, {"truncated", {{"type", "boolean"}}}}, {"matches"}),
      readOnly, [w](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        CodeSearchOptions o;
        o.regex = args.value("regex", false);
        o.caseSensitive = args.value("caseSensitive", true);
        o.pathGlob = args.value("path", "");
        o.maxResults = args.value("maxResults", 200);
        CodeSearchResult r = searchCode(w->root, args["pattern"], o, ctx.cancel);
        if (!r.error.empty()) return done(McpToolResult::error(r.error));
        json matches = json::array();
        std::string text;
        for (const auto& m : r.matches) {
          uint32_t col = m.column + 1;
          matches.push_back(
              {{"path", m.relPath}, {"line", m.line + 1}, {"column", col}, {"text", m.lineText}});
          text += m.relPath + ":" + std::to_string(m.line + 1) + ":" + std::to_string(col) + ": " +
                  m.lineText + "\n";
        }
        if (r.truncated) text += "(stopped at " + std::to_string(o.maxResults) + " matches)\n";
        if (matches.empty()) text = "no matches in " + std::to_string(r.filesSearched) + " files\n";
        done(McpToolResult::text(text, {{"matches", matches}, {"truncated", r.truncated}}));
      }});

  c.tools.push_back(McpTool{
      "read_file", "Read file",
      "A file of the workspace, whole or a line range (1-based, inclusive), at most 2000 lines. "
      "The text is "
      "the result's text content; structuredContent says which lines it holds.",
      schema({{"path", pathProp}, {"startLine", lineProp}, {"endLine", lineProp}}, {"path"}),
      // The text is not repeated in structuredContent: a file read is sent once, not twice.
      schema({{"path", {{"type", "string"}}},
              {"startLine", {{"type", "integer"}}},
              {"endLine", {{"type", "integer"}}},
              {"totalLines", {{"type", "integer"}}}},
             {"path", "startLine", "endLine", "totalLines"}),
      readOnly, [w](const json& args, McpToolContext, std::function<void(McpToolResult)> done) {
        std::string abs = confinedPath(w->root, args["path"]);
        done(readFileAnswer(args, readRegularFile(abs, kReadFileMaxBytes), w->rel(abs)));
      }});
  // A plain path to a small file is answered on the receiving thread, opened
  // in one system call beneath the root; anything else goes to a worker and
  // the slow, link-following path above.
  c.tools.back().answerInline = [w](const json& args) -> std::optional<McpToolResult> {
    RootDir::Opened file = w->rootDir->open(args["path"].get_ref<const std::string&>());
    if (!file.fd) return std::nullopt;
    RegularFileText read = readRegularFile(file.fd.get(), kReadInlineMaxBytes);
    if (read.problem == RegularFileText::Problem::TooLarge) return std::nullopt;
    return readFileAnswer(args, std::move(read), file.rel);
  };

  c.tools.push_back(McpTool{
      "get_diagnostics", "Syntax diagnostics",
      "Syntax errors in a file (tree-sitter ERROR and MISSING nodes), 1-based.",
      schema({{"path", pathProp}}, {"path"}),
      schema({{"diagnostics", {{"type", "array"}}}}, {"diagnostics"}), readOnly,
      [w](const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done) {
        std::string uri = w->uriOf(args["path"]);
        auto r = await<OnSnapshot<std::vector<SyntaxDiagnostic>>>(
            [&](auto cb) { w->engine->diagnostics(uri, ctx.cancel, cb); });
        json list = json::array();
        std::string rel = args["path"];
        std::string text;
        for (const auto& d : r.value) {
          Range range = r.doc->toRange(d.range, PositionEncoding::Utf32);
          list.push_back({{"line", range.start.line + 1},
                          {"column", range.start.character + 1},
                          {"endLine", range.end.line + 1},
                          {"endColumn", range.end.character + 1},
                          {"message", d.message}});
          text += rel + ":" + std::to_string(range.start.line + 1) + ":" +
                  std::to_string(range.start.character + 1) + ": error: " + d.message + "\n";
        }
        if (text.empty()) text = "no syntax errors\n";
        done(McpToolResult::text(text, {{"diagnostics", list}}));
      }});

  c.tools.push_back(McpTool{
      "workspace_stats", "Workspace statistics",
      "What the index holds: files, lines, definitions, references; whether indexing is running.",
      schema(json::object()),
      schema({{"root", {{"type", "string"}}},
              {"files", {{"type", "integer"}}},
              {"lines", {{"type", "integer"}}},
              {"definitions", {{"type", "integer"}}},
              {"references", {{"type", "integer"}}},
              {"indexing", {{"type", "boolean"}}}},
             {"root", "files"}),
      readOnly, [w](const json&, McpToolContext, std::function<void(McpToolResult)> done) {
        IndexStats s = w->index->stats();
        bool indexing = w->registry->refreshing(w->index);
        json j = {{"root", w->root},          {"files", s.files},     {"lines", s.lines},
                  {"definitions", s.symbols}, {"references", s.refs}, {"indexing", indexing}};
        std::string text = w->root + ": " + std::to_string(s.files) + " files, " +
                           std::to_string(s.lines) + " lines, " + std::to_string(s.symbols) +
                           " definitions, " + std::to_string(s.refs) + " references" +
                           (indexing ? " (indexing)" : "") + "\n";
        done(McpToolResult::text(text, j));
      }});
}

void addResourcesAndPrompts(McpCatalog& c, const std::shared_ptr<Workspace>& w) {
  c.listResources = [w] {
    std::vector<McpResource> out = {{"switchboard://repo-map", "repo-map", "Repository map",
                                     "The most referenced definitions", "text/plain"},
                                    {"switchboard://index-status", "index-status", "Index status",
                                     "What the index holds", "application/json"}};
    size_t n = 0;
    for (const auto& [id, rel] : w->index->store().filePaths()) {
      if (++n > 1000) break;  // the rest through the file template
      out.push_back({pathToFileUri(w->index->absolutePath(rel)), rel, "", "", "text/plain"});
    }
    return out;
  };
  c.templates.push_back({"file://" + w->root + "/{path}", "workspace-file", "Workspace file",
                         "Any file of the workspace by relative path", "text/plain"});
  c.readResource = [w](const std::string& uri) -> std::optional<json> {
    if (uri == "switchboard://repo-map") {
      RepoMapOptions o;
      return json::array(
          {{{"uri", uri}, {"mimeType", "text/plain"}, {"text", w->index->repoMap(o)}}});
    }
    if (uri == "switchboard://index-status") {
      IndexStats s = w->index->stats();
      json status = {{"root", w->root},      {"files", s.files},
                     {"lines", s.lines},     {"definitions", s.symbols},
                     {"references", s.refs}, {"indexing", w->registry->refreshing(w->index)}};
      return json::array(
          {{{"uri", uri}, {"mimeType", "application/json"}, {"text", status.dump(2)}}});
    }
    auto path = fileUriToPath(uri);
    if (!path) return std::nullopt;
    std::string abs = confinedPath(w->root, *path);  // throws when outside
    if (!fs::is_regular_file(abs)) return std::nullopt;
    return json::array({{{"uri", uri},
                         {"mimeType", "text/plain"},
                         {"text", readFileText(abs).value_or(std::string())}}});
  };

  c.resourceStamp = [w](const std::string& uri) -> std::string {
    if (uri == "switchboard://repo-map" || uri == "switchboard://index-status") {
      IndexStats s = w->index->stats();
      return std::to_string(s.files) + "/" + std::to_string(s.lines) + "/" +
             std::to_string(s.symbols) + "/" + std::to_string(s.refs) +
             (uri == "switchboard://index-status" && w->registry->refreshing(w->index) ? "+" : "");
    }
    auto path = fileUriToPath(uri);
    if (!path) return {};
    try {
      std::string abs = confinedPath(w->root, *path);
      std::error_code ec;
      auto size = fs::file_size(abs, ec);
      auto time = fs::last_write_time(abs, ec);
      if (ec) return "missing";
      return std::to_string(size) + "@" + std::to_string(time.time_since_epoch().count());
    } catch (const std::exception&) {
      return "missing";
    }
  };

  auto fileArg = McpPromptArgument{"path", "file path relative to the workspace root", true};
  auto fileText = [w](const json& args) {
    std::string abs = confinedPath(w->root, args.at("path").get<std::string>());
    return readFileText(abs).value_or(std::string());
  };
  auto userMessage = [](std::string text) {
    return json{{"role", "user"}, {"content", {{"type", "text"}, {"text", std::move(text)}}}};
  };
  c.prompts.push_back(
      {"explain",
       "Explain code",
       "Explain what a file (or one symbol in it) does",
       {fileArg, {"symbol", "focus on this symbol", false}},
       [fileText, userMessage](const json& args) {
         std::string focus = args.contains("symbol")
                                 ? " Focus on `" + args["symbol"].get<std::string>() + "`."
                                 : "";
         return json{{"description", "Explain " + args["path"].get<std::string>()},
                     {"messages",
                      {userMessage("Explain what this code does, how it fits together and "
                                   "anything surprising." +
                                   focus + "\n\nFile `" + args["path"].get<std::string>() +
                                   "`:\n```\n" + fileText(args) + "\n```")}}};
       }});
  c.prompts.push_back(
      {"review",
       "Review code",
       "Review a file for bugs, risks and clarity",
       {fileArg},
       [fileText, userMessage](const json& args) {
         return json{{"description", "Review " + args["path"].get<std::string>()},
                     {"messages",
                      {userMessage("Review this code as a demanding senior engineer: "
                                   "bugs first, then risks, then clarity. Cite lines.\n\nFile `" +
                                   args["path"].get<std::string>() + "`:\n```\n" + fileText(args) +
                                   "\n```")}}};
       }});
  c.prompts.push_back(
      {"write_tests",
       "Write tests",
       "Write unit tests for a file or one of its symbols",
       {fileArg,
        {"symbol", "test this symbol", false},
        {"framework", "test framework to use", false}},
       [fileText, userMessage](const json& args) {
         std::string what =
             args.contains("symbol") ? "`" + args["symbol"].get<std::string>() + "`" : "this code";
         std::string fw =
             args.contains("framework") ? " using " + args["framework"].get<std::string>() : "";
         return json{{"description", "Tests for " + args["path"].get<std::string>()},
                     {"messages",
                      {userMessage("Write focused unit tests for " + what + fw +
                                   ": normal cases, edge cases and errors.\n\nFile `" +
                                   args["path"].get<std::string>() + "`:\n```\n" + fileText(args) +
                                   "\n```")}}};
       }});
  c.complete = [w](const std::string& type, const std::string&, const std::string& argument,
                   const std::string& value) {
    std::vector<std::string> out;
    if (argument != "path" && !(type == "ref/resource" && argument == "path")) return out;
    for (const auto& [id, rel] : w->index->store().filePaths())
      if (rel.compare(0, value.size(), value) == 0) out.push_back(rel);
    std::sort(out.begin(), out.end());
    return out;
  };
}

// Where `path` leads as far as it exists, links followed, a dangling one
// too (empty for a loop of links): what decides between "no such file" and
// "outside the workspace" for a path that does not resolve.
fs::path leadsTo(fs::path path) {
  std::error_code ec;
  for (int hops = 0; hops < 40; ++hops) {
    // The deepest part of the path that exists as an entry (a link counts).
    fs::path existing = path, tail;
    while (existing.has_relative_path() && !fs::exists(fs::symlink_status(existing, ec))) {
      tail = tail.empty() ? existing.filename() : existing.filename() / tail;
      existing = existing.parent_path();
    }
    if (!fs::is_symlink(fs::symlink_status(existing, ec)) || fs::exists(existing, ec))
      return fs::weakly_canonical(path, ec);
    // A dangling link: on from where it points.
    fs::path target = fs::read_symlink(existing, ec);
    if (ec) return {};
    fs::path base = target.is_absolute() ? target : existing.parent_path() / target;
    path = tail.empty() ? base : base / tail;
  }
  return {};
}

}  // namespace

std::string confinedPath(const std::string& root, const std::string& path) {
  if (path.empty()) throw std::invalid_argument("empty path");
  fs::path p(path);
  for (const auto& part : p)
    if (part == "..")
      throw std::invalid_argument("path '" + path +
                                  "' uses '..': paths must stay inside the workspace");
  fs::path abs = p.is_absolute() ? p : fs::path(root) / p;
  std::string resolved = resolveInside(root, abs.string());
  if (resolved.empty()) {
    // Where the path leads as far as it exists, links followed: a missing
    // file behind a link that points out is "outside" like an existing one,
    // so the answer never tells what exists out there.
    std::string leads = leadsTo(abs).string();
    if (!leads.empty() && (leads == root || leads.rfind(root + "/", 0) == 0))
      throw std::invalid_argument("no such file: " + path);
    throw std::invalid_argument("path '" + path + "' is outside the workspace " + root);
  }
  return resolved;
}

std::shared_ptr<const McpCatalog> makeCodeCatalog(const std::string& root,
                                                  WorkspaceRegistry& registry, Workers& workers,
                                                  const EngineOptions& options) {
  auto w = std::make_shared<Workspace>();
  w->index = registry.open(root);
  w->root = w->index->root();
  w->rootDir.emplace(w->root);
  w->registry = &registry;
  w->engine = std::make_unique<Engine>(workers, options, nullptr);
  w->engine->setWorkspaces({w->index});
  registry.refreshOnce(w->index);
  auto c = std::make_shared<McpCatalog>();
  c->instructions =
      "Switchboard answers questions about the code in " + w->root +
      " from a tree-sitter index: find_symbol, get_definition, find_references, document_outline, "
      "repo_map, search_code, read_file, get_diagnostics, workspace_stats. Paths are relative to "
      "the "
      "workspace root; lines and columns are 1-based.";
  addTools(*c, w);
  addResourcesAndPrompts(*c, w);
  return c;
}

}  // namespace sb
