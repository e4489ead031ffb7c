#ifndef VEC_H
#define VEC_H

#include <stddef.h>

/* Largest number of elements a vector may hold. */
#define VEC_MAX 4096

/* Picks the larger of two values. */
#define VEC_MAX_OF(a, b) ((a) > (b) ? (a) : (b))

/**
 * A growable array of ints.
 */
typedef struct {
  int *items;
  size_t len;
  size_t cap;
} Vec;

/** Kinds of growth policy. */
enum growth { GROW_DOUBLE, GROW_LINEAR };

/// Appends `value` to `v`, growing it when full.
/// Returns 0 on success, -1 when out of memory.
int vec_push(Vec *v, int value);

// Sum of all elements.
long vec_sum(const Vec *v);

#endif
