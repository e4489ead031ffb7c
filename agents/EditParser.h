// Finds the file edits an LLM proposes in its (markdown) output: fenced code
// blocks that name a file, and unified diffs, fenced or bare. Only blocks
// that name their file count; anything else is prose or an example.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sb::agents {

struct ProposedEdit {
  // WholeFile: the file's new content. Diff: a unified diff of this one file
  // (a "--- /dev/null" diff creates it). Delete: a diff to "+++ /dev/null".
  enum class Kind { WholeFile, Diff, Delete };
  Kind kind = Kind::WholeFile;
  std::string path;      // as the model wrote it (normally workspace-relative), trimmed
  std::string content;   // WholeFile: full text, ending in '\n' unless empty; Diff/Delete: the diff
  std::string language;  // from the fence's info string; may be empty
};

// Recognises, in output with LF or CRLF line ends:
//  - fences (``` or ~~~, 3 or more) whose info string names the file:
//    "python:src/app.py", "python path=src/app.py" (also file=, filename=,
//    title=), "python src/app.py", or "src/app.py" alone;
//  - a fence preceded by a line naming the file: "File: src/app.py",
//    "### src/app.py", "**src/app.py**", "`src/app.py`" (a blank line between
//    is allowed);
//  - unified diffs in ```diff/```patch fences or bare in the text; a diff of
//    several files gives one edit per file.
// A fence inside a block's content needs a longer outer fence, or an info
// string on the inner opening line. Unclosed blocks (truncated output) and
// "```12:20:path" citations of existing lines are not edits. Never throws.
std::vector<ProposedEdit> parseProposedEdits(std::string_view modelOutput);

// A closed fenced code block of markdown output, outermost only (fences
// nested the way parseProposedEdits accepts them stay in the content).
struct FencedBlock {
  std::string info;     // the info string, trimmed ("python", "python:src/app.py")
  std::string content;  // LF line ends, the fence's indent removed, ending in '\n' unless empty
  // Bytes of `markdown` from the opening fence line's start to just past the
  // closing fence line (and its line end).
  size_t begin = 0, end = 0;
};

// The closed fenced blocks of `markdown` in order; an unclosed one (truncated
// output) and everything after it is prose. Never throws.
std::vector<FencedBlock> fencedBlocks(std::string_view markdown);

// True if a whole-file block seems to stand for lines it does not contain
// ("// ... existing code ...", "# rest of the file unchanged"): writing it
// would delete them.
bool looksElided(std::string_view content);

}  // namespace sb::agents
