#ifndef SHAPES_H
#define SHAPES_H

/* Computes the perimeter of a square. */
int square_perimeter(int side);

#endif
