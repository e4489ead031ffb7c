#include <iostream>

#include "widget.h"

int main() {
  ui::Widget w("button");
  ui::WidgetList all{&w};
  std::cout << w.draw(10, 20) << "\n";
  return 0;
}
