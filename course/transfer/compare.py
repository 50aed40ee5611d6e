"""The notes' transfer strategies measured side by side, and the Keras 3 BatchNorm pitfall shown.

`compare_strategies` trains each strategy (from scratch, frozen backbone + head, fine-tuning
the top block, fine-tuning everything, features + SVM) on the same few labelled examples of a
task and scores it on the task's test set. `bn_drift` shows that `base(x, training=False)`
alone does not keep BatchNorm's moving statistics fixed once the base is trainable.
"""

import numpy as np

from course.validation import check_number

STRATEGIES = (
    "from scratch",
    "freeze + train head",
    "fine-tune top block",
    "fine-tune everything",
    "features + SVM",
)


def compare_strategies(
    task,
    n_labelled,
    epochs,
    backbone=None,
    fine_tune_from="conv3",
    seed=0,
    strategies=STRATEGIES,
    return_histories=False,
):
    """Test accuracy of each of `strategies` (default all `STRATEGIES`) trained on the first
    `n_labelled` training examples.

    task: a `course.data.Split`. backbone: a zero-argument callable returning a fresh pretrained
    backbone (default `pretrained_digits_backbone`); "from scratch" clones its architecture with
    new weights, and its BatchNorm layers train as in any new network (the pretrained strategies
    keep theirs frozen: there are source statistics to protect). The head trains at 1e-2 when
    the backbone is frozen and at 1e-3 otherwise. With `return_histories`, also return each
    Keras strategy's per-epoch logs (loss and accuracy on the labelled examples and on the
    task's validation split) as a second dict, for learning curves.
    """
    import keras

    from course.models import compile_classifier
    from course.transfer.backbones import pretrained_digits_backbone
    from course.transfer.builder import build_transfer_model
    from course.transfer.features import extract_features, fit_feature_classifier

    check_number("n_labelled", n_labelled, 1, len(task.x_train), integer=True)
    check_number("epochs", epochs, 1, integer=True)
    unknown = [name for name in strategies if name not in STRATEGIES]
    if unknown:
        raise ValueError(f"unknown strategies {unknown}; valid names: {', '.join(STRATEGIES)}")
    backbone = backbone or pretrained_digits_backbone
    x, y = task.x_train[:n_labelled], task.y_train[:n_labelled]
    runs = [
        ("from scratch", lambda: keras.models.clone_model(backbone()), "full"),
        ("freeze + train head", backbone, "feature_extraction"),
        ("fine-tune top block", backbone, "fine_tune"),
        ("fine-tune everything", backbone, "full"),
    ]
    scores, histories = {}, {}
    for label, make_base, mode in runs:
        if label not in strategies:
            continue
        keras.utils.set_random_seed(seed)
        base = make_base()
        model = build_transfer_model(
            base, task.num_classes, mode=mode, fine_tune_from=fine_tune_from
        )
        if label == "from scratch":
            _train_batchnorm(model)
        compile_classifier(model, 1e-2 if mode == "feature_extraction" else 1e-3)
        histories[label] = model.fit(
            x, y, epochs=epochs, batch_size=32, verbose=0, validation_data=(task.x_val, task.y_val)
        ).history
        scores[label] = float(
            model.evaluate(task.x_test, task.y_test, verbose=0, return_dict=True)["accuracy"]
        )
    if "features + SVM" in strategies:
        base = backbone()
        svm = fit_feature_classifier(extract_features(base, x), y, kind="svm", seed=seed)
        scores["features + SVM"] = float(
            svm.score(extract_features(base, task.x_test), task.y_test)
        )
    return (scores, histories) if return_histories else scores


def _train_batchnorm(model):
    """Let every BatchNorm layer of a new network learn (`build_transfer_model` freezes them all).

    Frozen at their initial statistics (mean 0, variance 1) they would not normalise at all.
    """
    from course.transfer.freezing import _BN_TYPES, all_layers

    for layer in all_layers(model):
        if isinstance(layer, _BN_TYPES):
            layer.trainable = True


def bn_drift(x, y, freeze_bn, layer="bn1", backbone=None, learning_rate=1e-4):
    """Largest change of `layer`'s moving mean after one epoch of training a trainable backbone.

    The backbone is always called with ``training=False``; with `freeze_bn` its BatchNorm
    layers are also set ``trainable=False`` (`course.transfer.freeze_batchnorm`). In Keras 3
    only the latter keeps the statistics fixed. `y` holds integer labels.
    """
    import keras

    from course.models import compile_classifier
    from course.transfer.backbones import pretrained_digits_backbone
    from course.transfer.freezing import freeze_batchnorm

    backbone = backbone or pretrained_digits_backbone
    base = backbone()
    reference = np.array(base.get_layer(layer).moving_mean)
    inputs = keras.Input(base.input_shape[1:])
    features = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
    model = keras.Model(
        inputs, keras.layers.Dense(int(np.max(y)) + 1, activation="softmax")(features)
    )
    base.trainable = True
    if freeze_bn:
        freeze_batchnorm(base)
    compile_classifier(model, learning_rate).fit(x, y, epochs=1, batch_size=32, verbose=0)
    return float(np.abs(np.array(base.get_layer(layer).moving_mean) - reference).max())
