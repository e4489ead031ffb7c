#include <gtest/gtest.h>
#include <tree_sitter/api.h>

#include <map>
#include <memory>
#include <string>

#include "analysis/Language.h"
#include "analysis/TreeHandle.h"

namespace sb {
namespace {

// One small valid program per language.
const std::map<std::string_view, std::string>& samples() {
  static const std::map<std::string_view, std::string> s = {
      {"c", "int main(void) { return 0; }\n"},
      {"cpp", "namespace a { class B { int f() const { return 1; } }; }\n"},
      {"python", "def f(x):\n    return [i for i in x]\n"},
      {"javascript", "const f = (a) => <div>{a}</div>;\n"},
      {"typescript", "interface A { x: number }\nconst a: A = { x: 1 };\n"},
      {"tsx", "const e = <A x={1} />;\n"},
      {"go", "package main\n\nfunc main() {}\n"},
      {"rust", "fn main() { let v: Vec<u8> = vec![]; }\n"},
      {"java", "class A { void f() {} }\n"},
      {"json", "{\"a\": [1, true, null]}\n"},
      {"bash", "f() { echo \"$1\"; }\nf x\n"},
  };
  return s;
}

TEST(Language, EveryGrammarLoadsAtRunTime) {
  ASSERT_EQ(allLanguages().size(), 11u);
  for (const Language* lang : allLanguages()) {
    const ParserPtr parser(ts_parser_new());
    const TSLanguage* grammar = lang->grammar();
    ASSERT_NE(grammar, nullptr) << lang->name;
    EXPECT_TRUE(ts_parser_set_language(parser.get(), grammar))
        << lang->name << " has ABI " << ts_language_version(grammar);
  }
}

TEST(Language, EveryLanguageParsesASampleWithoutErrors) {
  for (const Language* lang : allLanguages()) {
    const auto it = samples().find(lang->name);
    ASSERT_NE(it, samples().end()) << "no sample for " << lang->name;
    const ParserPtr parser(ts_parser_new());
    ASSERT_TRUE(ts_parser_set_language(parser.get(), lang->grammar()));
    const TreeHandle tree(ts_parser_parse_string(parser.get(), nullptr, it->second.data(),
                                                 static_cast<uint32_t>(it->second.size())));
    ASSERT_TRUE(tree) << lang->name;
    EXPECT_FALSE(ts_node_has_error(tree.root())) << lang->name;
    EXPECT_GT(ts_node_child_count(tree.root()), 0u) << lang->name;
  }
}

TEST(Language, LooksUpLspIds) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"c", "c"},
      {"cpp", "cpp"},
      {"python", "python"},
      {"javascript", "javascript"},
      {"javascriptreact", "javascript"},
      {"typescript", "typescript"},
      {"typescriptreact", "tsx"},
      {"go", "go"},
      {"rust", "rust"},
      {"java", "java"},
      {"json", "json"},
      {"jsonc", "json"},
      {"shellscript", "bash"},
      {"sh", "bash"},
      {"bash", "bash"},
  };
  for (auto [id, name] : cases) {
    const Language* lang = languageForLspId(id);
    ASSERT_NE(lang, nullptr) << id;
    EXPECT_EQ(lang->name, name) << id;
  }
  EXPECT_EQ(languageForLspId("plaintext"), nullptr);
  EXPECT_EQ(languageForLspId(""), nullptr);
  EXPECT_EQ(languageForLspId("CPP"), nullptr) << "LSP ids are case-sensitive";
}

TEST(Language, LooksUpPathsByExtension) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"a.c", "c"},
      {"a.h", "cpp"},
      {"a.cc", "cpp"},
      {"a.cpp", "cpp"},
      {"a.cxx", "cpp"},
      {"a.hpp", "cpp"},
      {"a.hh", "cpp"},
      {"a.hxx", "cpp"},
      {"a.py", "python"},
      {"a.pyi", "python"},
      {"a.js", "javascript"},
      {"a.mjs", "javascript"},
      {"a.cjs", "javascript"},
      {"a.jsx", "javascript"},
      {"a.ts", "typescript"},
      {"a.mts", "typescript"},
      {"a.cts", "typescript"},
      {"a.tsx", "tsx"},
      {"a.go", "go"},
      {"a.rs", "rust"},
      {"a.java", "java"},
      {"a.json", "json"},
      {"a.sh", "bash"},
      {"a.bash", "bash"},
      {"/x/y.z/main.CPP", "cpp"},
      {"file:///home/u/src/lib.rs", "rust"},
      {"file:///w/a.py?x=1#frag", "python"},
  };
  for (auto [path, name] : cases) {
    const Language* lang = languageForPath(path);
    ASSERT_NE(lang, nullptr) << path;
    EXPECT_EQ(lang->name, name) << path;
  }
  EXPECT_EQ(languageForPath("Makefile"), nullptr);
  EXPECT_EQ(languageForPath("/x/.bashrc"), nullptr);
  EXPECT_EQ(languageForPath("/x.py/readme"), nullptr);
  EXPECT_EQ(languageForPath("notes.txt"), nullptr);
}

}  // namespace
}  // namespace sb
