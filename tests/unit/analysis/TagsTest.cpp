#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "TestUtil.h"
#include "analysis/TagQuery.h"
#include "analysis/Tags.h"

namespace sb {
namespace {

using K = SymbolKind;

// A fixture under tests/data/index, parsed as its extension says.
struct Indexed {
  std::shared_ptr<const DocumentSnapshot> snap;
  FileTags tags;

  std::string_view text(ByteRange r) const { return snap->text().substr(r.begin, r.end - r.begin); }

  // The definition `name` in `container`; fails the test when missing.
  const Tag& def(std::string_view container, std::string_view name) const {
    for (const Tag& t : tags.definitions)
      if (t.container == container && t.name == name) return t;
    ADD_FAILURE() << "no definition " << container << " / " << name << " in " << snap->uri();
    static const Tag none{};
    return none;
  }
  bool hasDef(std::string_view name) const {
    return std::any_of(tags.definitions.begin(), tags.definitions.end(),
                       [&](const Tag& t) { return t.name == name; });
  }
  bool hasRef(std::string_view name, K kind, std::string_view container) const {
    return std::any_of(tags.references.begin(), tags.references.end(), [&](const Tag& t) {
      return t.name == name && t.kind == kind && t.container == container;
    });
  }
  bool hasRefNamed(std::string_view name) const {
    return std::any_of(tags.references.begin(), tags.references.end(),
                       [&](const Tag& t) { return t.name == name; });
  }
  std::vector<std::string> imports() const {
    std::vector<std::string> out;
    for (const Import& i : tags.imports) out.push_back(i.path);
    return out;
  }
};

std::string readIndexFixture(const std::string& rel) {
  std::ifstream in(std::string(SB_TEST_DATA_DIR) + "/index/" + rel, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Invariants every extraction keeps, checked on every fixture.
void expectWellFormed(const Indexed& f) {
  const auto size = static_cast<uint32_t>(f.snap->text().size());
  for (const Tag& t : f.tags.definitions) {
    SCOPED_TRACE(t.name);
    EXPECT_EQ(t.role, TagRole::Definition);
    EXPECT_FALSE(t.name.empty());
    EXPECT_LE(t.range.begin, t.nameRange.begin);
    EXPECT_LE(t.nameRange.end, t.range.end);
    EXPECT_LE(t.range.end, size);
    EXPECT_EQ(f.text(t.nameRange), t.name);
    EXPECT_LE(t.signature.size(), 200u);
    EXPECT_LE(t.doc.size(), 2000u);
  }
  for (size_t i = 0; i < f.tags.references.size(); ++i) {
    const Tag& r = f.tags.references[i];
    SCOPED_TRACE(r.name);
    EXPECT_EQ(r.role, TagRole::Reference);
    EXPECT_EQ(r.range, r.nameRange);
    EXPECT_EQ(f.text(r.nameRange), r.name);
    if (i > 0) {
      EXPECT_LT(f.tags.references[i - 1].range.begin, r.range.begin) << "sorted, one per range";
    }
    for (const Tag& d : f.tags.definitions)
      EXPECT_NE(d.nameRange, r.nameRange) << "a definition's own name";
  }
}

Indexed indexFixture(const std::string& rel) {
  Indexed f{test::parse(rel, readIndexFixture(rel)), {}};
  EXPECT_TRUE(f.snap->hasTree()) << rel;
  f.tags = extractTags(*f.snap);
  expectWellFormed(f);
  return f;
}

Indexed indexText(const std::string& path, std::string text) {
  Indexed f{test::parse(path, std::move(text)), {}};
  f.tags = extractTags(*f.snap);
  expectWellFormed(f);
  return f;
}

using Paths = std::vector<std::string>;

TEST(TagsTest, EveryLanguageQueryCompiles) {
  for (const Language* lang : allLanguages()) {
    SCOPED_TRACE(std::string(lang->name));
    bool has = false;
    EXPECT_NO_THROW(has = hasTagQuery(*lang));
    EXPECT_EQ(has, lang->name != "json");
  }
}

TEST(TagsTest, BadQueryReportsWhereAndWhy) {
  const Language& c = *languageForPath("x.c");
  try {
    tags::TagQuery q(c, "(comment) @comment\n(no_such_node) @name");
    FAIL() << "expected TagQueryError";
  } catch (const TagQueryError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("tags query for c"), std::string::npos) << what;
    EXPECT_NE(what.find("unknown node type"), std::string::npos) << what;
    EXPECT_NE(what.find("line 2, column 2"), std::string::npos) << what;
  }
  EXPECT_THROW(tags::TagQuery(c, "(comment) @definition.gadget"), TagQueryError);  // unknown kind
  EXPECT_THROW(tags::TagQuery(c, "((comment) @comment (#set! foo))"),
               TagQueryError);  // unsupported predicate
}

TEST(TagsTest, InheritedQueriesComeFirst) {
  const std::string tsx = tags::tagQuerySource("tsx");
  const size_t ecma = tsx.find("(function_declaration name:");
  const size_t ts = tsx.find("(interface_declaration");
  const size_t jsx = tsx.find("jsx_opening_element");
  ASSERT_NE(ecma, std::string::npos);
  ASSERT_NE(ts, std::string::npos);
  ASSERT_NE(jsx, std::string::npos);
  EXPECT_LT(ecma, ts);
  EXPECT_LT(ts, jsx);
  EXPECT_EQ(tags::tagQuerySource("json"), "");
}

TEST(TagsTest, NoTagsWithoutQueryOrTree) {
  EXPECT_TRUE(indexText("a.json", R"({"a": 1})").tags.definitions.empty());
  const Indexed unknown = indexText("notes.txt", "int main() {}");
  EXPECT_TRUE(unknown.tags.definitions.empty());
  EXPECT_TRUE(unknown.tags.references.empty());
}

TEST(TagsTest, C) {
  const Indexed h = indexFixture("c/vec.h");
  const Tag& max = h.def("", "VEC_MAX");
  EXPECT_EQ(max.kind, K::Constant);
  EXPECT_EQ(max.signature, "#define VEC_MAX 4096");
  EXPECT_EQ(max.doc, "Largest number of elements a vector may hold.");
  EXPECT_EQ(h.def("", "VEC_MAX_OF").kind, K::Function);
  const Tag& vec = h.def("", "Vec");
  EXPECT_EQ(vec.kind, K::Struct);
  EXPECT_EQ(vec.signature, "typedef struct { … } Vec");
  EXPECT_EQ(vec.doc, "A growable array of ints.");
  EXPECT_EQ(h.def("Vec", "items").kind, K::Field);
  EXPECT_EQ(h.def("", "growth").kind, K::Enum);
  EXPECT_EQ(h.def("growth", "GROW_DOUBLE").kind, K::EnumMember);
  const Tag& push = h.def("", "vec_push");
  EXPECT_EQ(push.kind, K::Function);
  EXPECT_EQ(push.signature, "int vec_push(Vec *v, int value)");
  EXPECT_EQ(push.doc,
            "Appends `value` to `v`, growing it when full.\nReturns 0 on success, -1 when out of "
            "memory.");
  EXPECT_EQ(h.def("", "vec_sum").doc, "Sum of all elements.");
  EXPECT_EQ(h.imports(), (Paths{"stddef.h"}));

  const Indexed c = indexFixture("c/vec.c");
  EXPECT_EQ(c.snap->language()->name, "c");
  const Tag& grow = c.def("", "grow");
  EXPECT_EQ(grow.kind, K::Function);
  EXPECT_EQ(grow.signature, "static int grow(Vec *v)");
  EXPECT_EQ(c.text(grow.range).substr(0, 10), "static int");
  EXPECT_FALSE(c.hasDef("total")) << "locals are not definitions";
  EXPECT_TRUE(c.hasRef("grow", K::Function, "vec_push"));
  EXPECT_TRUE(c.hasRef("realloc", K::Function, "grow"));
  EXPECT_EQ(c.imports(), (Paths{"vec.h", "stdlib.h"}));

  const Indexed m = indexFixture("c/main.c");
  EXPECT_TRUE(m.hasRef("vec_push", K::Function, "main")) << "a call into vec.c";
  EXPECT_TRUE(m.hasRef("vec_sum", K::Function, "main"));
  EXPECT_TRUE(m.hasRef("Vec", K::Class, "main"));
  EXPECT_EQ(m.imports(), (Paths{"stdio.h", "vec.h"}));
}

TEST(TagsTest, Cpp) {
  const Indexed h = indexFixture("cpp/widget.h");
  EXPECT_EQ(h.def("", "ui").kind, K::Namespace);
  const Tag& widget = h.def("ui", "Widget");
  EXPECT_EQ(widget.kind, K::Class);
  EXPECT_EQ(widget.signature, "class Widget");
  EXPECT_EQ(widget.doc, "Something that can be drawn on a canvas.");
  const Tag& ctor = h.def("ui::Widget", "Widget");
  EXPECT_EQ(ctor.kind, K::Constructor);
  EXPECT_EQ(ctor.signature, "explicit Widget(std::string name)");
  const Tag& draw = h.def("ui::Widget", "draw");
  EXPECT_EQ(draw.kind, K::Method);
  EXPECT_EQ(draw.signature, "virtual int draw(int width, int height) const");
  EXPECT_EQ(draw.doc, "Draws the widget; returns the number of pixels touched.");
  EXPECT_EQ(h.def("ui::Widget", "name").kind, K::Method);
  const Tag& field = h.def("ui::Widget", "name_");
  EXPECT_EQ(field.kind, K::Field);
  EXPECT_EQ(field.doc, "") << "a trailing comment documents nothing below it";
  const Tag& clamp = h.def("ui", "clamp_scale");
  EXPECT_EQ(clamp.kind, K::Function);
  EXPECT_EQ(clamp.signature,
            "template <typename T> T clamp_scale(T value, double factor, T lo, T hi)");
  EXPECT_EQ(h.text(clamp.range).substr(0, 8), "template")
      << "the template header is part of the range";
  EXPECT_EQ(clamp.doc, "Scales `value` by `factor`, clamped to [lo, hi].");
  const Tag& alias = h.def("ui", "WidgetList");
  EXPECT_EQ(alias.kind, K::TypeParameter);
  EXPECT_EQ(alias.signature, "using WidgetList = std::vector<Widget*>");
  EXPECT_EQ(h.def("ui::detail", "Point").kind, K::Struct);
  EXPECT_EQ(h.def("ui::detail::Point", "y").kind, K::Field);
  EXPECT_EQ(h.imports(), (Paths{"string", "vector"}));

  const Indexed cpp = indexFixture("cpp/widget.cpp");
  const Tag& outOfLine = cpp.def("ui::Widget", "draw");
  EXPECT_EQ(outOfLine.kind, K::Method);
  EXPECT_EQ(cpp.text(outOfLine.nameRange), "draw");
  EXPECT_EQ(outOfLine.signature, "int Widget::draw(int width, int height) const");
  const Tag& ctorDef = cpp.def("ui::Widget", "Widget");
  EXPECT_EQ(ctorDef.kind, K::Constructor);
  EXPECT_EQ(ctorDef.signature, "Widget::Widget(std::string name)") << "no member initializers";
  EXPECT_TRUE(cpp.hasRef("clamp_scale", K::Function, "ui::Widget::draw")) << "a call into widget.h";
  EXPECT_TRUE(cpp.hasRef("Point", K::Class, "ui::Widget::draw"));
  EXPECT_FALSE(cpp.hasDef("origin"));

  const Indexed main = indexFixture("cpp/main.cpp");
  EXPECT_TRUE(main.hasRef("draw", K::Function, "main"));
  EXPECT_TRUE(main.hasRef("WidgetList", K::Class, "main"));
  EXPECT_EQ(main.imports(), (Paths{"iostream", "widget.h"}));
}

TEST(TagsTest, Python) {
  const Indexed p = indexFixture("python/shop/pricing.py");
  const Tag& vat = p.def("", "VAT_RATE");
  EXPECT_EQ(vat.kind, K::Constant);
  EXPECT_EQ(vat.signature, "VAT_RATE = Decimal(\"0.20\")");
  EXPECT_EQ(vat.doc, "Value-added tax applied to every order.");
  EXPECT_EQ(p.def("", "default_currency").kind, K::Variable);
  const Tag& item = p.def("", "Item");
  EXPECT_EQ(item.kind, K::Class);
  EXPECT_EQ(item.signature, "class Item");
  EXPECT_EQ(item.doc, "A line in a basket.");
  EXPECT_EQ(p.text(item.range).substr(0, 10), "@dataclass") << "decorators are part of the range";
  EXPECT_EQ(p.def("Item", "price").kind, K::Field);
  const Tag& total = p.def("Item", "total");
  EXPECT_EQ(total.kind, K::Method);
  EXPECT_EQ(total.signature, "def total(self) -> Decimal");
  EXPECT_EQ(total.doc, "Price times quantity.");
  const Tag& withVat = p.def("", "with_vat");
  EXPECT_EQ(withVat.kind, K::Function);
  EXPECT_EQ(withVat.signature,
            "def with_vat(amount: Decimal, rate: Decimal = VAT_RATE) -> Decimal");
  EXPECT_EQ(withVat.doc, "Adds VAT to `amount`.\n\nThe rate defaults to VAT_RATE.");
  EXPECT_EQ(p.imports(), (Paths{"dataclasses", "decimal"}));

  const Indexed b = indexFixture("python/shop/basket.py");
  EXPECT_EQ(b.imports(), (Paths{"os.path", "typing", ".pricing", ".pricing"}));
  const Tag& maxLines = b.def("Basket", "MAX_LINES");
  EXPECT_EQ(maxLines.kind, K::Field);
  EXPECT_EQ(maxLines.doc, "Maximum number of lines in one basket.");
  EXPECT_EQ(b.def("Basket", "__init__").kind, K::Constructor);
  EXPECT_EQ(b.def("Basket", "add").signature, "def add(self, item: Item) -> None");
  EXPECT_EQ(b.def("Basket", "checkout").signature, "def checkout(self)");
  EXPECT_EQ(b.def("load", "parse").kind, K::Function)
      << "nested functions are named inside their function";
  EXPECT_FALSE(b.hasDef("subtotal"));
  EXPECT_TRUE(b.hasRef("with_vat", K::Function, "Basket.checkout")) << "a call into pricing.py";
  EXPECT_TRUE(b.hasRef("Item", K::Class, "Basket.add"));
  EXPECT_TRUE(b.hasRef("append", K::Function, "Basket.add"));
  EXPECT_FALSE(b.hasRefNamed("self"));
}

TEST(TagsTest, JavaScript) {
  const Indexed f = indexFixture("javascript/format.js");
  EXPECT_EQ(f.imports(), (Paths{"path"}));
  const Tag& decimals = f.def("", "DECIMALS");
  EXPECT_EQ(decimals.kind, K::Constant);
  EXPECT_EQ(decimals.signature, "const DECIMALS = 2");
  EXPECT_EQ(decimals.doc, "Number of decimals shown for money.");
  EXPECT_EQ(f.text(decimals.range).substr(0, 6), "export");
  EXPECT_EQ(f.def("", "cache").kind, K::Variable);
  EXPECT_EQ(f.def("", "path").doc, "") << "a blank line separates the file comment";
  const Tag& money = f.def("", "formatMoney");
  EXPECT_EQ(money.kind, K::Function);
  EXPECT_EQ(money.signature, "function formatMoney(amount, currency = \"EUR\")");
  EXPECT_EQ(money.doc, "Formats an amount of money.\n@param {number} amount");
  const Tag& arrow = f.def("", "reportPath");
  EXPECT_EQ(arrow.kind, K::Function);
  EXPECT_EQ(arrow.signature, "const reportPath = (name) =>");
  EXPECT_EQ(arrow.doc, "Joins report file names.");

  const Indexed r = indexFixture("javascript/report.jsx");
  EXPECT_EQ(r.imports(), (Paths{"react", "./format"}));
  const Tag& row = r.def("", "ReportRow");
  EXPECT_EQ(row.kind, K::Class);
  EXPECT_EQ(row.signature, "class ReportRow extends React.Component");
  EXPECT_EQ(row.doc, "Renders one report row.");
  EXPECT_EQ(r.def("ReportRow", "constructor").kind, K::Constructor);
  EXPECT_EQ(r.def("ReportRow", "render").kind, K::Method);
  const Tag& label = r.def("ReportRow", "label");
  EXPECT_EQ(label.kind, K::Field);
  EXPECT_EQ(label.doc, "The label shown in the first cell.");
  EXPECT_EQ(r.def("", "Cell").signature, "function Cell({ value })");
  EXPECT_TRUE(r.hasRef("formatMoney", K::Function, "ReportRow.render")) << "a call into format.js";
  EXPECT_TRUE(r.hasRef("Cell", K::Class, "ReportRow.render")) << "a JSX component";
  EXPECT_FALSE(r.hasRef("div", K::Class, "ReportRow.render")) << "HTML tags are not components";
  EXPECT_TRUE(r.hasRef("Component", K::Class, "ReportRow"));
}

TEST(TagsTest, TypeScript) {
  const Indexed m = indexFixture("typescript/models.ts");
  const Tag& user = m.def("", "User");
  EXPECT_EQ(user.kind, K::Interface);
  EXPECT_EQ(user.signature, "interface User");
  EXPECT_EQ(user.doc, "A registered user.");
  EXPECT_EQ(m.def("User", "id").kind, K::Field);
  const Tag& display = m.def("User", "displayName");
  EXPECT_EQ(display.kind, K::Method);
  EXPECT_EQ(display.doc, "Display name, or the name when unset.");
  EXPECT_EQ(m.def("", "Role").kind, K::Enum);
  EXPECT_EQ(m.def("Role", "Admin").kind, K::EnumMember);
  EXPECT_EQ(m.def("Role", "Member").kind, K::EnumMember);
  const Tag& alias = m.def("", "UserId");
  EXPECT_EQ(alias.kind, K::TypeParameter);
  EXPECT_EQ(alias.signature, "type UserId = User[\"id\"]");
  EXPECT_EQ(m.def("", "PAGE_SIZE").kind, K::Constant);
  const Tag& repo = m.def("", "Repository");
  EXPECT_EQ(repo.kind, K::Class);
  EXPECT_EQ(repo.signature, "abstract class Repository<T>");
  EXPECT_EQ(m.def("Repository", "find").kind, K::Method);

  const Indexed s = indexFixture("typescript/service.ts");
  EXPECT_EQ(s.imports(), (Paths{"./models", "fs"}));
  EXPECT_EQ(s.def("", "Audit").kind, K::Namespace);
  const Tag& log = s.def("Audit", "log");
  EXPECT_EQ(log.kind, K::Function);
  EXPECT_EQ(log.signature, "function log(message: string): void");
  const Tag& svc = s.def("", "UserService");
  EXPECT_EQ(svc.signature, "class UserService implements Repository<User>");
  EXPECT_EQ(svc.doc, "Looks users up and caches them.");
  EXPECT_EQ(s.def("UserService", "cache").kind, K::Field);
  EXPECT_EQ(s.def("UserService", "constructor").kind, K::Constructor);
  const Tag& find = s.def("UserService", "find");
  EXPECT_EQ(find.signature, "async find(id: number): Promise<User | undefined>");
  EXPECT_EQ(find.doc, "Finds a user by id.");
  EXPECT_TRUE(s.hasRef("Repository", K::Interface, "UserService"))
      << "implements a class of models.ts";
  EXPECT_TRUE(s.hasRef("User", K::Class, "UserService.isAdmin"));
  EXPECT_TRUE(s.hasRef("log", K::Function, "UserService.find"));
}

TEST(TagsTest, Tsx) {
  const Indexed b = indexFixture("tsx/Button.tsx");
  EXPECT_EQ(b.def("", "ButtonProps").kind, K::Interface);
  const Tag& button = b.def("", "Button");
  EXPECT_EQ(button.kind, K::Function);
  EXPECT_EQ(button.signature, "const Button = ({ label, onClick }: ButtonProps) =>");
  EXPECT_EQ(button.doc, "A clickable button.");

  const Indexed a = indexFixture("tsx/App.tsx");
  EXPECT_EQ(a.imports(), (Paths{"react", "./Button"}));
  const Tag& app = a.def("", "App");
  EXPECT_EQ(app.signature, "function App(): JSX.Element");
  EXPECT_EQ(app.doc, "The root component.");
  EXPECT_TRUE(a.hasRef("Button", K::Class, "App")) << "a component of Button.tsx";
  EXPECT_TRUE(a.hasRef("useState", K::Function, "App"));
  EXPECT_FALSE(a.hasDef("count"));
}

TEST(TagsTest, Go) {
  const Indexed s = indexFixture("go/server.go");
  const Tag& pkg = s.def("", "httpd");
  EXPECT_EQ(pkg.kind, K::Package);
  EXPECT_EQ(pkg.doc, "Package httpd serves the shop's HTTP API.");
  const Tag& addr = s.def("", "DefaultAddr");
  EXPECT_EQ(addr.kind, K::Constant);
  EXPECT_EQ(addr.signature, "const DefaultAddr = \":8080\"");
  EXPECT_EQ(addr.doc, "DefaultAddr is where the server listens unless told otherwise.");
  EXPECT_EQ(s.def("", "requests").kind, K::Variable);
  const Tag& server = s.def("", "Server");
  EXPECT_EQ(server.kind, K::Struct);
  EXPECT_EQ(server.signature, "type Server struct");
  EXPECT_EQ(server.doc, "Server wraps an http.Server with graceful shutdown.");
  EXPECT_EQ(s.def("Server", "Addr").doc, "Addr is the listen address.");
  EXPECT_EQ(s.def("Server", "srv").kind, K::Field);
  EXPECT_EQ(s.def("", "Handler").kind, K::Interface);
  EXPECT_EQ(s.def("Handler", "Serve").kind, K::Method);
  const Tag& start = s.def("Server", "Start");
  EXPECT_EQ(start.kind, K::Method);
  EXPECT_EQ(start.signature, "func (s *Server) Start(ctx context.Context) error");
  EXPECT_EQ(start.doc, "Start listens until ctx is done.");
  EXPECT_EQ(s.def("", "NewServer").signature, "func NewServer(addr string) *Server");
  EXPECT_EQ(s.imports(), (Paths{"context", "fmt", "net/http"}));
  EXPECT_TRUE(s.hasRef("routes", K::Function, "Server.Start")) << "a call into routes.go";

  const Indexed r = indexFixture("go/routes.go");
  const Tag& route = r.def("", "route");
  EXPECT_EQ(route.signature, "route string") << "a grouped spec has no `type` keyword of its own";
  EXPECT_EQ(r.def("", "routes").doc, "routes builds the request multiplexer.");
  EXPECT_TRUE(r.hasRef("NewServer", K::Function, "main")) << "a call into server.go";
  EXPECT_TRUE(r.hasRef("requests", K::Variable, "health"));
  EXPECT_FALSE(r.hasDef("mux"));
}

TEST(TagsTest, Rust) {
  const Indexed l = indexFixture("rust/src/lib.rs");
  EXPECT_EQ(l.imports(), (Paths{"std::collections::HashMap", "std::fmt", "std::fmt::Display"}));
  EXPECT_EQ(l.def("", "shapes").kind, K::Module);
  EXPECT_EQ(l.def("", "MAX_COORD").kind, K::Constant);
  const Tag& point = l.def("", "Point");
  EXPECT_EQ(point.kind, K::Struct);
  EXPECT_EQ(point.signature, "pub struct Point");
  EXPECT_EQ(point.doc, "A point in the plane.") << "the doc comment sits above #[derive]";
  EXPECT_EQ(l.def("Point", "x").kind, K::Field);
  const Tag& distance = l.def("Point", "distance");
  EXPECT_EQ(distance.kind, K::Method);
  EXPECT_EQ(distance.signature, "pub fn distance(&self, other: &Point) -> f64");
  EXPECT_EQ(distance.doc, "Distance to another point.");
  EXPECT_EQ(l.def("Point", "fmt").kind, K::Method) << "impl Display for Point";
  EXPECT_EQ(l.def("", "quadrants").kind, K::Function);
  const Tag& macro = l.def("", "square");
  EXPECT_EQ(macro.kind, K::Function);
  EXPECT_EQ(macro.signature, "macro_rules! square");
  EXPECT_TRUE(l.hasRef("Display", K::Interface, "Point"));
  EXPECT_TRUE(l.hasRef("quadrant", K::Function, "quadrants")) << "a call into shapes.rs";
  EXPECT_TRUE(l.hasRef("write", K::Function, "Point::fmt"));

  const Indexed s = indexFixture("rust/src/shapes.rs");
  EXPECT_EQ(s.imports(), (Paths{"crate::Point"}));
  EXPECT_EQ(s.def("", "Shape").kind, K::Interface);
  const Tag& area = s.def("Shape", "area");
  EXPECT_EQ(area.kind, K::Method);
  EXPECT_EQ(area.doc, "The area in square units.");
  EXPECT_EQ(s.def("Circle", "area").kind, K::Method);
  EXPECT_EQ(s.def("", "Quadrant").kind, K::Enum);
  EXPECT_EQ(s.def("Quadrant", "Other").kind, K::EnumMember);
  EXPECT_EQ(s.def("", "quadrant").doc, "The quadrant of `p`, numbered 1 to 4.");
  EXPECT_TRUE(s.hasRef("distance", K::Function, "quadrant")) << "a method of lib.rs";
  EXPECT_FALSE(s.hasDef("origin"));
}

TEST(TagsTest, Java) {
  const Indexed o = indexFixture("java/com/example/shop/Order.java");
  EXPECT_EQ(o.def("", "com.example.shop").kind, K::Package);
  EXPECT_EQ(o.imports(), (Paths{"java.util.ArrayList", "java.util.List", "java.util.Objects.*"}));
  const Tag& order = o.def("", "Order");
  EXPECT_EQ(order.kind, K::Class);
  EXPECT_EQ(order.signature, "public class Order implements Comparable<Order>");
  EXPECT_EQ(order.doc, "An order placed by a customer.");
  const Tag& free = o.def("Order", "FREE_SHIPPING");
  EXPECT_EQ(free.kind, K::Field);
  EXPECT_EQ(free.doc, "Orders above this total ship for free.");
  const Tag& line = o.def("Order", "Line");
  EXPECT_EQ(line.kind, K::Class);
  EXPECT_EQ(line.signature, "public record Line(String product, int quantity)");
  EXPECT_EQ(o.def("Order", "Status").kind, K::Enum);
  EXPECT_EQ(o.def("Order.Status", "PAID").kind, K::EnumMember);
  EXPECT_EQ(o.def("Order", "Order").kind, K::Constructor);
  EXPECT_EQ(o.def("Order", "add").doc, "Adds a line to the order.");
  const Tag& count = o.def("Order", "itemCount");
  EXPECT_EQ(count.signature, "public int itemCount()");
  EXPECT_EQ(count.doc, "Total number of items.\n\n@return the sum of all quantities");
  EXPECT_EQ(o.def("Order", "compareTo").signature, "@Override public int compareTo(Order other)");
  EXPECT_TRUE(o.hasRef("Comparable", K::Interface, "Order"));
  EXPECT_TRUE(o.hasRef("Line", K::Class, "Order.add"));
  EXPECT_FALSE(o.hasRefNamed("util")) << "import paths hold no references";

  const Indexed c = indexFixture("java/com/example/shop/Checkout.java");
  EXPECT_EQ(c.def("", "Checkout").kind, K::Interface);
  EXPECT_EQ(c.def("Checkout", "MAX_RETRIES").kind, K::Constant);
  const Tag& pay = c.def("Checkout", "pay");
  EXPECT_EQ(pay.signature, "boolean pay(Order order)");
  EXPECT_EQ(pay.doc, "Charges the customer for `order`.");
  EXPECT_TRUE(c.hasRef("add", K::Function, "Checkout.sample")) << "a call into Order.java";
  EXPECT_TRUE(c.hasRef("Order", K::Class, "Checkout.sample"));
}

TEST(TagsTest, BashFunctionsOnly) {
  const Indexed b =
      indexText("run.sh", "# Prints a greeting.\ngreet() {\n  echo \"hi $1\"\n}\ngreet world\n");
  ASSERT_EQ(b.tags.definitions.size(), 1u);
  EXPECT_EQ(b.def("", "greet").kind, K::Function);
  EXPECT_EQ(b.def("", "greet").doc, "Prints a greeting.");
  EXPECT_TRUE(b.tags.references.empty());
}

TEST(TagsTest, DocCommentsMustTouchTheDefinition) {
  const Indexed f = indexText("d.c",
                              "int a; // about a\n"
                              "int f(void);\n"
                              "\n"
                              "// detached by a blank line\n"
                              "\n"
                              "int g(void);\n"
                              "/* one */\n"
                              "// two\n"
                              "int h(void);\n");
  EXPECT_EQ(f.def("", "f").doc, "");
  EXPECT_EQ(f.def("", "g").doc, "");
  EXPECT_EQ(f.def("", "h").doc, "one\ntwo");
}

TEST(TagsTest, RustInnerDocsDocumentTheModuleNotTheNextItem) {
  const Indexed f = indexText("lib.rs", "//! Crate docs.\nfn first() {}\n");
  EXPECT_EQ(f.def("", "first").doc, "");
}

TEST(TagsTest, SignatureAndDocAreCapped) {
  std::string params;
  for (int i = 0; i < 40; ++i) params += (i ? ", int p" : "int p") + std::to_string(i);
  std::string comment;
  for (int i = 0; i < 100; ++i)
    comment += "// a long line of documentation text, line " + std::to_string(i) + "\n";
  const Indexed f = indexText("cap.c", comment + "int wide(" + params + ") { return 0; }\n");
  const Tag& wide = f.def("", "wide");
  EXPECT_LE(wide.signature.size(), 200u);
  EXPECT_TRUE(wide.signature.starts_with("int wide(int p0, int p1"));
  EXPECT_TRUE(wide.signature.ends_with("…"));
  EXPECT_LE(wide.doc.size(), 2000u);
  EXPECT_TRUE(wide.doc.starts_with("a long line of documentation text, line 0\n"));
}

TEST(TagsTest, ConcurrentExtractionAgrees) {
  const auto snap = test::parse("widget.h", readIndexFixture("cpp/widget.h"));
  const FileTags expected = extractTags(*snap);
  std::vector<size_t> counts(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < counts.size(); ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 20; ++k) {
        const FileTags t = extractTags(*snap);
        counts[i] += t.definitions.size() == expected.definitions.size() &&
                     t.references.size() == expected.references.size();
      }
    });
  for (std::thread& t : threads) t.join();
  for (size_t c : counts) EXPECT_EQ(c, 20u);
}

}  // namespace
}  // namespace sb
