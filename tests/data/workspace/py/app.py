import geometry


def main():
    small = geometry.area_of_circle(2.0)
    large = geometry.area_of_circle(3.0)
    return small + large
