"""`build_transfer_model`: a functional model = [augmentation] -> backbone -> pooling -> head.

Modes follow the notes' table: "feature_extraction" freezes the backbone and trains the head;
"fine_tune" also trains the backbone's top layers; "full" trains every layer. BatchNorm layers
stay frozen in every mode (see `course.transfer.freezing`), and the backbone is always called
with `training=False`.
"""

import keras

from course.transfer.backbones import BACKBONES, load_backbone
from course.transfer.freezing import freeze_batchnorm, layer_index, unfreeze
from course.validation import check_choice, check_number

MODES = ("feature_extraction", "fine_tune", "full")


def _resolve_backbone(backbone, input_shape, weights):
    if isinstance(backbone, keras.Model):
        if weights is not None:
            raise ValueError(
                "weights apply to a backbone given by name; load them into your model yourself"
            )
        return backbone
    if isinstance(backbone, str):
        check_choice("backbone", backbone, tuple(BACKBONES))
        return load_backbone(backbone, input_shape, weights)
    raise TypeError(
        "backbone must be a keras.applications name or a keras.Model, got "
        f"{type(backbone).__name__}"
    )


def _default_head(num_classes, dropout):
    units, activation = (1, "sigmoid") if num_classes == 1 else (num_classes, "softmax")
    layers = [keras.layers.Dropout(dropout)] if dropout else []
    return keras.Sequential(
        [*layers, keras.layers.Dense(units, activation=activation)], name="head"
    )


def build_transfer_model(
    backbone,
    num_classes,
    input_shape=(96, 96, 3),
    mode="feature_extraction",
    weights=None,
    head=None,
    augmentation=None,
    fine_tune_from=-20,
    dropout=0.2,
    name="transfer_model",
):
    """Build the transfer model (not compiled).

    backbone: a `keras.applications` name (see `BACKBONES`) or any `keras.Model` producing a
    feature map or vector. num_classes: 1 gives a sigmoid binary head, more a softmax head.
    weights: for a named backbone, None, "imagenet" or a local weights file. head: a layer
    mapping pooled features to outputs (default: dropout + dense). augmentation: a layer applied
    to the inputs (active only in training). fine_tune_from: first backbone layer trained in
    "fine_tune" mode (index or name).
    """
    check_number("num_classes", num_classes, 1, integer=True)
    check_choice("mode", mode, MODES)
    check_number("dropout", dropout, 0, 1, high_open=True)
    base = _resolve_backbone(backbone, input_shape, weights)
    start = layer_index(base, fine_tune_from, "fine_tune_from") if mode == "fine_tune" else 0
    shape = tuple(base.input_shape[1:]) if isinstance(backbone, keras.Model) else tuple(input_shape)
    inputs = keras.Input(shape)
    x = augmentation(inputs) if augmentation is not None else inputs
    features = base(x, training=False)
    if len(features.shape) == 4:
        features = keras.layers.GlobalAveragePooling2D(name="pool")(features)
    outputs = (head or _default_head(num_classes, dropout))(features)
    model = keras.Model(inputs, outputs, name=name)
    if mode == "feature_extraction":
        base.trainable = False
    else:
        unfreeze(model, from_layer=start, recompile=False)
    freeze_batchnorm(base)
    return model
