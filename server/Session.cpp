#include <thread>

#include <spdlog/spdlog.h>

#include "Transport.h"

namespace sb {

Session::Session(std::shared_ptr<Transport> transport, Framing framing, size_t maxMessageBytes,
                 const FrontEndFactory& makeFrontEnd)
    : transport_(std::move(transport)) {
  std::shared_ptr<const FrameEncoder> encoder;
  if (framing == Framing::ContentLength) {
    decoder_ = std::make_unique<ContentLengthDecoder>(maxMessageBytes);
    encoder = std::make_shared<ContentLengthEncoder>();
  } else {
    decoder_ = std::make_unique<LineDecoder>(maxMessageBytes);
    encoder = std::make_shared<LineEncoder>();
  }
  std::string peer = transport_->describe();
  // The endpoint may outlive the session (replies racing a disconnect); it
  // holds the transport, never the session.
  std::weak_ptr<Transport> weakTransport = transport_;
  auto send = [weakTransport, encoder](std::string body) {
    if (auto t = weakTransport.lock()) t->send(encoder->encode(std::move(body)));
  };
  endpoint_ = RpcEndpoint::create(
      std::move(send), [peer](std::string_view line) { spdlog::debug("[{}] {}", peer, line); });
  SessionContext ctx{endpoint_,
                     [weakTransport] {
                       if (auto t = weakTransport.lock()) t->close();
                     },
                     peer};
  frontEnd_ = makeFrontEnd(ctx);
  endpoint_->setHandler(frontEnd_.get());
  // The endpoint answers a handler's failure itself; anything still escaping
  // is a bug that must cost this one message, not the process (a daemon
  // serves other clients, and an exception here would reach the io thread).
  sink_.onMessage = [this](const std::string& body) {
    try {
      endpoint_->receive(body);
    } catch (const std::exception& e) {
      spdlog::error("[{}] message dropped, handling it failed: {}", transport_->describe(),
                    e.what());
    }
  };
  sink_.onError = [this](std::string error) {
    spdlog::warn("[{}] framing error: {}", transport_->describe(), error);
    endpoint_->framingError(error);
  };
}

Session::~Session() {
  onClosed();
}

void Session::onBytes(std::string_view bytes) {
  if (!closed_) decoder_->feed(bytes, sink_);
}

bool Session::drain(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (endpoint_->inFlight() > 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

void Session::onClosed() {
  if (closed_) return;
  closed_ = true;
  endpoint_->setHandler(nullptr);
  endpoint_->close();
  frontEnd_->onDisconnect();
}

}  // namespace sb
