#include "analysis/WorkspaceScanner.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analysis/FileText.h"
#include "analysis/IgnoreRules.h"

namespace sb {
namespace fs = std::filesystem;

namespace {

bool isInside(const std::string& root, const std::string& path) {
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          (root.back() == '/' || path[root.size()] == '/'));
}

std::string readSmallFile(const fs::path& p) {
  return readFileText(p.string()).value_or(std::string());
}

class Walker {
 public:
  Walker(std::string root, const ScanOptions& options) : root_(std::move(root)), options_(options) {
    for (const auto& pattern : options_.exclude) rules_.addPattern(pattern, "");
    if (options_.honourGitignore)
      rules_.add(readSmallFile(fs::path(root_) / ".git/info/exclude"), "");
  }

  ScanResult run() {
    walk(root_, "");
    return std::move(result_);
  }

 private:
  void walk(const std::string& dir, const std::string& rel) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return;
    if (!visited_.insert({st.st_dev, st.st_ino}).second) return;  // symlink loop
    size_t mark = rules_.mark();
    if (options_.honourGitignore) {
      std::string text = readSmallFile(fs::path(dir) / ".gitignore");
      if (!text.empty()) rules_.add(text, rel);
    }
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec))
      entries.push_back(*it);
    // Sorted so that scans, and so index ids and reports, are deterministic.
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.path().filename() < b.path().filename();
    });
    for (const auto& entry : entries) {
      if (result_.files.size() >= options_.maxFiles) {
        if (!capped_)
          result_.notes.push_back("stopped at " + std::to_string(options_.maxFiles) + " files");
        capped_ = true;
        return;
      }
      visit(entry, rel);
    }
    rules_.truncate(mark);
  }

  void visit(const fs::directory_entry& entry, const std::string& rel) {
    std::string name = entry.path().filename().string();
    std::string childRel = rel.empty() ? name : rel + "/" + name;
    std::string path = entry.path().string();
    std::error_code ec;
    bool isLink = entry.is_symlink(ec);
    if (isLink) {
      // Follow only links that stay inside the workspace.
      std::string target = resolveInside(root_, path);
      if (target.empty()) {
        std::error_code dangling;
        if (!fs::exists(path, dangling)) {
          result_.notes.push_back(childRel + ": dangling symlink; skipped");
          return;
        }
        ++result_.escapingLinks;
        result_.notes.push_back(childRel + ": symlink leads outside the workspace; skipped");
        return;
      }
      path = target;
    }
    bool isDir = fs::is_directory(path, ec);
    if (!isDir && !fs::is_regular_file(path, ec)) return;
    if (rules_.match(childRel, isDir) == IgnoreRules::Verdict::Ignored) {
      ++result_.ignored;
      return;
    }
    if (isDir) return walk(path, childRel);
    const Language* lang = languageForPath(name);
    if (!lang && !options_.anyTextFile) return;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return;
    if (static_cast<uint64_t>(st.st_size) > options_.maxFileBytes) {
      ++result_.oversized;
      result_.notes.push_back(childRel + ": " + std::to_string(st.st_size) + " bytes, over the " +
                              std::to_string(options_.maxFileBytes) + "-byte index limit; skipped");
      return;
    }
    ScannedFile f;
    f.path = isLink ? path : (fs::path(root_) / childRel).string();
    f.relPath = childRel;
    f.language = lang;
    f.size = static_cast<uint64_t>(st.st_size);
    f.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    result_.files.push_back(std::move(f));
  }

  std::string root_;
  const ScanOptions& options_;
  IgnoreRules rules_;
  std::set<std::pair<dev_t, ino_t>> visited_;
  ScanResult result_;
  bool capped_ = false;
};

}  // namespace

std::string resolveInside(const std::string& root, const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::canonical(path, ec);
  if (ec) return {};
  std::string s = canonical.string();
  return isInside(root, s) ? s : std::string();
}

ScanResult scanWorkspace(const std::string& root, const ScanOptions& options) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    ScanResult r;
    r.notes.push_back(root + ": not a directory");
    return r;
  }
  return Walker(canonical.string(), options).run();
}

}  // namespace sb
