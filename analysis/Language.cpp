#include "analysis/Language.h"

#include <algorithm>
#include <array>
#include <cctype>

extern "C" {
const TSLanguage* tree_sitter_c();
const TSLanguage* tree_sitter_cpp();
const TSLanguage* tree_sitter_python();
const TSLanguage* tree_sitter_javascript();
const TSLanguage* tree_sitter_typescript();
const TSLanguage* tree_sitter_tsx();
const TSLanguage* tree_sitter_go();
const TSLanguage* tree_sitter_rust();
const TSLanguage* tree_sitter_java();
const TSLanguage* tree_sitter_json();
const TSLanguage* tree_sitter_bash();
}

namespace sb {
namespace {

// .h maps to C++: the C++ grammar parses C headers, the C grammar does not
// parse C++ ones. .jsx uses the JavaScript grammar, which handles JSX.
constexpr std::string_view kCIds[] = {"c"};
constexpr std::string_view kCExt[] = {".c"};
constexpr std::string_view kCppIds[] = {"cpp", "cuda-cpp", "objective-cpp"};
constexpr std::string_view kCppExt[] = {".cc",  ".cpp", ".cxx", ".c++", ".h",  ".hh",
                                        ".hpp", ".hxx", ".h++", ".ipp", ".inl"};
constexpr std::string_view kPyIds[] = {"python"};
constexpr std::string_view kPyExt[] = {".py", ".pyi", ".pyw"};
constexpr std::string_view kJsIds[] = {"javascript", "javascriptreact"};
constexpr std::string_view kJsExt[] = {".js", ".mjs", ".cjs", ".jsx"};
constexpr std::string_view kTsIds[] = {"typescript"};
constexpr std::string_view kTsExt[] = {".ts", ".mts", ".cts"};
constexpr std::string_view kTsxIds[] = {"typescriptreact"};
constexpr std::string_view kTsxExt[] = {".tsx"};
constexpr std::string_view kGoIds[] = {"go"};
constexpr std::string_view kGoExt[] = {".go"};
constexpr std::string_view kRustIds[] = {"rust"};
constexpr std::string_view kRustExt[] = {".rs"};
constexpr std::string_view kJavaIds[] = {"java"};
constexpr std::string_view kJavaExt[] = {".java"};
constexpr std::string_view kJsonIds[] = {"json", "jsonc"};
constexpr std::string_view kJsonExt[] = {".json", ".jsonc"};
constexpr std::string_view kBashIds[] = {"shellscript", "sh", "bash", "zsh"};
constexpr std::string_view kBashExt[] = {".sh", ".bash"};

constexpr Language kLanguages[] = {
    {"c", tree_sitter_c, kCIds, kCExt},
    {"cpp", tree_sitter_cpp, kCppIds, kCppExt},
    {"python", tree_sitter_python, kPyIds, kPyExt},
    {"javascript", tree_sitter_javascript, kJsIds, kJsExt},
    {"typescript", tree_sitter_typescript, kTsIds, kTsExt},
    {"tsx", tree_sitter_tsx, kTsxIds, kTsxExt},
    {"go", tree_sitter_go, kGoIds, kGoExt},
    {"rust", tree_sitter_rust, kRustIds, kRustExt},
    {"java", tree_sitter_java, kJavaIds, kJavaExt},
    {"json", tree_sitter_json, kJsonIds, kJsonExt},
    {"bash", tree_sitter_bash, kBashIds, kBashExt},
};

constexpr auto kPointers = [] {
  std::array<const Language*, std::size(kLanguages)> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = &kLanguages[i];
  return out;
}();

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const Language* languageForLspId(std::string_view languageId) {
  for (const Language& lang : kLanguages)
    if (std::find(lang.lspIds.begin(), lang.lspIds.end(), languageId) != lang.lspIds.end())
      return &lang;
  return nullptr;
}

const Language* languageForPath(std::string_view path) {
  // Works on URIs too: drop a query or fragment, then look past the last '/'.
  path = path.substr(0, path.find_first_of("?#"));
  const size_t slash = path.find_last_of("/\\");
  const std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = file.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return nullptr;
  const std::string_view ext = file.substr(dot);
  for (const Language& lang : kLanguages)
    for (std::string_view e : lang.extensions)
      if (equalsIgnoreCase(e, ext)) return &lang;
  return nullptr;
}

std::span<const Language* const> allLanguages() {
  return kPointers;
}

}  // namespace sb
