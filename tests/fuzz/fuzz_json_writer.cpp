// Differential fuzzing of the wire JSON writer (protocol/JsonWriter.h) against
// nlohmann's dump: the input is used both as a string value and, when it
// parses, as a JSON document. Valid text must come out byte-identical;
// invalid UTF-8 must come out as valid JSON that parses back.

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "FuzzCheck.h"
#include "protocol/JsonWriter.h"

using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);

  const json asString = input;
  const std::string ours = sb::jsonText(asString);
  json back;
  try {
    back = json::parse(ours);
  } catch (const json::exception& e) {
    SB_FUZZ_CHECK(false, "the writer's output does not parse: %s", e.what());
  }
  SB_FUZZ_CHECK(back.is_string(), "a string came back as another type");
  bool validUtf8 = true;
  std::string strict;
  try {
    strict = asString.dump();  // throws on invalid UTF-8
  } catch (const json::type_error&) {
    validUtf8 = false;
  }
  if (validUtf8) {
    SB_FUZZ_CHECK(ours == strict, "differs from nlohmann on valid UTF-8");
    SB_FUZZ_CHECK(back.get_ref<const std::string&>() == input, "the string did not round-trip");
  }

  const json doc = json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded()) {
    std::string ref = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    SB_FUZZ_CHECK(sb::jsonText(doc) == ref, "a parsed document is written differently");
  }
  return 0;
}
