"""`mlp`: the reference multi-layer perceptron, Flatten -> [Dense -> norm -> activation ->
dropout] per hidden width -> Dense head.

Every MLP experiment of the course (remedies for overfitting, normalisation at small batch
sizes, XOR, one-vs-rest heads, ensembles, semi-supervised learning) is this builder with other
arguments, so a comparison changes exactly the argument it studies.
"""

from collections.abc import Sequence

from course.validation import check_choice, check_number

NORMS = ("batch", "layer", "group")


def norm_layer(kind, **options):
    """A `course.layers` normaliser by name: "batch", "layer" or "group"; `options` go to it."""
    from course.layers import BatchNorm, GroupNorm, LayerNorm

    check_choice("kind", kind, NORMS)
    return {"batch": BatchNorm, "layer": LayerNorm, "group": GroupNorm}[kind](**options)


def _shape(input_shape):
    shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
    for size in shape:
        check_number("input_shape", size, 1, integer=True)
    if not shape:
        raise ValueError("input_shape must have at least one dimension, got ()")
    return shape


def _widths(hidden):
    if not isinstance(hidden, Sequence) or isinstance(hidden, str):
        raise TypeError(f"hidden must be a sequence of layer widths, got {hidden!r}")
    return [check_number("hidden", width, 1, integer=True) for width in hidden]


def _activation(name, value):
    import keras

    if value is None:
        return None
    try:
        keras.activations.get(value)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"{name} must be None, a Keras activation name or a callable, got {value!r}"
        ) from err
    return value


def _initializers(kernel_initializer, n_dense):
    if isinstance(kernel_initializer, (list, tuple)):
        if len(kernel_initializer) != n_dense:
            raise ValueError(
                f"kernel_initializer as a sequence needs one initializer per Dense "
                f"layer ({n_dense}: the hidden layers, then the head), "
                f"got {len(kernel_initializer)}"
            )
        return list(kernel_initializer)
    return [kernel_initializer] * n_dense


def _norm_factory(norm):
    if norm is None or callable(norm):
        return norm
    check_choice("norm", norm, NORMS)
    return lambda: norm_layer(norm)


def mlp(
    input_shape,
    num_classes,
    hidden=(64,),
    activation="relu",
    output_activation="softmax",
    dropout=0.0,
    norm=None,
    use_bias=None,
    kernel_regularizer=None,
    kernel_initializer="glorot_uniform",
    preprocessing=(),
    name=None,
):
    """An uncompiled `keras.Sequential` MLP classifier (or regressor, with `num_classes` outputs).

    Without `norm` and `preprocessing` the model is Dense layers only (each with its activation),
    the form `course.nn.mlp.MLP.from_keras` reads and `keras_mlp` builds.

    Args:
        input_shape: int or shape tuple; inputs of rank > 1 are flattened first.
        num_classes: units of the head.
        hidden: one width per hidden layer (empty: a linear/logistic model).
        activation: hidden activation, a Keras name or callable; None keeps them linear.
        output_activation: the head's activation; None gives logits.
        dropout: rate of a `course.layers.Dropout` after each hidden activation (0: none).
        norm: None, "batch", "layer", "group" (`course.layers` defaults) or a zero-argument
            callable returning a layer, placed between each hidden Dense and its activation.
        use_bias: bias on the hidden Dense layers; None drops it before BatchNorm (norm="batch"),
            whose beta replaces it, and keeps it otherwise.
        kernel_regularizer: penalty on each hidden kernel (the head stays unpenalised).
        kernel_initializer: one initializer for every Dense layer, or a sequence with one per
            Dense layer (hidden layers first, then the head) for seeded, layer-wise control.
        preprocessing: layers applied right after the input (e.g. an adapted Normalization).
        name: the model's name.
    """
    import keras

    shape = _shape(input_shape)
    check_number("num_classes", num_classes, 1, integer=True)
    widths = _widths(hidden)
    _activation("activation", activation)
    _activation("output_activation", output_activation)
    check_number("dropout", dropout, 0, 1, high_open=True)
    make_norm = _norm_factory(norm)
    inits = _initializers(kernel_initializer, len(widths) + 1)
    bias = (norm != "batch") if use_bias is None else bool(use_bias)

    from course.layers import Dropout

    layers = [keras.Input(shape), *preprocessing]
    if len(shape) > 1:
        layers.append(keras.layers.Flatten())
    for width, init in zip(widths, inits):
        # Without a normaliser the activation sits inside Dense: a Sequential of Dense layers only.
        layers.append(
            keras.layers.Dense(
                width,
                activation=None if make_norm else activation,
                use_bias=bias,
                kernel_initializer=init,
                kernel_regularizer=kernel_regularizer,
            )
        )
        if make_norm is not None:
            layers.append(make_norm())
            if activation is not None:
                layers.append(keras.layers.Activation(activation))
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(
        keras.layers.Dense(num_classes, activation=output_activation, kernel_initializer=inits[-1])
    )
    return keras.Sequential(layers, name=name)


def keras_mlp(scratch):
    """An `mlp` holding copies of the weights of a from-scratch `course.nn.mlp.MLP`.

    It lives here, above `course.nn`, so the from-scratch primitives never import the models
    built from them; `MLP.from_keras` is the way back.
    """
    from course.nn.mlp import KERAS_NAMES, MLP

    if not isinstance(scratch, MLP):
        raise TypeError(f"scratch must be a course.nn.mlp.MLP, got {type(scratch).__name__}")
    for name in (scratch.activation, scratch.head):
        check_choice("activation", name, tuple(KERAS_NAMES))
    sizes = [scratch.params[0][0].shape[0]] + [k.shape[1] for k, _ in scratch.params]
    model = mlp(
        sizes[0],
        sizes[-1],
        hidden=sizes[1:-1],
        activation=KERAS_NAMES[scratch.activation],
        output_activation=KERAS_NAMES[scratch.head],
    )
    for layer, (kernel, bias) in zip(model.layers, scratch.params):
        layer.set_weights([kernel, bias])
    return model
