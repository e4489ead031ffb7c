#include "vec.h"

#include <stdlib.h>

static int grow(Vec *v) {
  size_t cap = v->cap ? v->cap * 2 : 8;
  int *items = realloc(v->items, cap * sizeof *items);
  if (!items) return -1;
  v->items = items;
  v->cap = cap;
  return 0;
}

int vec_push(Vec *v, int value) {
  if (v->len == v->cap && grow(v) != 0) return -1;
  v->items[v->len++] = value;
  return 0;
}

long vec_sum(const Vec *v) {
  long total = 0;
  for (size_t i = 0; i < v->len; ++i) total += v->items[i];
  return total;
}
