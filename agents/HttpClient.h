// HTTP over libcurl's multi interface: one I/O thread runs curl_multi_poll
// for every transfer (no thread per request). Transfers, timers and tasks are
// submitted from any thread; all callbacks run on the I/O thread and must not
// block. Cancelling a transfer removes its easy handle at once, which closes
// the connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "agents/providers/Wire.h"
#include "analysis/Cancellation.h"

namespace sb::agents {

struct HttpRequest {
  std::string url;
  Headers headers;
  std::string body;  // POSTed when not empty, else GET
  Millis connectTimeout{5000};
  Millis firstByteTimeout{30000};  // start -> first response body byte
  Millis totalTimeout{120000};
};

struct HttpHead {
  int status = 0;
  Headers headers;                                  // of the final response; names as sent
  std::string header(std::string_view name) const;  // case-insensitive, "" if absent
};

struct HttpResult {
  enum class Outcome {
    Ok,
    Connect,
    Timeout,
    FirstByteTimeout,
    Cancelled,
    Aborted,
    Failed
  } outcome = Outcome::Ok;
  HttpHead head;
  std::string message;  // curl's error text (may contain the URL, never headers)
  bool receivedBody = false;
};

class HttpClient {
 public:
  using TransferId = std::uint64_t;
  using OnBody = std::function<bool(const HttpHead&, std::string_view chunk)>;  // false aborts
  using OnDone = std::function<void(HttpResult)>;

  HttpClient();
  ~HttpClient();  // stops: running transfers finish as Cancelled
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  TransferId start(HttpRequest req, OnBody onBody, OnDone onDone, CancelToken cancel = {});
  void cancel(TransferId id);
  void post(std::function<void()> task);
  void postAfter(Millis delay, std::function<void()> task);
  // Called on every loop turn (at least every few ms while anything is in
  // flight or scheduled): lets owners poll their own cancel tokens.
  void setTick(std::function<void()> tick);
  void stop();
  bool onIoThread() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::agents
