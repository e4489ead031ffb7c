// The real daemon (`switchboard lsp`) on stdio pipes, driven the way an
// editor drives it: framed requests out, responses matched by id. Shared by
// the end-to-end benchmarks. Failures (no answer in time, the daemon gone)
// throw std::runtime_error.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "server/Framing.h"
#include "server/JsonRpc.h"

namespace sb::bench {

class LspPipe {
 public:
  // Starts `binary lsp --log-level off` plus `extraArgs`.
  LspPipe(const std::string& binary, const std::vector<std::string>& extraArgs = {});
  ~LspPipe();
  LspPipe(const LspPipe&) = delete;
  LspPipe& operator=(const LspPipe&) = delete;

  void send(const json& message);
  int request(const std::string& method, json params);  // returns the id
  void notify(const std::string& method, json params);
  // Reads until the response with `id` arrives (notifications and server
  // requests are dropped).
  json waitFor(int id, int timeoutMs = 30000);
  json call(const std::string& method, json params) {
    return waitFor(request(method, std::move(params)));
  }
  long rssKb() const;  // the daemon's resident set, from /proc

 private:
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  ContentLengthDecoder decoder_{256 << 20};
  std::map<int, json> inbox_;
  int next_ = 1;
};

}  // namespace sb::bench
