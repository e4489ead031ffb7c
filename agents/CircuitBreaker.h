// Skips a backend that keeps failing: after `threshold` consecutive failures
// the circuit opens and requests go elsewhere; after `cooldown` one probe
// request is let through (half-open); its success closes the circuit, its
// failure opens it again for another cooldown. Not thread-safe: the router
// uses it from its I/O thread only.
#pragma once

#include <chrono>

namespace sb::agents {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { Closed, Open, HalfOpen };
  enum class Admit { Yes, Probe, No };

  CircuitBreaker(int threshold, std::chrono::milliseconds cooldown)
      : threshold_(threshold), cooldown_(cooldown) {}

  Admit admit(Clock::time_point now);
  void onSuccess();
  void onFailure(Clock::time_point now);
  void onProbeAbandoned();  // the probe was cancelled: let another one through
  State state() const { return state_; }

 private:
  int threshold_;
  std::chrono::milliseconds cooldown_;
  State state_ = State::Closed;
  int failures_ = 0;
  Clock::time_point openedAt_{};
  bool probeInFlight_ = false;
};

}  // namespace sb::agents
