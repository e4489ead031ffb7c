#include "agents/HttpClient.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sb::agents {

namespace {

using Clock = std::chrono::steady_clock;
// While transfers or timers exist the loop wakes at least this often to poll
// cancel tokens (CancelToken is a flag, it cannot wake anyone).
constexpr int kTickMs = 5;
constexpr int kIdleWaitMs = 60'000;

struct EasyDeleter {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct MultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// libcurl must be initialised once per process before any other thread uses
// it; a function-local static is the one-time, thread-safe way to do that
// without global mutable state the rest of the code could touch.
void initCurlOnce() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

}  // namespace

std::string HttpHead::header(std::string_view name) const {
  for (auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return {};
}

struct HttpClient::Impl {
  struct Transfer {
    TransferId id = 0;
    std::unique_ptr<CURL, EasyDeleter> easy;
    std::unique_ptr<curl_slist, SlistDeleter> headerList;
    std::string body;
    HttpHead head;
    OnBody onBody;
    OnDone onDone;
    CancelToken cancel;
    Clock::time_point firstByteDeadline;
    bool receivedBody = false;
    bool aborted = false;  // onBody said stop
    char error[CURL_ERROR_SIZE] = {};
  };

  std::unique_ptr<CURLM, MultiDeleter> multi;
  std::mutex mu;
  std::vector<std::function<void()>> inbox;  // guarded by mu
  bool stopping = false;                     // guarded by mu
  std::atomic<TransferId> nextId{1};
  // I/O thread only:
  std::unordered_map<TransferId, std::unique_ptr<Transfer>> transfers;
  std::multimap<Clock::time_point, std::function<void()>> timers;
  std::function<void()> tick;
  std::thread thread;

  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mu);
      inbox.push_back(std::move(task));
    }
    curl_multi_wakeup(multi.get());
  }

  static size_t onHeader(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
      t->head.headers.clear();  // a new response (after 100 Continue or a redirect)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      t->head.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return size * n;
  }

  static size_t onWrite(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    if (!t->receivedBody) {
      t->receivedBody = true;
      long status = 0;
      curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
      t->head.status = static_cast<int>(status);
    }
    if (t->onBody && !t->onBody(t->head, std::string_view(data, size * n))) {
      t->aborted = true;
      return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
    }
    return size * n;
  }

  std::unique_ptr<Transfer> makeTransfer(HttpRequest& req) {
    auto t = std::make_unique<Transfer>();
    t->easy.reset(curl_easy_init());
    CURL* e = t->easy.get();
    t->body = std::move(req.body);
    curl_slist* list = nullptr;
    for (auto& [name, value] : req.headers)
      list = curl_slist_append(list, (name + ": " + value).c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip for large prompts
    t->headerList.reset(list);
    curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
    if (!t->body.empty()) {
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
    }
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect must not carry the key elsewhere
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connectTimeout.count()));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(req.totalTimeout.count()));
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::onWrite);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    t->firstByteDeadline = Clock::now() + req.firstByteTimeout;
    return t;
  }

  // Removes the transfer (closing its connection if unfinished) and reports.
  void finish(TransferId id, HttpResult result) {
    auto it = transfers.find(id);
    if (it == transfers.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers.erase(it);
    curl_multi_remove_handle(multi.get(), t->easy.get());
    if (result.head.status == 0) result.head = std::move(t->head);
    if (result.head.status == 0) {
      long status = 0;
      curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
      result.head.status = static_cast<int>(status);
    }
    result.receivedBody = t->receivedBody;
    OnDone done = std::move(t->onDone);
    t.reset();
    if (done) done(std::move(result));
  }

  HttpResult resultOf(Transfer& t, CURLcode code) {
    HttpResult r;
    r.message = t.error[0] ? t.error : curl_easy_strerror(code);
    long status = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    bool responded = status != 0;
    switch (code) {
      case CURLE_OK:
        r.outcome = HttpResult::Outcome::Ok;
        r.message.clear();
        break;
      case CURLE_WRITE_ERROR:
        r.outcome = t.aborted ? HttpResult::Outcome::Aborted : HttpResult::Outcome::Failed;
        break;
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
        r.outcome = HttpResult::Outcome::Connect;
        break;
      case CURLE_OPERATION_TIMEDOUT: {
        double connectTime = 0;
        curl_easy_getinfo(t.easy.get(), CURLINFO_CONNECT_TIME, &connectTime);
        r.outcome = !responded && connectTime == 0 ? HttpResult::Outcome::Connect
                                                   : HttpResult::Outcome::Timeout;
        break;
      }
      case CURLE_GOT_NOTHING:
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
        // Closed before any response: as good as not reachable.
        r.outcome = responded ? HttpResult::Outcome::Failed : HttpResult::Outcome::Connect;
        break;
      default:
        r.outcome = HttpResult::Outcome::Failed;
    }
    return r;
  }

  void checkDeadlines() {
    auto now = Clock::now();
    std::vector<std::pair<TransferId, HttpResult::Outcome>> expired;
    for (auto& [id, t] : transfers) {
      if (t->cancel.cancelled())
        expired.emplace_back(id, HttpResult::Outcome::Cancelled);
      else if (!t->receivedBody && now >= t->firstByteDeadline)
        expired.emplace_back(id, HttpResult::Outcome::FirstByteTimeout);
    }
    for (auto& [id, outcome] : expired) {
      HttpResult r;
      r.outcome = outcome;
      r.message = outcome == HttpResult::Outcome::Cancelled
                      ? "cancelled"
                      : "no response within the first-token timeout";
      finish(id, std::move(r));
    }
  }

  void readDone() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      if (!t) continue;
      HttpResult r = resultOf(*t, msg->data.result);
      finish(t->id, std::move(r));
    }
  }

  void runTimers() {
    auto now = Clock::now();
    while (!timers.empty() && timers.begin()->first <= now) {
      auto task = std::move(timers.begin()->second);
      timers.erase(timers.begin());
      task();
    }
  }

  int waitMs() {
    int wait = kIdleWaitMs;
    if (!transfers.empty() || !timers.empty()) wait = kTickMs;
    if (!timers.empty()) {
      auto until = std::chrono::ceil<Millis>(timers.begin()->first - Clock::now()).count();
      wait = std::clamp<int>(static_cast<int>(until), 0, wait);
    }
    long curlTimeout = -1;
    curl_multi_timeout(multi.get(), &curlTimeout);
    if (curlTimeout >= 0) wait = std::min<int>(wait, static_cast<int>(curlTimeout));
    return wait;
  }

  void loop() {
    for (;;) {
      std::vector<std::function<void()>> tasks;
      bool stop;
      {
        std::lock_guard lock(mu);
        tasks.swap(inbox);
        stop = stopping;
      }
      for (auto& task : tasks) task();
      if (stop) break;
      runTimers();
      if (tick) tick();
      checkDeadlines();
      int running = 0;
      curl_multi_perform(multi.get(), &running);
      readDone();
      curl_multi_poll(multi.get(), nullptr, 0, waitMs(), nullptr);
    }
    std::vector<TransferId> ids;
    for (auto& [id, t] : transfers) ids.push_back(id);
    for (auto id : ids)
      finish(id, HttpResult{HttpResult::Outcome::Cancelled, {}, "shutting down", false});
    timers.clear();
  }
};

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {
  initCurlOnce();
  impl_->multi.reset(curl_multi_init());
  impl_->thread = std::thread([this] { impl_->loop(); });
}

