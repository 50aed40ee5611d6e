"""`small_cnn`: the reference convolutional classifier, conv blocks then a dense head.

Small enough to train on the 8x8 digits or 32x32 shapes in seconds on a CPU, so augmentation
and robustness experiments can retrain it per variant.
"""

from collections.abc import Sequence

from course.validation import check_choice, check_number

POOLING = ("max", "average", None)


def small_cnn(
    input_shape,
    num_classes,
    filters=(32, 64),
    kernel_size=3,
    activation="relu",
    pooling="max",
    dropout=0.0,
    output_activation="softmax",
    name=None,
):
    """An uncompiled `keras.Sequential`: per entry of `filters` a same-padded Conv2D, pooled
    (2x2) between blocks, then Flatten, optional dropout and a Dense head.

    Args:
        input_shape: (height, width, channels).
        num_classes: units of the head.
        filters: channels of each conv block (at least one).
        kernel_size: side of the square kernels.
        activation: the conv blocks' activation (a Keras name or callable).
        pooling: "max", "average" or None (no downsampling) between blocks.
        dropout: rate of a `course.layers.Dropout` before the head (0: none).
        output_activation: the head's activation; None gives logits.
        name: the model's name.
    """
    import keras

    from course.layers import Dropout

    if not isinstance(input_shape, Sequence) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}")
    check_number("num_classes", num_classes, 1, integer=True)
    if not isinstance(filters, Sequence) or isinstance(filters, str) or not filters:
        raise TypeError(f"filters must be a non-empty sequence of channel counts, got {filters!r}")
    for channels in filters:
        check_number("filters", channels, 1, integer=True)
    check_number("kernel_size", kernel_size, 1, integer=True)
    check_choice("pooling", pooling, POOLING)
    check_number("dropout", dropout, 0, 1, high_open=True)
    pool = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}.get(pooling)
    layers = [keras.Input(tuple(input_shape))]
    for i, channels in enumerate(filters):
        if i and pool is not None:
            layers.append(pool())
        layers.append(
            keras.layers.Conv2D(channels, kernel_size, padding="same", activation=activation)
        )
    layers.append(keras.layers.Flatten())
    if dropout:
        layers.append(Dropout(dropout))
    layers.append(keras.layers.Dense(num_classes, activation=output_activation))
    return keras.Sequential(layers, name=name)
