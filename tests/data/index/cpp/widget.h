#pragma once

#include <string>
#include <vector>

namespace ui {

/// Something that can be drawn on a canvas.
class Widget {
 public:
  explicit Widget(std::string name);
  virtual ~Widget() = default;

  /// Draws the widget; returns the number of pixels touched.
  virtual int draw(int width, int height) const;

  const std::string& name() const { return name_; }

 private:
  std::string name_;  // shown in the inspector
};

// Scales `value` by `factor`, clamped to [lo, hi].
template <typename T>
T clamp_scale(T value, double factor, T lo, T hi) {
  return std::min(hi, std::max(lo, static_cast<T>(value * factor)));
}

using WidgetList = std::vector<Widget*>;

namespace detail {
struct Point {
  int x, y;
};
}  // namespace detail

}  // namespace ui
