// The Neovim plugin (editors/nvim) end to end: headless Neovim runs
// neovim_plugin.lua (ghost text, accept/next/dismiss, automatic trigger,
// commands, statusline progress) against the real daemon, which is wired to
// the fake LLM backend (a real HTTP server on 127.0.0.1) run by this test.
// Once Neovim has quit, the prompts the backend received are checked: they
// carry the cross-file definition the edited file uses, and the settings
// the plugin passed as initializationOptions. Also: the plugin's vim.lsp.start
// branch (Neovim 0.8+) with a stand-in, and the default cmd found on PATH.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>

#include "ChildProcess.h"
#include "FakeBackend.h"
#include "ScopedEnv.h"
#include "ScratchDir.h"

namespace sb::e2e {
namespace {

namespace fs = std::filesystem;

// The environment every Neovim run gets: no user config, scratch XDG folders.
void isolate(ScopedEnv& env, const ScratchDir& scratch) {
  for (const char* name :
       {"OPENAI_API_KEY", "OPENAI_MODEL", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL", "OLLAMA_HOST", "NVIM_LOG_FILE", "VIMINIT", "NVIM_APPNAME"})
    env.set(name, std::nullopt);
  for (const char* dir : {"CONFIG", "DATA", "STATE", "CACHE"}) {
    std::string path = scratch / ("xdg/" + std::string(dir));
    fs::create_directories(path);
    env.set(std::string("XDG_") + dir + "_HOME", path);
  }
}

// Runs headless Neovim on a script of this folder; stdin from /dev/null, so
// Neovim does not wait on the test's pipe.
Finished runNeovim(const std::string& script) {
  return runToCompletion(
      {"/bin/sh", "-c", "exec \"$0\" --headless --clean -n -i NONE -c \"luafile $1\" </dev/null",
       SB_NVIM, std::string(SB_E2E_SOURCE_DIR) + "/" + script},
      90s);
}

TEST(NeovimPlugin, UsesVimLspStartWithTheClientConfigWhenItExists) {
  ScratchDir scratch;
  ScopedEnv env;
  isolate(env, scratch);
  env.set("SB_PLUGIN_DIR", SB_NVIM_PLUGIN_DIR);
  env.set("SB_SCRATCH", scratch.path());
  Finished nvim = runNeovim("neovim_plugin_lsp_start.lua");
  EXPECT_EQ(nvim.status.code, 0) << nvim.status.describe() << "\nstdout: " << nvim.out
                                 << "\nstderr: " << nvim.err;
  EXPECT_NE(nvim.out.find("e2e_neovim_plugin_lsp_start: OK"), std::string::npos)
      << nvim.out << nvim.err;
}

TEST(NeovimPlugin, DefaultCommandFindsTheDaemonOnPath) {
  ScratchDir scratch;
  const std::string ws = scratch / "ws";
  fs::create_directories(ws + "/.switchboard");
  fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", ws, fs::copy_options::recursive);
  ScopedEnv env;
  isolate(env, scratch);
  const char* path = std::getenv("PATH");
  env.set("PATH",
          fs::path(SB_BINARY).parent_path().string() + (path ? ":" + std::string(path) : ""));
  env.set("SB_BINARY", SB_BINARY);
  env.set("SB_PLUGIN_DIR", SB_NVIM_PLUGIN_DIR);
  env.set("SB_WORKSPACE", ws);
  env.set("SB_SCRATCH", scratch.path());
  Finished nvim = runNeovim("neovim_plugin_default_cmd.lua");
  EXPECT_EQ(nvim.status.code, 0) << nvim.status.describe() << "\nstdout: " << nvim.out
                                 << "\nstderr: " << nvim.err;
  EXPECT_NE(nvim.out.find("e2e_neovim_plugin_default_cmd: OK"), std::string::npos)
      << nvim.out << nvim.err;
}

TEST(NeovimPlugin, GhostTextCommandsAndCrossFileContext) {
  ScratchDir scratch;
  const std::string ws = scratch / "ws";
  fs::create_directories(ws);
  fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", ws, fs::copy_options::recursive);
  // A root marker: without one the plugin would take the enclosing git checkout as the root.
  fs::create_directories(ws + "/.switchboard");
  writeText(ws + "/main.py",
            "from shop.pricing import with_vat\n\ndef total_with_tax(amount):\n    "
            "ret\n\nprint(total_with_tax(1))\n");

  // The first two completions differ (the script checks "next" shows the
  // second, on two lines); every later one repeats the first.
  const std::string reply1 = "urn with_vat(amount)";
  const std::string reply2 = "urn with_vat(\n        amount)";
  fake::FakeBackend backend;
  backend.enqueueText(reply1);
  backend.enqueueText(reply2);
  backend.setDefaultText(reply1);

  ScopedEnv env;
  env.set("SB_BINARY", SB_BINARY);
  env.set("SB_PLUGIN_DIR", SB_NVIM_PLUGIN_DIR);
  env.set("SB_WORKSPACE", ws);
  env.set("SB_SCRATCH", scratch.path());
  env.set("SB_REPLY_1", reply1);
  env.set("SB_REPLY_2", reply2);
  env.set("OPENAI_BASE_URL", backend.url() + "/v1");
  for (const char* name :
       {"OPENAI_API_KEY", "OPENAI_MODEL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OLLAMA_HOST",
        "NVIM_LOG_FILE", "VIMINIT", "NVIM_APPNAME"})
    env.set(name, std::nullopt);
  for (const char* dir : {"CONFIG", "DATA", "STATE", "CACHE"}) {
    std::string path = scratch / ("xdg/" + std::string(dir));
    fs::create_directories(path);
    env.set(std::string("XDG_") + dir + "_HOME", path);
  }

  // stdin from /dev/null: Neovim must not wait on the test's pipe.
  Finished nvim = runToCompletion(
      {"/bin/sh", "-c", "exec \"$0\" --headless --clean -n -i NONE -c \"luafile $1\" </dev/null",
       SB_NVIM, SB_E2E_SOURCE_DIR "/neovim_plugin.lua"},
      90s);
  EXPECT_EQ(nvim.status.code, 0) << nvim.status.describe() << "\nstdout: " << nvim.out
                                 << "\nstderr: " << nvim.err;
  EXPECT_NE(nvim.out.find("e2e_neovim_plugin: OK"), std::string::npos) << nvim.out << nvim.err;

  // The prompts: the first is the manual trigger at the end of "    ret".
  // Completions use the FIM endpoint; the AI actions (refactor, explain) chat.
  std::vector<fake::RecordedRequest> prompts, chats;
  for (auto& r : backend.requests())
    if (r.method == "POST")
      (r.path.find("/chat/") == std::string::npos ? prompts : chats).push_back(r);
  ASSERT_EQ(chats.size(), 2u) << "refactor and explain reach the model";
  EXPECT_NE(chats[0].body.find("Instruction: use an f-string"), std::string::npos) << chats[0].body;
  ASSERT_GE(prompts.size(), 4u) << "trigger, next, trigger, automatic";
  const std::string& first = prompts.front().body;
  EXPECT_NE(first.find("def with_vat(amount: Decimal"), std::string::npos)
      << "the definition from shop/pricing.py should be in the prompt: " << first;
  EXPECT_NE(first.find("def total_with_tax(amount):\\n    ret"), std::string::npos)
      << "the prefix: " << first;
  EXPECT_NE(first.find("print(total_with_tax(1))"), std::string::npos) << "the suffix: " << first;
  for (const auto& p : prompts)
    EXPECT_NE(p.body.find("<|fim_prefix|>"), std::string::npos)
        << "settings.completion.fimTemplate: " << p.body;
}

}  // namespace
}  // namespace sb::e2e
