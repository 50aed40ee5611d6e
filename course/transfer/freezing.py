"""Freezing rules for fine-tuning, done right for Keras 3.

In Keras 3, calling a base with `training=False` does not keep its BatchNormalization layers
frozen once the base is made trainable: each BN layer needs `trainable = False` (a frozen BN
runs in inference mode, so its moving statistics stay put). Changing `trainable` only takes
effect after recompiling.
"""

import keras

from course.layers import BatchNorm
from course.validation import check_model, check_number

_BN_TYPES = (keras.layers.BatchNormalization, BatchNorm)


def freeze_batchnorm(model):
    """Set `trainable=False` on every batch-normalisation layer inside `model`; return the count."""
    check_model("model", model)
    count = 0
    for layer in all_layers(model):
        if isinstance(layer, _BN_TYPES):
            layer.trainable = False
            count += 1
    return count


def train_batchnorm(model):
    """Set `trainable=True` on every batch-normalisation layer inside `model`, keeping every other
    layer's flag (a frozen backbone stays frozen); return the count.

    A trainable BN layer normalises with batch statistics in `fit` and updates its moving
    statistics, gamma and beta: the way to give every arm of a comparison the same BN handling
    (a network trained from scratch has no source statistics to keep).
    """
    check_model("model", model)
    flags = {id(layer): layer.trainable for layer in all_layers(model)}
    model.trainable = True  # Keras propagates this to every sublayer; put their flags back
    count = 0
    for layer in all_layers(model):  # parents come before their sublayers
        holds_bn = any(isinstance(inner, _BN_TYPES) for inner in all_layers(layer))
        is_bn = isinstance(layer, _BN_TYPES)
        layer.trainable = flags[id(layer)] or is_bn or holds_bn  # a container must let BN train
        count += is_bn
    return count


def all_layers(model):
    """Every layer inside `model`, nested models included (public `.layers` only)."""
    for layer in getattr(model, "layers", []):
        yield layer
        yield from all_layers(layer)


def find_backbone(model):
    """The backbone inside a transfer model: its largest nested `keras.Model`.

    (An augmentation pipeline or the head may be nested models too, but they are far smaller.)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"model must be a keras.Model (a transfer model), got {type(model).__name__}"
        )
    nested = [
        layer for layer in model.layers if isinstance(layer, keras.Model) and layer.name != "head"
    ]
    if not nested:
        raise ValueError(f"model {model.name!r} has no nested backbone model")
    return max(nested, key=lambda layer: layer.count_params())


def layer_index(backbone, layer, argument="from_layer"):
    """The position of `layer` (an index, negative from the end, or a name) in `backbone`.

    `argument` is the caller's name for it, so an error names what the caller passed.
    """
    names = [item.name for item in backbone.layers]
    if isinstance(layer, str):
        if layer not in names:
            raise ValueError(f"{argument} {layer!r} is not a layer of {backbone.name}")
        return names.index(layer)
    check_number(argument, layer, -len(names), len(names) - 1, integer=True)
    return layer % len(names)


def unfreeze(model, from_layer=0, learning_rate=None, recompile=True):
    """Make the backbone trainable from `from_layer` (index or name) on, keep BN frozen, recompile.

    Layers before `from_layer` stay frozen. If the model was compiled, it is recompiled with
    the same loss and metrics and a fresh optimizer of the same kind (optionally with a new,
    usually smaller, `learning_rate`).
    """
    backbone = find_backbone(model)
    start = layer_index(backbone, from_layer)
    if learning_rate is not None:
        check_number("learning_rate", learning_rate, 0, low_open=True)
    backbone.trainable = True
    for i, layer in enumerate(backbone.layers):
        layer.trainable = i >= start
    freeze_batchnorm(backbone)
    if recompile and model.compiled:
        config = model.get_compile_config()  # serialized optimizer, loss and metrics
        if learning_rate is not None:
            config["optimizer"]["config"]["learning_rate"] = learning_rate
        model.compile_from_config(config)  # a fresh optimizer: its slots match the new trainables
    return model
