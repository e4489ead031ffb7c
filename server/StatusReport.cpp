#include "StatusReport.h"

#include <sstream>

namespace sb {

using nlohmann::json;

namespace {

// Editors show one word per backend: healthy, failing (recent errors but
// still tried), open (skipped until its cool-down ends), unknown (no traffic).
std::string healthOf(const agents::BackendStatus& b) {
  if (b.circuit == "open") return "open";
  if (b.circuit == "half-open") return "failing";
  if (b.requests == 0 && b.cacheHits == 0) return "unknown";
  return b.lastError.empty() || b.failures * 2 < b.requests ? "healthy" : "failing";
}

}  // namespace

json statusReport(const StatusSources& src) {
  json backends = json::array();
  if (src.router)
    for (auto& b : src.router->status())
      backends.push_back({{"name", b.name},
                          {"provider", b.provider},
                          {"model", b.model},
                          {"url", b.url},
                          {"state", healthOf(b)},
                          {"circuit", b.circuit},
                          {"requests", b.requests},
                          {"failures", b.failures},
                          {"cacheHits", b.cacheHits},
                          {"p50Ms", b.p50Ms},
                          {"p99Ms", b.p99Ms},
                          {"lastError", b.lastError}});
  long files = 0, symbols = 0, lines = 0;
  bool indexing = false;
  json roots = json::array();
  for (auto& index : src.indexes) {
    IndexStats s = index->stats();
    files += static_cast<long>(s.files);
    symbols += static_cast<long>(s.symbols);
    lines += static_cast<long>(s.lines);
    bool busy = src.registry && src.registry->refreshing(index);
    indexing = indexing || busy;
    roots.push_back(
        {{"root", index->root()}, {"files", s.files}, {"symbols", s.symbols}, {"indexing", busy}});
  }
  json workflows = json::array();
  if (src.workflows)
    for (auto& root : src.roots) {
      try {
        auto runner = src.workflows->runner(root);
        for (auto& w : runner->store().list(20)) {
          json j = w.toJson(false);
          int done = 0;
          for (auto& s : w.steps) done += s.state == "completed";
          j["stepsDone"] = done;
          j["stepsTotal"] = w.steps.size();
          j["root"] = root;
          j.erase("edits");
          workflows.push_back(std::move(j));
        }
      } catch (const std::exception&) {
        // A store that cannot be opened shows no workflows; `workflow list` says why.
      }
    }
  return {{"backends", std::move(backends)},
          {"offline", !src.router || !src.router->configured()},
          {"index",
           {{"state", src.indexes.empty() ? "none"
                      : indexing          ? "indexing"
                                          : "ready"},
            {"files", files},
            {"symbols", symbols},
            {"lines", lines},
            {"roots", std::move(roots)}}},
          {"workflows", std::move(workflows)}};
}

std::string statusText(const json& r) {
  std::ostringstream out;
  out << "models:\n";
  if (r["backends"].empty())
    out << "  none configured (offline: symbols, diagnostics, index and code tools work)\n";
  for (auto& b : r["backends"]) {
    out << "  " << b["name"].get<std::string>() << " (" << b["provider"].get<std::string>();
    if (!b["model"].get<std::string>().empty()) out << ", " << b["model"].get<std::string>();
    out << ") " << b["url"].get<std::string>() << ": " << b["state"].get<std::string>();
    if (b["requests"].get<long>() > 0) {
      out << ", " << b["requests"].get<long>() << " requests, " << b["failures"].get<long>()
          << " failed";
      char buf[64];
      std::snprintf(buf, sizeof buf, ", p50 %.0f ms, p99 %.0f ms", b["p50Ms"].get<double>(),
                    b["p99Ms"].get<double>());
      out << buf;
    }
    if (!b["lastError"].get<std::string>().empty())
      out << "\n    last error: " << b["lastError"].get<std::string>();
    out << "\n";
  }
  auto& idx = r["index"];
  out << "index: " << idx["state"].get<std::string>() << ", " << idx["files"] << " files, "
      << idx["symbols"] << " definitions, " << idx["lines"] << " lines\n";
  out << "workflows:";
  if (r["workflows"].empty()) out << " none";
  out << "\n";
  for (auto& w : r["workflows"])
    out << "  " << w["id"].get<std::string>() << "  " << w["state"].get<std::string>() << "  "
        << w["template"].get<std::string>() << "  " << w["stepsDone"] << "/" << w["stepsTotal"]
        << " steps  " << w["task"].get<std::string>().substr(0, 60) << "\n";
  return out.str();
}

}  // namespace sb
