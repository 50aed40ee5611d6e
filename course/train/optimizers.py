"""The trainer's optimizer: checked, created from a name, moved into the strategy, loss-scaled.

`check_optimizer` runs before the trainer changes anything; `make_optimizer` then builds it.
"""

import keras

from course import keras_compat
from course.train import precision
from course.validation import check_learning_rate


def check_optimizer(optimizer):
    """Raise unless `optimizer` is None, a Keras optimizer name or a
    `keras.optimizers.Optimizer`."""
    if optimizer is None or isinstance(optimizer, keras.optimizers.Optimizer):
        return
    if not isinstance(optimizer, str):
        raise TypeError(
            f"optimizer must be None, a name such as 'adam' or a keras.optimizers.Optimizer, "
            f"got {optimizer!r} ({type(optimizer).__name__})"
        )
    try:
        keras.optimizers.get(optimizer)
    except ValueError as error:
        raise ValueError(
            f"optimizer must be the name of a Keras optimizer such as 'adam', 'sgd' or "
            f"'rmsprop', got {optimizer!r}"
        ) from error


def make_optimizer(optimizer, learning_rate, strategy, mixed_precision):
    """The optimizer to train with: `optimizer` (default Adam) at `learning_rate` if given,
    re-created inside `strategy` if it was made outside it, wrapped for loss scaling."""
    if optimizer is None or isinstance(optimizer, str):
        config = {} if learning_rate is None else {"learning_rate": learning_rate}
        optimizer = keras.optimizers.get({"class_name": optimizer or "adam", "config": config})
    elif keras_compat.optimizer_strategy(optimizer) is not strategy:
        if optimizer.built:
            raise ValueError(
                "optimizer was built outside the strategy scope; create it inside "
                "`with strategy.scope():` or pass an unused optimizer"
            )
        optimizer = type(optimizer).from_config(optimizer.get_config())
        if learning_rate is not None:
            optimizer.learning_rate = learning_rate
    elif learning_rate is not None:
        optimizer.learning_rate = learning_rate
    check_optimizer_rate(optimizer)
    return precision.wrap_optimizer(optimizer) if mixed_precision else optimizer


def check_optimizer_rate(optimizer):
    """Raise ValueError naming ``optimizer.learning_rate`` unless `optimizer`'s fixed rate is
    > 0 (a schedule passes): `course.validation.check_learning_rate` on the rate it holds."""
    optimizer = getattr(
        optimizer, "inner_optimizer", optimizer
    )  # a LossScaleOptimizer's own rate is unused
    rate = keras_compat.learning_rate_object(optimizer)
    if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule) or rate is None:
        return
    check_learning_rate(
        float(keras.ops.convert_to_numpy(rate)), positive=True, name="optimizer.learning_rate"
    )
