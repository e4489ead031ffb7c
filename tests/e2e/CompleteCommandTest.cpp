// `switchboard complete FILE:LINE:COL [--show-context]` as the README shows
// it: OPENAI_BASE_URL pointing at a local server (here the fake backend on
// 127.0.0.1), the prompt on stderr, the model's completion on stdout; and a
// llama-server behind that URL answered through its /infill endpoint.
#include <gtest/gtest.h>

#include <filesystem>

#include "ChildProcess.h"
#include "FakeBackend.h"
#include "ScratchDir.h"

namespace sb::e2e {
namespace {

namespace fs = std::filesystem;

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

struct CompleteCommand : ::testing::Test {
  ScratchDir dir;
  fake::FakeBackend backend;

  void SetUp() override {
    fs::create_directories(ws());
    fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", ws(), fs::copy_options::recursive);
    writeText(dir / "ws/main.py",
              "from shop.pricing import with_vat\n\ndef total_with_tax(amount):\n    ret\n\n"
              "print(total_with_tax(1))\n");
  }
  std::string ws() const { return dir / "ws"; }

  // The README's line, with a clean environment holding only OPENAI_BASE_URL.
  Finished complete(const std::string& location) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "-i",
                                     "HOME=" + dir.path(),
                                     "XDG_CONFIG_HOME=" + (dir / "xdg/config"),
                                     "XDG_CACHE_HOME=" + (dir / "xdg/cache"),
                                     "XDG_STATE_HOME=" + (dir / "xdg/state"),
                                     "OPENAI_BASE_URL=" + backend.url() + "/v1"};
    for (const auto& v : sanitizerEnvironment()) argv.push_back(v);
    for (std::string a :
         {std::string(SB_BINARY), std::string("complete"), location, std::string("--show-context"),
          std::string("--workspace"), ws(), std::string("--index-dir"), dir / "index"})
      argv.push_back(std::move(a));
    return runToCompletion(argv, 60s);
  }
};

TEST_F(CompleteCommand, ShowContextPrintsThePromptThenTheModelsCompletion) {
  backend.setDefaultText("urn with_vat(amount)");
  auto run = complete(ws() + "/main.py:4:8");
  ASSERT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_EQ(run.out, "urn with_vat(amount)\n");
  // The prompt: the prefix up to the cursor, with the definition imported
  // from shop/pricing.py as cross-file context; the suffix after it.
  const auto prefix = run.err.find("----- prefix -----\n");
  const auto suffix = run.err.find("----- suffix -----\n");
  ASSERT_NE(prefix, std::string::npos) << run.err;
  ASSERT_NE(suffix, std::string::npos) << run.err;
  ASSERT_LT(prefix, suffix);
  const std::string prefixText = run.err.substr(prefix, suffix - prefix);
  const std::string suffixText = run.err.substr(suffix);
  EXPECT_TRUE(has(prefixText, "def total_with_tax(amount):\n    ret\n")) << prefixText;
  EXPECT_TRUE(has(prefixText, "def with_vat(amount: Decimal")) << prefixText;
  EXPECT_TRUE(has(suffixText, "print(total_with_tax(1))")) << suffixText;
  // That prompt is what the model was sent (OpenAI completions with suffix).
  auto requests = backend.requests();
  ASSERT_FALSE(requests.empty());
  const auto& sent = requests.back();
  EXPECT_EQ(sent.path, "/v1/completions");
  EXPECT_TRUE(has(sent.json()["suffix"].get<std::string>(), "print(total_with_tax(1))"))
      << sent.body;
}

// README: "export OPENAI_BASE_URL=... the daemon notices llama-server and uses
// its /infill endpoint for completions".
TEST_F(CompleteCommand, LlamaServerBehindOpenAiBaseUrlIsAskedThroughInfill) {
  backend.setDefaultText("urn with_vat(amount)");
  backend.setResponder([](const fake::RecordedRequest& req) -> std::optional<fake::Reply> {
    if (req.method == "GET" && req.path == "/props") {
      fake::Reply r;
      r.body = R"({"default_generation_settings": {"n_ctx": 4096}, "total_slots": 1})";
      return r;
    }
    return std::nullopt;
  });
  auto run = complete(ws() + "/main.py:4:8");
  ASSERT_EQ(run.status.code, 0) << run.status.describe() << "\n" << run.out << run.err;
  EXPECT_EQ(run.out, "urn with_vat(amount)\n");
  auto requests = backend.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, "/props");
  EXPECT_EQ(requests[1].path, "/infill");
  EXPECT_TRUE(
      has(requests[1].json()["input_suffix"].get<std::string>(), "print(total_with_tax(1))"))
      << requests[1].body;
}

}  // namespace
}  // namespace sb::e2e
