#include <stdio.h>

#include "shapes.h"

int main(void) {
  printf("%d\n", square_perimeter(3));
  return 0;
}
