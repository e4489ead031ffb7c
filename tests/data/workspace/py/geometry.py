"""Geometry helpers."""

PI = 3.14159


def area_of_circle(radius: float) -> float:
    """Area of a circle of the given radius."""
    return PI * radius * radius


class Shape:
    """A drawable shape."""

    def describe(self) -> str:
        return "shape"
