#include "agents/CodeActions.h"

#include <algorithm>
#include <array>

namespace sb::agents {
namespace {

struct KindInfo {
  ActionKind kind;
  const char* name;
};
constexpr std::array<KindInfo, 5> kKinds = {{{ActionKind::Explain, "explain"},
                                             {ActionKind::Fix, "fix"},
                                             {ActionKind::Document, "document"},
                                             {ActionKind::Tests, "writeTests"},
                                             {ActionKind::Refactor, "refactor"}}};

// What every answer that replaces the selection must look like: the front end
// takes the first code block as the new text, so anything else in a block
// would be written into the file.
constexpr const char* kReplacementRules =
    "Answer with the complete new version of the selected code, and nothing before or after it, "
    "in ONE fenced code block. Keep the original indentation (the block replaces the selection "
    "exactly, first line included), the surrounding code's style and everything the task does not "
    "ask to change. Do not write other code blocks. After the block, add at most three short "
    "lines saying what you changed.";

std::string systemPrompt(ActionKind kind) {
  std::string role = "You are an expert software engineer working in the user's editor. ";
  switch (kind) {
    case ActionKind::Explain:
      return role +
             "Explain the selected code to a colleague who is reading it for the first time: what "
             "it does, how, and anything surprising (edge cases, bugs, costs). Use the context "
             "given only to understand the selection. Answer in concise Markdown; quote code in "
             "fenced blocks only when it helps. Do not rewrite the code.";
    case ActionKind::Fix:
      return role +
             "Fix the problems in the selected code: the diagnostics listed, and any bug you are "
             "sure of. Change as little as possible. " +
             kReplacementRules;
    case ActionKind::Document:
      return role +
             "Add documentation to the selected code in the language's idiomatic style (for "
             "example docstrings in Python, /** */ or /// comments in C, C++, Java, JavaScript and "
             "TypeScript, /// in Rust, // comments before declarations in Go): what each "
             "declaration is for, its parameters, return value and errors. Do not change the "
             "code's behaviour. " +
             kReplacementRules;
    case ActionKind::Refactor:
      return role +
             "Refactor the selected code as the user instructs, keeping its behaviour unless the "
             "instruction says otherwise. " +
             kReplacementRules;
    case ActionKind::Tests:
      return role +
             "Write unit tests for the selected code, with the test framework the project already "
             "uses if the context shows one, else the language's usual one. Cover normal use, edge "
             "cases and errors. Answer with ONE fenced code block holding the complete test file, "
             "whose info string is the language, a colon and the test file's path relative to the "
             "workspace root, for example ```python:tests/test_app.py . Import the code under test "
             "from its module. After the block, add at most three short lines about the tests.";
  }
  return role;
}

std::string taskLine(ActionKind kind) {
  switch (kind) {
    case ActionKind::Explain:
      return "Explain the selected code.";
    case ActionKind::Fix:
      return "Fix the selected code.";
    case ActionKind::Document:
      return "Document the selected code.";
    case ActionKind::Tests:
      return "Write unit tests for the selected code.";
    case ActionKind::Refactor:
      return "Refactor the selected code.";
  }
  return "";
}

// A backtick fence longer than any backtick run in `text`, so code that
// contains fences (markdown, docs) cannot close it early.
std::string fenceFor(std::string_view text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

void appendBlock(std::string& out, const std::string& title, std::string_view language,
                 std::string_view code) {
  const std::string fence = fenceFor(code);
  out += title;
  out += ":\n";
  out += fence;
  out += language;
  out += '\n';
  out += code;
  if (code.empty() || code.back() != '\n') out += '\n';
  out += fence;
  out += "\n\n";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool blank(std::string_view s) {
  return trim(s).empty();
}

std::string stem(std::string_view path) {
  const size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = name.rfind('.');
  return std::string(dot == 0 || dot == std::string_view::npos ? name : name.substr(0, dot));
}

std::string directory(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(path.substr(0, slash + 1));
}

std::string extension(std::string_view path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return "";
  return std::string(path.substr(dot));
}

// The replacement written with the selection's conventions.
std::string adaptToSelection(std::string text, std::string_view selected) {
  const bool selectionEndsLine = !selected.empty() && selected.back() == '\n';
  if (!selectionEndsLine && !text.empty() && text.back() == '\n') text.pop_back();
  if (selected.find("\r\n") != std::string_view::npos) {
    std::string crlf;
    crlf.reserve(text.size() + text.size() / 16);
    for (char c : text) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    text = std::move(crlf);
  }
  return text;
}

// `reply` without the block: the prose around it, trimmed.
std::string withoutBlock(std::string_view reply, const FencedBlock& b) {
  std::string out(trim(reply.substr(0, b.begin)));
  const std::string_view rest = trim(reply.substr(b.end));
  if (!out.empty() && !rest.empty()) out += "\n\n";
  out += rest;
  return out;
}

}  // namespace

const char* actionName(ActionKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.name;
  return "?";
}

std::optional<ActionKind> actionFromName(std::string_view name) {
  for (const auto& k : kKinds)
    if (name == k.name) return k.kind;
  return std::nullopt;
}

bool actionEditsSelection(ActionKind kind) {
  return kind == ActionKind::Fix || kind == ActionKind::Document || kind == ActionKind::Refactor;
}

std::string suggestedTestPath(std::string_view language, std::string_view path) {
  const std::string s = stem(path), dir = directory(path), ext = extension(path);
  if (language == "python") return "tests/test_" + s + ".py";
  if (language == "javascript" || language == "typescript" || language == "tsx")
    return dir + s + ".test" + (ext.empty() ? ".js" : ext);
  if (language == "go") return dir + s + "_test.go";
  if (language == "rust") return "tests/" + s + ".rs";
  if (language == "java") return dir + s + "Test.java";
  if (language == "c" || language == "cpp")
    return "tests/" + s + "_test" + (language == "c" ? ".c" : ".cpp");
  if (language == "bash") return "tests/test_" + s + ".sh";
  return "tests/test_" + s + ext;
}

LlmRequest buildActionRequest(const ActionInput& in, int maxTokens) {
  if (in.kind == ActionKind::Refactor && blank(in.instruction))
    throw std::invalid_argument("refactor needs an instruction saying what to change");
  if (blank(in.selected)) throw std::invalid_argument("the selection is empty");

  std::string user;
  user += "File: " + in.path + (in.language.empty() ? "" : " (" + in.language + ")") + "\n";
  if (!in.imports.empty()) {
    user += "Imports of this file:";
    for (const auto& i : in.imports) user += " " + i;
    user += "\n";
  }
  user += "\n";
  if (!in.definitions.empty()) {
    std::string defs;
    for (const auto& d : in.definitions)
      defs += lineCommentFor(in.language) + " " + d.path + "\n" + d.text + "\n";
    appendBlock(user, "Definitions from other files that this code uses", in.language, defs);
  }
  if (!blank(in.before)) appendBlock(user, "Code before the selection", in.language, in.before);
  appendBlock(user, "Selected code (from line " + std::to_string(in.firstLine) + ")", in.language,
              in.selected);
  if (!blank(in.after)) appendBlock(user, "Code after the selection", in.language, in.after);
  if (!in.diagnostics.empty()) {
    user += "Diagnostics reported for the selection:\n";
    for (const auto& d : in.diagnostics)
      user += "- line " + std::to_string(d.line) + ": " + d.message + "\n";
    user += "\n";
  }
  user += taskLine(in.kind) + "\n";
  if (in.kind == ActionKind::Tests)
    user += "Suggested test file: " + suggestedTestPath(in.language, in.path) +
            " (use the project's own layout if the context shows a different one).\n";
  if (!blank(in.instruction)) user += "Instruction: " + std::string(trim(in.instruction)) + "\n";

  LlmRequest req;
  req.kind = LlmRequest::Kind::Chat;
  req.system = systemPrompt(in.kind);
  req.messages.push_back(Message::user(std::move(user)));
  req.maxTokens = maxTokens;
  req.temperature = 0.0;
  req.stream = true;
  return req;
}

ActionReply parseActionReply(ActionKind kind, std::string_view reply, std::string_view selected) {
  ActionReply out;
  if (kind == ActionKind::Explain) {
    out.message = std::string(trim(reply));
    return out;
  }
  const std::vector<FencedBlock> blocks = fencedBlocks(reply);
  if (kind == ActionKind::Tests) {
    for (auto& e : parseProposedEdits(reply))
      if (e.kind != ProposedEdit::Kind::Delete) out.files.push_back(std::move(e));
    // With a file to write, the prose is what remains; without one the
    // tests are only shown, so the whole answer is the message.
    out.message = !out.files.empty() && !blocks.empty() ? withoutBlock(reply, blocks.front())
                                                        : std::string(trim(reply));
    return out;
  }
  if (blocks.empty()) {
    out.message = std::string(trim(reply));
    return out;
  }
  out.replacement = adaptToSelection(blocks.front().content, selected);
  out.message = withoutBlock(reply, blocks.front());
  return out;
}

}  // namespace sb::agents
