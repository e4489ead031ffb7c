namespace geo {

struct Point {
  double x, y;
};

double length(const Point& p) { return p.x + p.y; }

}  // namespace geo
