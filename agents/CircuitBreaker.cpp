#include "agents/CircuitBreaker.h"

namespace sb::agents {

CircuitBreaker::Admit CircuitBreaker::admit(Clock::time_point now) {
  switch (state_) {
    case State::Closed:
      return Admit::Yes;
    case State::Open:
      if (now - openedAt_ < cooldown_) return Admit::No;
      state_ = State::HalfOpen;
      probeInFlight_ = true;
      return Admit::Probe;
    case State::HalfOpen:
      if (probeInFlight_) return Admit::No;
      probeInFlight_ = true;
      return Admit::Probe;
  }
  return Admit::No;
}

void CircuitBreaker::onSuccess() {
  state_ = State::Closed;
  failures_ = 0;
  probeInFlight_ = false;
}

void CircuitBreaker::onFailure(Clock::time_point now) {
  probeInFlight_ = false;
  if (state_ == State::HalfOpen || ++failures_ >= threshold_) {
    state_ = State::Open;
    openedAt_ = now;
  }
}

void CircuitBreaker::onProbeAbandoned() {
  probeInFlight_ = false;
}

}  // namespace sb::agents
