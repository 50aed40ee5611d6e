"""Normalise an `image_size` argument (an int or a (height, width) pair) with one error style."""

from course.validation import check_number


def size_pair(image_size):
    """(height, width) from an int or a pair of positive ints, or raise naming `image_size`."""
    pair = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    if len(pair) != 2:
        raise ValueError(f"image_size must be an int or (height, width), got {image_size!r}")
    for value in pair:
        check_number("image_size", value, 1, integer=True)
    return pair
