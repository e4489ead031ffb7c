#include "LspConvert.h"

#include <stdexcept>

namespace sb::lsp {
namespace {

uint32_t uintField(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() < 0 ||
      it->get<int64_t>() > UINT32_MAX)
    throw std::invalid_argument(std::string("position.") + key + " must be a non-negative integer");
  return it->get<uint32_t>();
}

Range rangeFromJson(const json& j) {
  if (!j.is_object() || !j.contains("start") || !j.contains("end"))
    throw std::invalid_argument("range must have start and end");
  return {positionFromJson(j["start"]), positionFromJson(j["end"])};
}

void flatten(const DocumentSnapshot& doc, const std::vector<OutlineSymbol>& symbols,
             const std::string& container, PositionEncoding enc, json& out) {
  for (const auto& s : symbols) {
    json info = {{"name", s.name},
                 {"kind", static_cast<int>(s.kind)},
                 {"location", {{"uri", doc.uri()}, {"range", toJson(doc.toRange(s.range, enc))}}}};
    if (!container.empty()) info["containerName"] = container;
    out.push_back(std::move(info));
    flatten(doc, s.children, s.name, enc, out);
  }
}

json hierarchical(const DocumentSnapshot& doc, const std::vector<OutlineSymbol>& symbols,
                  PositionEncoding enc) {
  json out = json::array();
  for (const auto& s : symbols) {
    json sym = {{"name", s.name.empty() ? std::string("<anonymous>") : s.name},
                {"kind", static_cast<int>(s.kind)},
                {"range", toJson(doc.toRange(s.range, enc))},
                {"selectionRange", toJson(doc.toRange(s.selectionRange, enc))}};
    if (!s.detail.empty()) sym["detail"] = s.detail;
    if (!s.children.empty()) sym["children"] = hierarchical(doc, s.children, enc);
    out.push_back(std::move(sym));
  }
  return out;
}

}  // namespace

Position positionFromJson(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("position must be an object");
  return {uintField(j, "line"), uintField(j, "character")};
}

json toJson(const Position& p) {
  return {{"line", p.line}, {"character", p.character}};
}
json toJson(const Range& r) {
  return {{"start", toJson(r.start)}, {"end", toJson(r.end)}};
}

std::string documentUri(const json& params) {
  if (!params.is_object()) throw std::invalid_argument("params must be an object");
  auto td = params.find("textDocument");
  if (td == params.end() || !td->is_object()) throw std::invalid_argument("missing textDocument");
  auto uri = td->find("uri");
  if (uri == td->end() || !uri->is_string())
    throw std::invalid_argument("missing textDocument.uri");
  return uri->get<std::string>();
}

std::vector<TextChange> changesFromJson(const json& contentChanges) {
  if (!contentChanges.is_array()) throw std::invalid_argument("contentChanges must be an array");
  std::vector<TextChange> out;
  out.reserve(contentChanges.size());
  for (const auto& c : contentChanges) {
    if (!c.is_object() || !c.contains("text") || !c["text"].is_string())
      throw std::invalid_argument("each content change needs a text string");
    TextChange change;
    change.text = c["text"].get<std::string>();
    if (auto r = c.find("range"); r != c.end() && !r->is_null()) change.range = rangeFromJson(*r);
    out.push_back(std::move(change));
  }
  return out;
}

json outlineToJson(const DocumentSnapshot& doc, const std::vector<OutlineSymbol>& symbols,
                   const ClientProfile& client) {
  if (client.hierarchicalSymbols) return hierarchical(doc, symbols, client.encoding);
  json out = json::array();
  flatten(doc, symbols, "", client.encoding, out);
  return out;
}

json foldingToJson(const std::vector<FoldingRegion>& regions, const ClientProfile& client) {
  json out = json::array();
  for (const auto& r : regions) {
    if (client.foldingRangeLimit && out.size() >= *client.foldingRangeLimit) break;
    json f = {{"startLine", r.startLine}, {"endLine", r.endLine}};
    if (r.kind == FoldKind::Comment) f["kind"] = "comment";
    if (r.kind == FoldKind::Imports) f["kind"] = "imports";
    out.push_back(std::move(f));
  }
  return out;
}

json selectionToJson(const DocumentSnapshot& doc, const std::vector<std::vector<ByteRange>>& chains,
                     const ClientProfile& client) {
  json out = json::array();
  for (const auto& chain : chains) {
    // LSP nests outward: innermost range with a parent chain to the largest.
    json node = nullptr;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      json cur = {{"range", toJson(doc.toRange(*it, client.encoding))}};
      if (!node.is_null()) cur["parent"] = std::move(node);
      node = std::move(cur);
    }
    if (node.is_null()) {
      Range whole =
          doc.toRange(ByteRange{0, static_cast<uint32_t>(doc.text().size())}, client.encoding);
      node = {{"range", toJson(whole)}};
    }
    out.push_back(std::move(node));
  }
  return out;
}

json toJson(const Location& l) {
  return {{"uri", l.uri}, {"range", toJson(l.range)}};
}

json workspaceSymbolToJson(const std::string& name, int kind, const std::string& container,
                           const Location& location) {
  json out = {{"name", name}, {"kind", kind}, {"location", toJson(location)}};
  if (!container.empty()) out["containerName"] = container;
  return out;
}

json hoverToJson(const Range& range, const std::string& language, const std::string& signature,
                 const std::string& container, const std::string& doc, size_t moreDefinitions,
                 const ClientProfile& client) {
  std::string text;
  if (client.markdown) {
    text = "```" + language + "\n" + signature + "\n```";
    if (!container.empty()) text += "\n\nin `" + container + "`";
    if (!doc.empty()) text += "\n\n---\n" + doc;
  } else {
    text = signature;
    if (!container.empty()) text += "\nin " + container;
    if (!doc.empty()) text += "\n\n" + doc;
  }
  if (moreDefinitions > 0)
    text += "\n\n(" + std::to_string(moreDefinitions) + " more definition" +
            (moreDefinitions > 1 ? "s" : "") + ")";
  return {{"contents", {{"kind", client.markdown ? "markdown" : "plaintext"}, {"value", text}}},
          {"range", toJson(range)}};
}

json diagnosticsToJson(const DocumentSnapshot& doc,
                       const std::vector<SyntaxDiagnostic>& diagnostics,
                       const ClientProfile& client) {
  json list = json::array();
  for (const auto& d : diagnostics) {
    list.push_back({{"range", toJson(doc.toRange(d.range, client.encoding))},
                    {"severity", 1},
                    {"source", "switchboard"},
                    {"code", "syntax"},
                    {"message", d.message}});
  }
  json params = {{"uri", doc.uri()}, {"diagnostics", std::move(list)}};
  if (client.diagnosticVersion) params["version"] = doc.version();
  return params;
}

}  // namespace sb::lsp
