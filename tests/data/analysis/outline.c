#include <stdio.h>
#include <stdlib.h>

#define MAX_ITEMS 16

struct point {
  int x;
  int y;
};

typedef struct {
  double re;
  double im;
} complex_t;

union value {
  int i;
  float f;
};

enum color { RED, GREEN = 2, BLUE };

static int counter = 0;

int add(int a, int b);

static int add(int a, int b) {
  int local = a + b;
  return local;
}

int *make_buffer(size_t n) {
  return malloc(n * sizeof(int));
}
