// Cleans a model's completion before it reaches the editor: trims it to a
// syntactic unit, drops text that repeats what follows the cursor, and never
// returns an empty or whitespace-only completion.
#pragma once

#include <optional>
#include <string>

namespace sb::agents {

struct CompletionSurroundings {
  std::string linePrefix;  // the cursor's line before the cursor
  std::string lineSuffix;  // and after it
  std::string suffix;      // everything after the cursor (as sent to the model)
  size_t maxLines = 24;
};

std::optional<std::string> cleanCompletion(std::string text, const CompletionSurroundings& around);

}  // namespace sb::agents
