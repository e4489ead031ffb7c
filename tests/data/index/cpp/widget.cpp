#include "widget.h"

#include <utility>

namespace ui {

Widget::Widget(std::string name) : name_(std::move(name)) {}

int Widget::draw(int width, int height) const {
  detail::Point origin{0, 0};
  return clamp_scale(width * height, 1.0, 0, 1 << 20) + origin.x;
}

}  // namespace ui
