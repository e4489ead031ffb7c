#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "TestUtil.h"
#include "analysis/Outline.h"

namespace sb {
namespace {

using K = SymbolKind;

// "Outer/Inner/name" -> the symbol, or nullptr.
const OutlineSymbol* find(const std::vector<OutlineSymbol>& symbols, std::string_view path) {
  const size_t slash = path.find('/');
  const std::string_view head = path.substr(0, slash);
  for (const OutlineSymbol& s : symbols) {
    if (s.name != head) continue;
    if (slash == std::string_view::npos) return &s;
    return find(s.children, path.substr(slash + 1));
  }
  return nullptr;
}

std::vector<std::string> names(const std::vector<OutlineSymbol>& symbols) {
  std::vector<std::string> out;
  out.reserve(symbols.size());
  for (const OutlineSymbol& s : symbols) out.push_back(s.name);
  return out;
}

// Every symbol: non-empty name, selection inside range, children inside the parent.
void expectWellFormed(const std::vector<OutlineSymbol>& symbols, std::string_view text,
                      const OutlineSymbol* parent) {
  for (const OutlineSymbol& s : symbols) {
    EXPECT_FALSE(s.name.empty());
    EXPECT_LE(s.range.begin, s.selectionRange.begin) << s.name;
    EXPECT_LE(s.selectionRange.end, s.range.end) << s.name;
    EXPECT_LE(s.range.end, text.size()) << s.name;
    if (parent) {
      EXPECT_LE(parent->range.begin, s.range.begin) << s.name;
      EXPECT_LE(s.range.end, parent->range.end) << s.name;
    }
    expectWellFormed(s.children, text, &s);
  }
}

struct Outline {
  std::shared_ptr<const DocumentSnapshot> snap;
  std::vector<OutlineSymbol> symbols;
  std::string_view selected(const OutlineSymbol& s) const {
    return snap->text().substr(s.selectionRange.begin,
                               s.selectionRange.end - s.selectionRange.begin);
  }
};

Outline outlineOf(const std::string& fixture) {
  Outline o{test::parseFixture(fixture), {}};
  EXPECT_TRUE(o.snap->hasTree());
  o.symbols = documentOutline(*o.snap);
  expectWellFormed(o.symbols, o.snap->text(), nullptr);
  return o;
}

#define EXPECT_SYMBOL(outline, path, expectedKind)           \
  do {                                                       \
    const OutlineSymbol* s_ = find((outline).symbols, path); \
    ASSERT_NE(s_, nullptr) << "no symbol " << (path);        \
    EXPECT_EQ(s_->kind, expectedKind) << (path);             \
  } while (0)

TEST(Outline, C) {
  const Outline o = outlineOf("outline.c");
  EXPECT_EQ(names(o.symbols),
            (std::vector<std::string>{"MAX_ITEMS", "point", "complex_t", "value", "color",
                                      "counter", "add", "add", "make_buffer"}));
  EXPECT_SYMBOL(o, "MAX_ITEMS", K::Constant);
  EXPECT_SYMBOL(o, "point", K::Struct);
  EXPECT_SYMBOL(o, "point/x", K::Field);
  EXPECT_SYMBOL(o, "point/y", K::Field);
  EXPECT_SYMBOL(o, "complex_t",
                K::Struct);  // typedef of an anonymous struct: the fields nest under it
  EXPECT_SYMBOL(o, "complex_t/re", K::Field);
  EXPECT_SYMBOL(o, "value", K::Struct);
  EXPECT_SYMBOL(o, "value/f", K::Field);
  EXPECT_SYMBOL(o, "color", K::Enum);
  EXPECT_EQ(names(find(o.symbols, "color")->children),
            (std::vector<std::string>{"RED", "GREEN", "BLUE"}));
  EXPECT_SYMBOL(o, "color/GREEN", K::EnumMember);
  EXPECT_SYMBOL(o, "counter", K::Variable);
  EXPECT_SYMBOL(o, "make_buffer", K::Function);
  const OutlineSymbol& add = o.symbols[7];
  EXPECT_EQ(add.kind, K::Function);
  EXPECT_EQ(add.detail, "(int a, int b)");
  EXPECT_EQ(o.selected(add), "add");
  EXPECT_TRUE(add.children.empty()) << "locals are left out";
}

TEST(Outline, Cpp) {
  const Outline o = outlineOf("outline.cpp");
  EXPECT_EQ(names(o.symbols),
            (std::vector<std::string>{"geo", "geo::Shape::Shape", "geo::Shape::area",
                                      "(anonymous namespace)", "main"}));
  EXPECT_SYMBOL(o, "geo", K::Namespace);
  EXPECT_SYMBOL(o, "geo/Shape", K::Class);
  EXPECT_EQ(names(find(o.symbols, "geo/Shape")->children),
            (std::vector<std::string>{"Shape", "~Shape", "area", "sides", "sides_"}));
  EXPECT_SYMBOL(o, "geo/Shape/Shape", K::Constructor);
  EXPECT_SYMBOL(o, "geo/Shape/~Shape", K::Method);
  EXPECT_SYMBOL(o, "geo/Shape/area", K::Method);
  EXPECT_SYMBOL(o, "geo/Shape/sides", K::Method);
  EXPECT_SYMBOL(o, "geo/Shape/sides_", K::Field);
  EXPECT_SYMBOL(o, "geo/Point", K::Struct);
  EXPECT_SYMBOL(o, "geo/Point/x", K::Field);
  EXPECT_SYMBOL(o, "geo/Kind", K::Enum);
  EXPECT_SYMBOL(o, "geo/Kind/Square", K::EnumMember);
  EXPECT_SYMBOL(o, "geo/clamp", K::Function);
  EXPECT_SYMBOL(o, "geo/detail", K::Namespace);
  EXPECT_SYMBOL(o, "geo/detail/helper", K::Function);
  EXPECT_SYMBOL(o, "geo::Shape::Shape", K::Constructor);  // out of line
  EXPECT_SYMBOL(o, "geo::Shape::area", K::Method);
  EXPECT_SYMBOL(o, "(anonymous namespace)/hidden", K::Function);
  EXPECT_SYMBOL(o, "main", K::Function);
  EXPECT_TRUE(find(o.symbols, "main")->children.empty());
  // A template's range includes its template<> header.
  const OutlineSymbol* clamp = find(o.symbols, "geo/clamp");
  EXPECT_TRUE(o.snap->text().substr(clamp->range.begin).starts_with("template <typename T>"));
  EXPECT_EQ(clamp->detail, "(T v, T lo, T hi)");
}

TEST(Outline, Python) {
  const Outline o = outlineOf("outline.py");
  EXPECT_EQ(names(o.symbols),
            (std::vector<std::string>{"MAX_SIZE", "default_name", "Animal", "helper", "fetch"}));
  EXPECT_SYMBOL(o, "MAX_SIZE", K::Constant);
  EXPECT_SYMBOL(o, "default_name", K::Variable);
  EXPECT_SYMBOL(o, "Animal", K::Class);
  EXPECT_EQ(names(find(o.symbols, "Animal")->children),
            (std::vector<std::string>{"sound", "__init__", "loud", "Inner"}));
  EXPECT_SYMBOL(o, "Animal/sound", K::Field);
  EXPECT_SYMBOL(o, "Animal/__init__", K::Constructor);
  EXPECT_SYMBOL(o, "Animal/loud", K::Method);
  EXPECT_TRUE(find(o.symbols, "Animal/loud")->children.empty()) << "locals are left out";
  EXPECT_SYMBOL(o, "Animal/Inner", K::Class);
  EXPECT_SYMBOL(o, "helper", K::Function);
  EXPECT_SYMBOL(o, "helper/nested", K::Function);
  EXPECT_SYMBOL(o, "fetch", K::Function);
  // Decorated definitions: the range starts at the decorator, the selection is the name.
  const OutlineSymbol* helper = find(o.symbols, "helper");
  EXPECT_TRUE(o.snap->text().substr(helper->range.begin).starts_with("@decorator"));
  EXPECT_EQ(o.selected(*helper), "helper");
  EXPECT_EQ(helper->detail, "(a, b=2)");
}

TEST(Outline, JavaScript) {
  const Outline o = outlineOf("outline.js");
  EXPECT_EQ(names(o.symbols), (std::vector<std::string>{"VERSION", "counter", "legacy", "greet",
                                                        "Greeter", "add", "ids"}));
  EXPECT_SYMBOL(o, "VERSION", K::Constant);
  EXPECT_SYMBOL(o, "counter", K::Variable);
  EXPECT_SYMBOL(o, "legacy", K::Variable);
  EXPECT_SYMBOL(o, "greet", K::Function);
  EXPECT_TRUE(find(o.symbols, "greet")->children.empty());
  EXPECT_SYMBOL(o, "Greeter", K::Class);
  EXPECT_EQ(names(find(o.symbols, "Greeter")->children),
            (std::vector<std::string>{"count", "constructor", "greet", "create"}));
  EXPECT_SYMBOL(o, "Greeter/count", K::Property);
  EXPECT_SYMBOL(o, "Greeter/constructor", K::Constructor);
  EXPECT_SYMBOL(o, "Greeter/greet", K::Method);
  EXPECT_SYMBOL(o, "add", K::Function);  // arrow function assigned to const
  EXPECT_SYMBOL(o, "ids", K::Function);
  EXPECT_TRUE(
      o.snap->text().substr(find(o.symbols, "greet")->range.begin).starts_with("export function"));
}

TEST(Outline, TypeScript) {
  const Outline o = outlineOf("outline.ts");
  EXPECT_EQ(names(o.symbols), (std::vector<std::string>{"Shape", "Id", "Direction", "Base",
                                                        "square", "Util", "main"}));
  EXPECT_SYMBOL(o, "Shape", K::Interface);
  EXPECT_SYMBOL(o, "Shape/name", K::Property);
  EXPECT_SYMBOL(o, "Shape/area", K::Method);
  EXPECT_SYMBOL(o, "Id", K::TypeParameter);
  EXPECT_SYMBOL(o, "Direction", K::Enum);
  EXPECT_EQ(names(find(o.symbols, "Direction")->children),
            (std::vector<std::string>{"Up", "Down"}));
  EXPECT_SYMBOL(o, "Direction/Up", K::EnumMember);
  EXPECT_SYMBOL(o, "Direction/Down", K::EnumMember);
  EXPECT_SYMBOL(o, "Base", K::Class);
  EXPECT_EQ(names(find(o.symbols, "Base")->children),
            (std::vector<std::string>{"name", "id", "constructor", "area", "describe"}));
  EXPECT_SYMBOL(o, "Base/id", K::Property);
  EXPECT_SYMBOL(o, "Base/constructor", K::Constructor);
  EXPECT_SYMBOL(o, "Base/area", K::Method);
  EXPECT_SYMBOL(o, "Base/describe", K::Method);
  EXPECT_SYMBOL(o, "square", K::Function);
  EXPECT_SYMBOL(o, "Util", K::Namespace);
  EXPECT_SYMBOL(o, "Util/log", K::Function);
  EXPECT_SYMBOL(o, "main", K::Function);
  EXPECT_TRUE(find(o.symbols, "main")->children.empty()) << "`inner` is a local";
}

TEST(Outline, Tsx) {
  const Outline o = outlineOf("outline.tsx");
  EXPECT_EQ(names(o.symbols), (std::vector<std::string>{"Props", "Header", "App", "Counter"}));
  EXPECT_SYMBOL(o, "Props", K::Interface);
  EXPECT_SYMBOL(o, "Props/title", K::Property);
  EXPECT_SYMBOL(o, "Header", K::Function);
  EXPECT_SYMBOL(o, "App", K::Function);
  EXPECT_SYMBOL(o, "Counter", K::Class);
  EXPECT_SYMBOL(o, "Counter/render", K::Method);
}

TEST(Outline, Go) {
  const Outline o = outlineOf("outline.go");
  EXPECT_EQ(names(o.symbols),
            (std::vector<std::string>{"MaxSize", "verbose", "Server", "Handler", "ID", "NewServer",
                                      "(*Server).Start", "(Server).Port", "main"}));
  EXPECT_SYMBOL(o, "MaxSize", K::Constant);
  EXPECT_SYMBOL(o, "verbose", K::Variable);
  EXPECT_SYMBOL(o, "Server", K::Struct);
  EXPECT_SYMBOL(o, "Server/Name", K::Field);
  EXPECT_SYMBOL(o, "Server/port", K::Field);
  EXPECT_EQ(find(o.symbols, "Server/port")->detail, "int");
  EXPECT_SYMBOL(o, "Handler", K::Interface);
  EXPECT_SYMBOL(o, "Handler/Serve", K::Method);
  EXPECT_SYMBOL(o, "ID", K::Class);
  EXPECT_SYMBOL(o, "NewServer", K::Function);
  EXPECT_SYMBOL(o, "(*Server).Start", K::Method);
  EXPECT_EQ(o.selected(*find(o.symbols, "(*Server).Start")), "Start");
  EXPECT_SYMBOL(o, "main", K::Function);
  EXPECT_TRUE(find(o.symbols, "main")->children.empty());
}

TEST(Outline, Rust) {
  const Outline o = outlineOf("outline.rs");
  EXPECT_EQ(names(o.symbols),
            (std::vector<std::string>{"MAX", "GREETING", "Point", "Shape", "Area", "impl Point",
                                      "impl fmt::Display for Point", "util", "Pair", "main"}));
  EXPECT_SYMBOL(o, "MAX", K::Constant);
  EXPECT_SYMBOL(o, "Point", K::Struct);
  EXPECT_SYMBOL(o, "Point/x", K::Field);
  EXPECT_SYMBOL(o, "Shape", K::Enum);
  EXPECT_SYMBOL(o, "Shape/Circle", K::EnumMember);
  EXPECT_SYMBOL(o, "Shape/Square/side", K::Field);
  EXPECT_SYMBOL(o, "Area", K::Interface);
  EXPECT_SYMBOL(o, "Area/area", K::Method);
  EXPECT_SYMBOL(o, "impl Point", K::Namespace);
  EXPECT_SYMBOL(o, "impl Point/new", K::Method);
  EXPECT_SYMBOL(o, "impl fmt::Display for Point", K::Namespace);
  EXPECT_SYMBOL(o, "impl fmt::Display for Point/fmt", K::Method);
  EXPECT_EQ(o.selected(*find(o.symbols, "impl fmt::Display for Point")), "Point");
  EXPECT_SYMBOL(o, "util", K::Module);
  EXPECT_SYMBOL(o, "util/helper", K::Function);
  EXPECT_SYMBOL(o, "Pair", K::TypeParameter);
  EXPECT_SYMBOL(o, "main", K::Function);
}

TEST(Outline, Java) {
  const Outline o = outlineOf("outline.java");
  EXPECT_EQ(names(o.symbols), (std::vector<std::string>{"Library"}));
  EXPECT_SYMBOL(o, "Library", K::Class);
  EXPECT_EQ(
      names(o.symbols[0].children),
      (std::vector<std::string>{"books", "LIMIT", "Library", "add", "Listener", "State", "Entry"}));
  EXPECT_SYMBOL(o, "Library/books", K::Field);
  EXPECT_EQ(find(o.symbols, "Library/books")->detail, "List<String>");
  EXPECT_SYMBOL(o, "Library/Library", K::Constructor);
  EXPECT_SYMBOL(o, "Library/add", K::Method);
  EXPECT_EQ(find(o.symbols, "Library/add")->detail, "(String title)");
  EXPECT_SYMBOL(o, "Library/Listener", K::Interface);
  EXPECT_SYMBOL(o, "Library/Listener/onAdd", K::Method);
  EXPECT_SYMBOL(o, "Library/State", K::Enum);
  EXPECT_SYMBOL(o, "Library/State/OPEN", K::EnumMember);
  EXPECT_SYMBOL(o, "Library/Entry", K::Class);
}

TEST(Outline, Json) {
  const Outline o = outlineOf("outline.json");
  EXPECT_EQ(names(o.symbols),
            (std::vector<std::string>{"name", "version", "private", "license", "tags", "config"}));
  EXPECT_SYMBOL(o, "name", K::String);
  EXPECT_SYMBOL(o, "version", K::Number);
  EXPECT_SYMBOL(o, "private", K::Boolean);
  EXPECT_SYMBOL(o, "license", K::Null);
  EXPECT_SYMBOL(o, "tags", K::Array);
  EXPECT_SYMBOL(o, "config", K::Object);
  EXPECT_SYMBOL(o, "config/port", K::Number);
  EXPECT_SYMBOL(o, "config/nested/deep", K::String);
  EXPECT_EQ(o.selected(*find(o.symbols, "config")), "\"config\"");
}

TEST(Outline, Bash) {
  const Outline o = outlineOf("outline.sh");
  EXPECT_EQ(names(o.symbols), (std::vector<std::string>{"greet", "cleanup", "main"}));
  for (const OutlineSymbol& s : o.symbols) EXPECT_EQ(s.kind, K::Function);
}

TEST(Outline, DocumentWithoutTreeHasNoSymbols) {
  EXPECT_TRUE(documentOutline(*test::parse("notes.txt", "class A {}\n")).empty());
}

TEST(Outline, BrokenCodeStillGivesTheIntactSymbols) {
  const auto snap = test::parse(
      "x.py", "def ok():\n    pass\n\ndef broken(:\n\nclass C:\n    def m(self): pass\n");
  const auto symbols = documentOutline(*snap);
  expectWellFormed(symbols, snap->text(), nullptr);
  ASSERT_NE(find(symbols, "ok"), nullptr);
  EXPECT_NE(find(symbols, "C"), nullptr);
}

}  // namespace
}  // namespace sb
