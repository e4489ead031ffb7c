// Fuzzes the reading of model output into file edits. The input is the
// model's text; parseProposedEdits turns it into edits, and every diff among
// them is applied to a fixed file (LF and CRLF versions).
//
// Checks: every edit has a trimmed one-line path; a whole-file edit's content
// is empty or ends with '\n'; a diff edit's text re-parses on its own as one
// file with the same hunks; an applied diff changes the line count by exactly
// (added - removed) and keeps the original's line ends; normalised paths have
// no "..", no empty component and are stable under normalising again.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "FuzzCheck.h"
#include "agents/EditApplier.h"
#include "agents/EditParser.h"
#include "agents/UnifiedDiff.h"

namespace {

using sb::agents::DiffOutcome;
using sb::agents::FileDiff;
using sb::agents::ParsedDiff;
using sb::agents::ProposedEdit;

// The file the seed corpus's diffs are written against (repeated lines make
// hunk placement ambiguous on purpose).
constexpr std::string_view kFile =
    "def add(a, b):\n"
    "    return a + b\n"
    "\n"
    "def sub(a, b):\n"
    "    return a - b\n"
    "\n"
    "def mul(a, b):\n"
    "    return a * b\n"
    "\n"
    "if __name__ == \"__main__\":\n"
    "    print(add(1, 2))\n"
    "    print(sub(1, 2))\n";

size_t lineCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n' ? 1 : 0);
}

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void checkApplied(std::string_view original, const FileDiff& diff, const DiffOutcome& out) {
  const auto* text = std::get_if<std::string>(&out);
  if (!text) {
    SB_FUZZ_CHECK(!std::get<sb::agents::DiffError>(out).message.empty(),
                  "an error without a message");
    return;
  }
  size_t added = 0, removed = 0;
  for (const auto& h : diff.hunks)
    for (const auto& l : h.lines) {
      added += l.op == '+';
      removed += l.op == '-';
    }
  const size_t want = lineCount(original) + added - removed, got = lineCount(*text);
  // An added empty last line "without a newline" is no line at all.
  const bool emptyLastLine = got + 1 == want && (text->empty() || text->back() == '\n');
  SB_FUZZ_CHECK(got == want || emptyLastLine, "%zu lines after the diff, expected %zu (+%zu -%zu)",
                got, want, added, removed);
  const bool crlf = original.find("\r\n") != std::string_view::npos;
  if (!crlf) {
    for (const auto& h : diff.hunks)
      for (const auto& l : h.lines)
        if (l.op == '+' && l.text.find('\r') != std::string::npos)
          return;  // the diff brought its own
    SB_FUZZ_CHECK(text->find("\r\n") == std::string::npos, "CRLF appeared in an LF file");
  }
}

void checkDiffEdit(const ProposedEdit& e) {
  const ParsedDiff again = sb::agents::parseUnifiedDiff(e.content);
  SB_FUZZ_CHECK(again.files.size() == 1, "a diff edit's text holds %zu files", again.files.size());
  const FileDiff& f = again.files.front();
  SB_FUZZ_CHECK(!f.hunks.empty() || f.newFile || f.deletedFile, "a diff edit without hunks");
  SB_FUZZ_CHECK((e.kind == ProposedEdit::Kind::Delete) == f.deletedFile,
                "Delete kind and diff disagree");
  if (f.newFile) {
    checkApplied("", f, sb::agents::applyFileDiff("", f));
    return;
  }
  checkApplied(kFile, f, sb::agents::applyFileDiff(kFile, f));
  std::string crlf;
  for (char c : kFile) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  checkApplied(crlf, f, sb::agents::applyFileDiff(crlf, f));
}

void checkPath(const std::string& path) {
  SB_FUZZ_CHECK(!path.empty(), "an edit without a path");
  SB_FUZZ_CHECK(!isBlank(path.front()) && !isBlank(path.back()), "path not trimmed: [%s]",
                path.c_str());
  SB_FUZZ_CHECK(path.find('\n') == std::string::npos, "path spans lines");
  const auto norm = sb::agents::normaliseRelativePath(path);
  if (!norm) return;
  SB_FUZZ_CHECK(!norm->empty() && norm->front() != '/' && norm->back() != '/',
                "bad normalised path [%s]", norm->c_str());
  SB_FUZZ_CHECK(norm->find("//") == std::string::npos, "empty component in [%s]", norm->c_str());
  const std::string wrapped = "/" + *norm + "/";
  SB_FUZZ_CHECK(
      wrapped.find("/../") == std::string::npos && wrapped.find("/./") == std::string::npos,
      "'..' or '.' survived in [%s]", norm->c_str());
  SB_FUZZ_CHECK(sb::agents::normaliseRelativePath(*norm) == norm, "normalising is not idempotent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view output(reinterpret_cast<const char*>(data), size);
  for (const ProposedEdit& e : sb::agents::parseProposedEdits(output)) {
    checkPath(e.path);
    if (e.kind == ProposedEdit::Kind::WholeFile) {
      SB_FUZZ_CHECK(e.content.empty() || e.content.back() == '\n',
                    "whole-file content without a final newline");
      (void)sb::agents::looksElided(e.content);
    } else {
      checkDiffEdit(e);
    }
  }
  return 0;
}
