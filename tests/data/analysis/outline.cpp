#include <string>
#include <vector>

namespace geo {

class Shape {
 public:
  Shape(int sides);
  virtual ~Shape();
  virtual double area() const = 0;
  int sides() const { return sides_; }

 private:
  int sides_;
};

struct Point {
  double x, y;
};

enum class Kind { Circle, Square };

template <typename T>
T clamp(T v, T lo, T hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

namespace detail {
int helper(int x);
}  // namespace detail

}  // namespace geo

geo::Shape::Shape(int sides) : sides_(sides) {}

double geo::Shape::area() const { return 0.0; }

namespace {
int hidden() { return 1; }
}

int main() {
  geo::Point p{1, 2};
  return static_cast<int>(p.x);
}
