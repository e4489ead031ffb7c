#include "agents/FimPrompt.h"

#include <sstream>
#include <stdexcept>

namespace sb::agents {
namespace {

struct FimTokens {
  std::string_view name, pre, suf, mid;
};

// Published FIM formats of the common code-model families.
constexpr FimTokens kTemplates[] = {
    {"qwen", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"},
    {"starcoder", "<fim_prefix>", "<fim_suffix>", "<fim_middle>"},
    {"codellama", "<PRE> ", " <SUF>", " <MID>"},
    {"deepseek", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"},
    {"codestral", "[SUFFIX]", "[PREFIX]", ""},  // suffix first, then prefix
};

void commentLines(std::ostringstream& out, const std::string& comment, std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    out << comment << ' ' << line << '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
}

}  // namespace

std::string renderContextBlock(const CompletionContext& ctx) {
  if (ctx.definitions.empty() && ctx.repoMap.empty()) return {};
  std::string c = lineCommentFor(ctx.language);
  std::ostringstream out;
  if (!ctx.repoMap.empty()) {
    out << c << " Repository map (most referenced definitions):\n";
    commentLines(out, c, ctx.repoMap);
  }
  std::string lastPath;
  for (const auto& d : ctx.definitions) {
    if (d.path != lastPath) out << c << " From " << d.path << ":\n";
    lastPath = d.path;
    commentLines(out, c, d.text);
  }
  out << c << " File: " << ctx.path << "\n";
  return out.str();
}

LlmRequest buildFimRequest(const CompletionContext& ctx, const FimOptions& options) {
  LlmRequest r;
  r.kind = LlmRequest::Kind::Fim;
  r.maxTokens = options.maxTokens;
  r.temperature = options.temperature;
  std::string context = renderContextBlock(ctx);
  if (options.fimTemplate == "auto") {
    r.prefix = context + ctx.prefix;
    r.suffix = ctx.suffix;
    return r;
  }
  if (options.fimTemplate == "none") {
    r.prefix = context + ctx.prefix;
    return r;
  }
  for (const auto& t : kTemplates) {
    if (t.name != options.fimTemplate) continue;
    if (t.name == "codestral")
      r.prefix = std::string(t.pre) + ctx.suffix + std::string(t.suf) + context + ctx.prefix;
    else
      r.prefix = std::string(t.pre) + context + ctx.prefix + std::string(t.suf) + ctx.suffix +
                 std::string(t.mid);
    // The raw prompt already holds the suffix: the server must not add its own template.
    r.stop = {"<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<EOT>", "</s>"};
    return r;
  }
  throw std::invalid_argument("unknown FIM template '" + options.fimTemplate +
                              "' (auto, none, qwen, starcoder, codellama, deepseek, codestral)");
}

}  // namespace sb::agents
