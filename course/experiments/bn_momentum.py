"""BatchNorm's momentum pitfall: moving statistics that lag behind the batches they summarise.

At inference BatchNorm uses moving averages updated by ``m * old + (1 - m) * batch``. With
inputs far from the initial statistics (mean 0, variance 1) and few updates, momentum 0.99 has
barely moved them: training-mode accuracy (batch statistics) is fine while inference accuracy
(moving statistics) is poor. A smaller momentum lets the averages keep up and shrinks the gap.
"""

import numpy as np

from course.validation import check_number


def bn_momentum_gap(
    split, momentum, steps=10, batch_size=32, scale=16.0, seed=0, hidden=(128, 128)
):
    """(training-mode accuracy, inference accuracy) on `split`'s validation set after `steps`
    updates of a BatchNorm MLP (`course.models.mlp`) trained on raw-scale inputs: one pass
    over the first `steps * batch_size` training examples.

    Inputs are multiplied by `scale` (the digits' raw 0-16 range) so the batch statistics are
    far from BatchNorm's initial moving mean 0 and variance 1.
    """
    import keras

    from course.layers import BatchNorm
    from course.models import compile_classifier, mlp

    check_number("momentum", momentum, 0, 1, high_open=True)
    check_number("batch_size", batch_size, 1, integer=True)
    check_number("steps", steps, 1, len(split.x_train) // batch_size, integer=True)
    check_number("scale", scale, 0, low_open=True)
    n_train = steps * batch_size
    x_train, y_train = split.x_train[:n_train] * scale, split.y_train[:n_train]
    x_val = split.x_val * scale
    keras.utils.set_random_seed(seed)
    model = compile_classifier(
        mlp(
            split.input_shape,
            split.num_classes,
            hidden=hidden,
            norm=lambda: BatchNorm(momentum=momentum),
            use_bias=False,
        )
    )
    model.fit(x_train, y_train, epochs=1, batch_size=batch_size, verbose=0)
    inference = float(np.mean(model.predict(x_val, verbose=0).argmax(1) == split.y_val))
    training_mode = float(np.mean(np.asarray(model(x_val, training=True)).argmax(1) == split.y_val))
    return training_mode, inference
