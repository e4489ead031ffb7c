#include "StatusCommand.h"

#include <algorithm>
#include <cstdlib>
#include <ostream>

#include "ConfigCommand.h"
#include "DaemonStatus.h"

namespace sb {

using nlohmann::json;

json cliStatusReport(const StatusCliContext& ctx, bool probe) {
  StatusSources local = ctx.sources;
  auto router = local.router;
  local.router.reset();  // this process has sent no requests: its figures say nothing
  json report = statusReport(local);

  json backends = json::array();
  json daemons = json::array();
  std::vector<DaemonSnapshot> live = readLiveDaemons(ctx.daemonsPath);
  for (auto& d : live) {
    for (auto& b : d.state.value("backends", json::array())) mergeBackend(backends, b);
    daemons.push_back({{"pid", d.pid},
                       {"command", d.command},
                       {"startedMs", d.startedMs},
                       {"updatedMs", d.updatedMs},
                       {"workspaces", d.state.value("workspaces", json::array())}});
  }
  for (auto& b : backends) b["source"] = "daemon";

  // Backends configured here that no daemon has reported.
  std::vector<agents::BackendConfig> unreported;
  json missing = json::array();
  if (router)
    for (auto& status : router->status()) {
      bool reported = std::any_of(backends.begin(), backends.end(), [&](const json& b) {
        return b["name"] == status.name && b["url"] == status.url;
      });
      if (reported) continue;
      json b = backendJson(status);
      b["state"] = "not probed";
      b["source"] = "config";
      missing.push_back(std::move(b));
      auto cfg = std::find_if(ctx.configured.begin(), ctx.configured.end(),
                              [&](auto& c) { return c.name == status.name; });
      unreported.push_back(cfg != ctx.configured.end() ? *cfg : agents::BackendConfig{});
    }
  if (probe && !unreported.empty()) {
    auto verdicts = probeBackends(unreported, {});
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
      missing[i]["state"] = verdicts[i].ok ? "reachable" : "unreachable";
      missing[i]["source"] = "probe";
      missing[i]["probe"] = verdicts[i].text;
    }
  }
  for (auto& b : missing) backends.push_back(std::move(b));

  // A daemon refreshing this workspace's index knows more than its database.
  json& index = report["index"];
  for (auto& root : index["roots"])
    for (auto& d : live)
      for (auto& w : d.state.value("workspaces", json::array()))
        if (w.value("root", "") == root.value("root", "") && w.value("indexing", false)) {
          root["indexing"] = true;
          index["state"] = "indexing";
        }

  report["backends"] = std::move(backends);
  report["offline"] = report["backends"].empty();
  report["daemons"] = std::move(daemons);
  return report;
}

int runStatusCommand(const CommandLine& cl, const StatusCliContext& ctx, std::ostream& out) {
  json report = cliStatusReport(ctx, cl.has("--probe"));
  if (cl.has("--json"))
    out << report.dump(2) << "\n";
  else
    out << statusText(report);
  return 0;
}

}  // namespace sb
