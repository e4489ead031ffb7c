// The worker pool that runs per-document and per-request work off the I/O
// threads. One per process, shared by every session.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <thread>

namespace sb {

class Workers {
 public:
  explicit Workers(unsigned threads = 0)
      : pool_(threads ? threads : std::max(2u, std::thread::hardware_concurrency())) {}
  ~Workers() { pool_.join(); }
  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }
  void stop() { pool_.stop(); }
  // Waits for every queued task (timers included); later calls return at once.
  void join() { pool_.join(); }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace sb
