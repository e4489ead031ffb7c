#include "CompleteCommand.h"

#include <filesystem>
#include <future>
#include <iostream>

#include "protocol/Uri.h"

namespace sb {
namespace {

template <class T>
Result<T> wait(const std::function<void(Callback<T>)>& start) {
  std::promise<Result<T>> p;
  auto f = p.get_future();
  start([&p](Result<T> r) { p.set_value(std::move(r)); });
  return f.get();
}

}  // namespace

int runCompleteCommand(const std::string& location, bool showContext, Engine& engine) {
  // FILE:LINE:COL, the file itself possibly containing colons.
  size_t c2 = location.rfind(':');
  size_t c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : location.rfind(':', c2 - 1);
  if (c1 == std::string::npos) {
    std::cerr << "switchboard complete: expected FILE:LINE:COL (1-based), got '" << location
              << "'\n";
    return 2;
  }
  std::string file = location.substr(0, c1);
  Position at;
  try {
    at = {static_cast<uint32_t>(std::stoul(location.substr(c1 + 1, c2 - c1 - 1)) - 1),
          static_cast<uint32_t>(std::stoul(location.substr(c2 + 1)) - 1)};
  } catch (const std::exception&) {
    std::cerr << "switchboard complete: LINE and COL must be numbers from 1\n";
    return 2;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    std::cerr << "switchboard complete: cannot read " << file << "\n";
    return 2;
  }
  std::string uri = pathToFileUri(std::filesystem::canonical(file).string());
  if (showContext) {
    auto r = wait<agents::LlmRequest>(
        [&](auto cb) { engine.completionPrompt(uri, at, PositionEncoding::Utf32, {}, cb); });
    if (auto* req = std::get_if<agents::LlmRequest>(&r)) {
      std::cerr << "----- prefix -----\n"
                << req->prefix << "\n----- suffix -----\n"
                << req->suffix << "\n------------------\n";
    }
  }
  auto r = wait<CompletionOutcome>(
      [&](auto cb) { engine.complete(uri, at, PositionEncoding::Utf32, {}, cb); });
  if (auto* e = std::get_if<EngineError>(&r)) {
    std::cerr << "switchboard complete: " << e->message << "\n";
    return 1;
  }
  const auto& out = std::get<CompletionOutcome>(r);
  for (const auto& c : out.items)
    if (c.fromModel) {
      std::cout << c.insertText << "\n";
      return 0;
    }
  if (!out.note.empty())
    std::cerr << "switchboard complete: no model completion: " << out.note << "\n";
  if (!out.items.empty()) {
    std::cerr << "identifiers:\n";
    for (const auto& c : out.items) std::cout << c.insertText << "\n";
    return 0;
  }
  return 1;
}

}  // namespace sb
