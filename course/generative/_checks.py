"""The argument check only the generative models need: image shapes their networks can halve.

It raises `ValueError`/`TypeError` naming the argument and the accepted values, before the
model changes any state. Seeds and class labels are checked by `course.validation` like the
rest of the library; `class_indices` only converts the checked labels.
"""

from keras import ops

from course.validation import check_labels, check_number


def check_image_shape(name, shape, multiple=1):
    """`shape` as a tuple (height, width, channels) of positive ints, height and width divisible
    by `multiple` (the networks halve the resolution that many times)."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(
            f"{name} must be a (height, width, channels) tuple, got {shape!r}"
        ) from None
    if len(dims) != 3:
        raise ValueError(f"{name} must be (height, width, channels), got {shape!r}")
    dims = tuple(int(check_number(f"{name}[{i}]", d, 1, integer=True)) for i, d in enumerate(dims))
    if dims[0] % multiple or dims[1] % multiple:
        raise ValueError(f"{name} {dims!r}: height and width must be divisible by {multiple}")
    return dims


def class_indices(name, labels, num_classes):
    """`course.validation.check_labels` as the flat int32 tensor the generative networks take
    (embedding rows, one-hot columns); the range check runs when a traced step runs."""
    return ops.reshape(ops.cast(check_labels(name, labels, num_classes), "int32"), (-1,))
