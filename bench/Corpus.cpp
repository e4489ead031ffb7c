#include "Corpus.h"

#include "analysis/Document.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sb::bench {

std::vector<SourceFile> collectSources(const std::string& root,
                                       const std::vector<std::string>& extensions,
                                       size_t maxBytes) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(
           root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec)) continue;
    std::string ext = it->path().extension().string();
    if (std::find(extensions.begin(), extensions.end(), ext) != extensions.end())
      paths.push_back(it->path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<SourceFile> out;
  size_t total = 0;
  for (const auto& p : paths) {
    if (total >= maxBytes) break;
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    total += ss.str().size();
    out.push_back({p, ss.str()});
  }
  return out;
}

std::string cleanCppText(size_t lines) {
  std::string text;
  size_t count = 0;
  for (const char* root : {"/usr/include/boost/polygon", "/usr/include/boost/math/quadrature",
                           "/usr/include/boost/graph"}) {
    for (const auto& f : collectSources(root, {".hpp"}, 64 << 20)) {
      Document doc("file://" + f.path, "cpp", 1, f.text);
      auto snap = doc.snapshot();
      if (!snap->hasTree() || ts_node_has_error(snap->tree().root())) continue;
      text += f.text;
      count += std::count(f.text.begin(), f.text.end(), '\n');
      if (count >= lines) return text;
    }
  }
  return text;
}

std::string macroHeavyCppText(size_t lines) {
  std::string text;
  size_t count = 0;
  for (const auto& f : collectSources("/usr/include/c++/12/bits", {".h", ".tcc"}, 64 << 20)) {
    for (char c : f.text) {
      text.push_back(c);
      if (c == '\n' && ++count == lines) return text;
    }
  }
  return text;
}

}  // namespace sb::bench
