#include "StatusReport.h"

#include <sstream>

namespace sb {

using nlohmann::json;

namespace {

int circuitRank(const std::string& c) {
  return c == "open" ? 2 : c == "half-open" ? 1 : 0;
}

}  // namespace

std::string backendHealth(const json& b) {
  std::string circuit = b.value("circuit", "closed");
  if (circuit == "open") return "open";
  if (circuit == "half-open") return "failing";
  long requests = b.value("requests", 0L), failures = b.value("failures", 0L);
  if (requests == 0 && b.value("cacheHits", 0L) == 0) return "unknown";
  return b.value("lastError", "").empty() || failures * 2 < requests ? "healthy" : "failing";
}

json backendJson(const agents::BackendStatus& b) {
  json j{{"name", b.name},         {"provider", b.provider},   {"model", b.model},
         {"url", b.url},           {"circuit", b.circuit},     {"requests", b.requests},
         {"failures", b.failures}, {"cacheHits", b.cacheHits}, {"p50Ms", b.p50Ms},
         {"p99Ms", b.p99Ms},       {"lastError", b.lastError}};
  j["state"] = backendHealth(j);
  return j;
}

void mergeBackend(json& list, const json& b) {
  for (auto& e : list) {
    if (e.value("name", "") != b.value("name", "") || e.value("url", "") != b.value("url", ""))
      continue;
    bool busier = b.value("requests", 0L) > e.value("requests", 0L);
    if (busier) {
      e["p50Ms"] = b.value("p50Ms", 0.0);
      e["p99Ms"] = b.value("p99Ms", 0.0);
    }
    if (!b.value("lastError", "").empty() && (busier || e.value("lastError", "").empty()))
      e["lastError"] = b["lastError"];
    for (const char* k : {"requests", "failures", "cacheHits"})
      e[k] = e.value(k, 0L) + b.value(k, 0L);
    if (circuitRank(b.value("circuit", "closed")) > circuitRank(e.value("circuit", "closed")))
      e["circuit"] = b["circuit"];
    e["state"] = backendHealth(e);
    return;
  }
  list.push_back(b);
  list.back()["state"] = backendHealth(list.back());
}

json statusReport(const StatusSources& src) {
  json backends = json::array();
  if (src.router)
    for (auto& b : src.router->status()) backends.push_back(backendJson(b));
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

namespace {

std::string millis(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return buf;
}

}  // namespace

std::string statusText(const json& r) {
  std::ostringstream out;
  if (r.contains("daemons")) {  // the CLI's report
    out << "daemons:";
    if (r["daemons"].empty())
      out << " none running (request figures come from a running daemon; --probe asks the "
             "backends)";
    for (auto& d : r["daemons"])
      out << " " << d["command"].get<std::string>() << " (pid " << d["pid"] << ")";
    out << "\n";
  }
  out << "models:\n";
  if (r["backends"].empty())
    out << "  none configured (offline: symbols, diagnostics, index and code tools work)\n";
  for (auto& b : r["backends"]) {
    out << "  " << b["name"].get<std::string>() << " (" << b["provider"].get<std::string>();
    if (!b["model"].get<std::string>().empty()) out << ", " << b["model"].get<std::string>();
    out << ") " << b["url"].get<std::string>() << ": " << b["state"].get<std::string>();
    if (b["requests"].get<long>() > 0)
      out << ", " << b["requests"].get<long>() << " requests, " << b["failures"].get<long>()
          << " failed, p50 " << millis(b["p50Ms"].get<double>()) << ", p99 "
          << millis(b["p99Ms"].get<double>());
    if (b.contains("probe")) out << "\n    " << b["probe"].get<std::string>();
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