HttpClient::~HttpClient() {
  stop();
}

void HttpClient::stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi.get());
  if (impl_->thread.joinable() && !onIoThread()) impl_->thread.join();
}

bool HttpClient::onIoThread() const {
  return std::this_thread::get_id() == impl_->thread.get_id();
}

HttpClient::TransferId HttpClient::start(HttpRequest req, OnBody onBody, OnDone onDone,
                                         CancelToken cancel) {
  TransferId id = impl_->nextId++;
  auto t = impl_->makeTransfer(req);
  t->id = id;
  t->onBody = std::move(onBody);
  t->onDone = std::move(onDone);
  t->cancel = std::move(cancel);
  // shared_ptr only because std::function needs a copyable callable.
  auto holder = std::make_shared<std::unique_ptr<Impl::Transfer>>(std::move(t));
  impl_->post([impl = impl_.get(), holder, id] {
    CURLMcode rc = curl_multi_add_handle(impl->multi.get(), (*holder)->easy.get());
    if (rc != CURLM_OK) {
      auto done = std::move((*holder)->onDone);
      if (done) done(HttpResult{HttpResult::Outcome::Failed, {}, curl_multi_strerror(rc), false});
      return;
    }
    impl->transfers.emplace(id, std::move(*holder));
  });
  return id;
}

void HttpClient::cancel(TransferId id) {
  impl_->post([impl = impl_.get(), id] {
    impl->finish(id, HttpResult{HttpResult::Outcome::Cancelled, {}, "cancelled", false});
  });
}

void HttpClient::post(std::function<void()> task) {
  impl_->post(std::move(task));
}

void HttpClient::postAfter(Millis delay, std::function<void()> task) {
  auto when = Clock::now() + delay;
  impl_->post([impl = impl_.get(), when, task = std::move(task)]() mutable {
    impl->timers.emplace(when, std::move(task));
  });
}

void HttpClient::setTick(std::function<void()> tick) {
  impl_->post(
      [impl = impl_.get(), tick = std::move(tick)]() mutable { impl->tick = std::move(tick); });
}

}  // namespace sb::agents
