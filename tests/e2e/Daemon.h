// Shared fixture pieces: the daemon binary under test and a stdio session
// with it.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ChildProcess.h"
#include "LspClient.h"

namespace sb::e2e {

inline std::string fixturePath(const std::string& name) {
  return std::string(SB_E2E_DATA_DIR) + "/" + name;
}

// `switchboard lsp ARGS...` on stdio, with an LSP client on its pipes.
struct StdioDaemon {
  explicit StdioDaemon(const std::vector<std::string>& extraArgs = {})
      : proc(ChildProcess::start(argv(extraArgs))), lsp(proc.io()) {}

  static std::vector<std::string> argv(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {SB_BINARY, "lsp", "--log-level", "info"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // For failure messages: whether the daemon is still alive, and its log tail.
  std::string describe() {
    std::string state = "daemon is running";
    if (!proc.running()) {
      auto status = proc.wait(0ms);
      state = "daemon ended: " + (status ? status->describe() : std::string("?"));
    }
    const std::string& err = proc.err();
    return state + "\n--- daemon stderr (tail) ---\n" +
           (err.size() > 3000 ? "..." + err.substr(err.size() - 3000) : err);
  }

  ChildProcess proc;
  LspClient lsp;
};

}  // namespace sb::e2e
