#include <stdio.h>

#include "vec.h"

int main(void) {
  Vec v = {0};
  for (int i = 0; i < 10; ++i) vec_push(&v, i);
  printf("%ld\n", vec_sum(&v));
  return 0;
}
