"""`compile_classifier`: the one compile call the course's small classifiers share;
`build_optimizer`, which the course's compile calls use so that the first training step creates no
optimizer variables."""

from course.validation import check_model, check_number


def compile_classifier(model, learning_rate=1e-3, from_logits=False, metrics=("accuracy",)):
    """Compile `model` with Adam(`learning_rate`) and sparse categorical cross-entropy; return it.

    from_logits: True when the model's last layer has no softmax (the loss applies it).
    """
    import keras

    check_number("learning_rate", learning_rate, 0, low_open=True)
    check_model("model", model)
    if isinstance(metrics, (str, bytes)) or not isinstance(metrics, (list, tuple)):
        raise TypeError(f"metrics must be a list or tuple of metrics, got {type(metrics).__name__}")
    model.compile(
        keras.optimizers.Adam(learning_rate),
        keras.losses.SparseCategoricalCrossentropy(from_logits=bool(from_logits)),
        metrics=list(metrics),
    )
    if model.built:
        build_optimizer(model.optimizer, model.trainable_variables)
    return model


def mlp_classifier(
    input_shape, num_classes, hidden=(64,), learning_rate=1e-3, metrics=("accuracy",)
):
    """A fresh `mlp` with ReLU `hidden` layers, compiled by `compile_classifier`.

    The member builders of ensembles and semi-supervised loops, as
    ``functools.partial(mlp_classifier, shape, classes, ...)``: one model kind, one builder.
    """
    from course.models.dense import mlp

    return compile_classifier(
        mlp(input_shape, num_classes, hidden=hidden), learning_rate, metrics=metrics
    )


def build_optimizer(optimizer, variables):
    """Create `optimizer`'s slot variables for `variables` now, eagerly.

    Keras' TensorFlow trainer otherwise creates them inside the first traced train step, where each
    variable costs tens of milliseconds to lift out of the graph: for the diffusion U-Net (71
    weights, 142 Adam slots) that doubled the first `fit` call. Call it under the distribution
    strategy's scope, as `compile` is.
    """
    optimizer.build(variables)
