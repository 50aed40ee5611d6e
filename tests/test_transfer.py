"""Transfer builders: trainable flags per mode, BN statistics frozen, strategy table, bad input."""

import json
import warnings

import keras
import numpy as np
import pytest

from course.data import digits_rgb
from course.transfer import (
    STRATEGIES,
    TWO_PHASE,
    bn_drift,
    build_transfer_model,
    compare_strategies,
    extract_features,
    find_backbone,
    fit_feature_classifier,
    load_backbone,
    pretrained_digits_backbone,
    recommend_strategy,
    train_batchnorm,
    unfreeze,
)
from course.transfer.freezing import all_layers


def _bn_layers(model):
    return [lay for lay in all_layers(model) if isinstance(lay, keras.layers.BatchNormalization)]


@pytest.fixture(scope="module")
def target():
    return digits_rgb(classes=range(5, 10), max_samples=500)


def test_feature_extraction_trains_only_the_head():
    model = build_transfer_model(pretrained_digits_backbone(), 5, mode="feature_extraction")
    base = find_backbone(model)
    assert not base.trainable and not base.trainable_weights
    assert {w.path.split("/")[0] for w in model.trainable_weights} == {"head"}


def test_fine_tune_trains_top_layers_with_bn_frozen():
    model = build_transfer_model(
        pretrained_digits_backbone(), 5, mode="fine_tune", fine_tune_from="conv3"
    )
    base = find_backbone(model)
    trainable = {lay.name for lay in base.layers if lay.trainable and lay.weights}
    assert trainable == {"conv3"}
    assert all(not lay.trainable for lay in _bn_layers(base))


def test_full_mode_trains_every_conv_but_no_bn():
    base = find_backbone(build_transfer_model(pretrained_digits_backbone(), 5, mode="full"))
    assert {lay.name for lay in base.layers if lay.trainable and lay.weights} == {
        "conv1",
        "conv2",
        "conv3",
    }
    assert all(not lay.trainable for lay in _bn_layers(base))


def test_bn_moving_statistics_do_not_change_during_fine_tuning(target):
    model = build_transfer_model(pretrained_digits_backbone(), 5, mode="feature_extraction")
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    unfreeze(model, from_layer=0, learning_rate=1e-4)
    base = find_backbone(model)
    stats = [
        (bn.moving_mean.numpy().copy(), bn.moving_variance.numpy().copy())
        for bn in _bn_layers(base)
    ]
    conv_before = base.get_layer("conv1").kernel.numpy().copy()
    model.fit(target.x_train, target.y_train, epochs=1, batch_size=32, verbose=0)
    for bn, (mean, var) in zip(_bn_layers(base), stats):
        np.testing.assert_array_equal(bn.moving_mean.numpy(), mean)
        np.testing.assert_array_equal(bn.moving_variance.numpy(), var)
    assert not np.allclose(base.get_layer("conv1").kernel.numpy(), conv_before)  # but convs trained
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-4)


def test_without_freezing_bn_statistics_would_move(target):
    """The Keras 3 pitfall the builder guards against: training=False alone is not enough."""
    base = pretrained_digits_backbone()
    inputs = keras.Input((32, 32, 3))
    outputs = keras.layers.Dense(5, activation="softmax")(
        keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
    )
    model = keras.Model(inputs, outputs)
    base.trainable = True
    model.compile("adam", "sparse_categorical_crossentropy")
    before = _bn_layers(base)[0].moving_mean.numpy().copy()
    model.fit(target.x_train, target.y_train, epochs=1, batch_size=32, verbose=0)
    assert not np.allclose(_bn_layers(base)[0].moving_mean.numpy(), before)


def test_round_trip_and_features_plus_svm(target, tmp_path):
    model = build_transfer_model(pretrained_digits_backbone(), 5)
    model.save(tmp_path / "t.keras")
    loaded = keras.models.load_model(tmp_path / "t.keras")
    np.testing.assert_allclose(
        loaded.predict(target.x_test[:8], verbose=0),
        model.predict(target.x_test[:8], verbose=0),
        atol=1e-6,
    )
    base = pretrained_digits_backbone()
    clf = fit_feature_classifier(extract_features(base, target.x_train), target.y_train, kind="svm")
    assert clf.score(extract_features(base, target.x_test), target.y_test) > 0.8


def test_named_backbone_without_weights_builds_and_binary_head():
    model = build_transfer_model("MobileNetV2", 1, input_shape=(32, 32, 3))
    assert model.output_shape == (None, 1)
    assert model.layers[-1].layers[-1].activation.__name__ == "sigmoid"


@pytest.mark.parametrize(
    "call,error,match",
    [
        (
            lambda: build_transfer_model("NoSuchNet", 2),
            ValueError,
            "backbone must be one of 'MobileNetV2'",
        ),
        (lambda: build_transfer_model("MobileNetV2", 0), ValueError, "num_classes"),
        (
            lambda: build_transfer_model("MobileNetV2", 2, input_shape=(16, 16, 3)),
            ValueError,
            "too small",
        ),
        (lambda: build_transfer_model("MobileNetV2", 2, mode="partial"), ValueError, "mode"),
        (lambda: build_transfer_model(42, 2), TypeError, "backbone"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_weights_file_for_another_architecture(tmp_path):
    path = tmp_path / "other.weights.h5"
    keras.applications.MobileNetV3Small(
        include_top=False, input_shape=(32, 32, 3), weights=None
    ).save_weights(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="does not fit the MobileNetV2 architecture"):
            load_backbone("MobileNetV2", (32, 32, 3), weights=str(path))
    assert not [
        w for w in caught if "Skipping" in str(w.message)
    ]  # one error, not a warning per layer


def test_weights_file_round_trip_keeps_the_weights(tmp_path):
    path = tmp_path / "mine.weights.h5"
    saved = keras.applications.MobileNetV3Small(
        include_top=False, input_shape=(32, 32, 3), weights=None
    )
    saved.save_weights(path)
    loaded = load_backbone("MobileNetV3Small", (32, 32, 3), weights=str(path))
    for a, b in zip(saved.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_imagenet_offline_fails_fast_and_names_the_alternative(monkeypatch):
    from course.transfer import backbones

    monkeypatch.setattr(backbones, "_imagenet_reachable", lambda: False)
    with pytest.raises(ConnectionError, match="pretrained_digits_backbone"):
        load_backbone("MobileNetV2", (96, 96, 3), weights="imagenet")


def test_strategy_table():
    assert recommend_strategy(500, "similar").mode == "feature_extraction"
    assert recommend_strategy(500, "different").mode == "features_svm"
    assert recommend_strategy(50_000, "different").mode == "full"
    assert recommend_strategy(500, 0.8).mode == "feature_extraction"
    assert "SVM" in recommend_strategy(500, 0.1).reasoning
    with pytest.raises(ValueError, match="similarity"):
        recommend_strategy(500, "same")
    with pytest.raises(ValueError, match="n_samples"):
        recommend_strategy(0, "similar")


def test_unfreeze_rejects_unknown_layer():
    model = build_transfer_model(pretrained_digits_backbone(), 5)
    with pytest.raises(ValueError, match="from_layer 'nope'"):
        unfreeze(model, from_layer="nope")


@pytest.mark.parametrize("fine_tune_from", [-20, 99, "nope"])
def test_bad_fine_tune_from_is_named_as_the_caller_passed_it(fine_tune_from):
    base = pretrained_digits_backbone()
    with pytest.raises(ValueError, match="fine_tune_from") as raised:
        build_transfer_model(base, 5, mode="fine_tune", fine_tune_from=fine_tune_from)
    assert "from_layer" not in str(raised.value)
    assert base.trainable and all(layer.trainable for layer in base.layers)  # nothing was changed


def test_backbone_is_found_behind_an_augmentation_pipeline():
    augmentation = keras.Sequential([keras.layers.RandomFlip()], name="augmentation")
    model = build_transfer_model(
        pretrained_digits_backbone(),
        5,
        mode="fine_tune",
        augmentation=augmentation,
        fine_tune_from="conv3",
    )
    assert find_backbone(model).name == "digits_backbone"


def test_bn_drift_is_zero_only_with_batchnorm_layers_frozen(target):
    x, y = target.x_train[:64], target.y_train[:64]
    assert bn_drift(x, y, freeze_bn=False) > 1e-6  # training=False alone does not protect them
    assert bn_drift(x, y, freeze_bn=True) == 0.0


def test_compare_strategies_scores_every_seed_on_the_same_test_items(target):
    runs = compare_strategies(target, 64, (0, 1), max_epochs=3, patience=0, steps_per_epoch=2)
    assert list(runs) == list(STRATEGIES)
    for name, run in runs.items():
        assert run.strategy == name and run.seeds == (0, 1)
        assert run.correct.shape == (2, len(target.y_test)) and run.correct.dtype == bool
    svm = runs["features + SVM"]
    assert svm.histories == (None, None) and svm.best_epochs == (None, None)
    np.testing.assert_array_equal(svm.correct[0], svm.correct[1])  # nothing random in it
    assert svm.correct.mean() > 0.5  # pretrained digit features carry digits 5-9 (chance 0.2)
    scratch = runs["from scratch"]
    assert not np.array_equal(scratch.correct[0], scratch.correct[1])  # each seed its own weights


def test_compare_strategies_stops_early_and_keeps_the_best_validation_epoch(target):
    run = compare_strategies(
        target, 64, (0,), ("fine-tune everything",), max_epochs=12, patience=1, steps_per_epoch=1
    )["fine-tune everything"]
    (history,), (best,) = run.histories, run.best_epochs
    val_accuracy = history["val_accuracy"]
    assert best == int(np.argmax(val_accuracy))  # the first epoch with the best accuracy
    # Stopped after `patience` + 1 epochs without a new best, or at max_epochs.
    assert len(val_accuracy) == min(12, best + 3)


def test_two_phase_keeps_the_best_epoch_over_both_phases(target):
    run = compare_strategies(
        target, 64, (0,), (TWO_PHASE,), max_epochs=4, patience=0, steps_per_epoch=2
    )[TWO_PHASE]
    (history,), (best,) = run.histories, run.best_epochs
    assert best == int(np.argmax(history["val_accuracy"]))  # the best of both phases
    assert 2 <= len(history["val_accuracy"]) <= 8  # two phases of 1 to 4 epochs


def test_compare_strategies_refuses_bad_arguments(target):
    options = {"max_epochs": 1, "patience": 0}
    with pytest.raises(ValueError, match="n_labelled"):
        compare_strategies(target, 0, (0,), **options)
    two_digits = digits_rgb(classes=(5, 6), max_samples=200)
    assert len(set(two_digits.y_train[:8])) == 1  # the first 8 training examples share a class
    with pytest.raises(ValueError, match="n_labelled must take examples of at least two"):
        compare_strategies(two_digits, 8, (0,), **options)
    with pytest.raises(ValueError, match="batchnorm"):
        compare_strategies(target, 64, (0,), batchnorm="train", **options)
    with pytest.raises(ValueError, match="seeds"):
        compare_strategies(target, 64, (1, 1), **options)
    with pytest.raises(ValueError, match="valid names: from scratch"):
        compare_strategies(target, 64, (0,), strategies=("transfer",), **options)


@pytest.mark.parametrize("batchnorm", ["trained", "frozen"])
def test_every_arm_treats_batchnorm_alike(target, monkeypatch, batchnorm):
    """trained: BN statistics move in every arm, the head-only arm included, while its
    convolutions stay put; frozen: no BN statistic moves, not even from scratch."""
    import course.transfer.builder as builder

    built, original = [], builder.build_transfer_model
    monkeypatch.setattr(
        builder,
        "build_transfer_model",
        lambda *a, **k: built.append(original(*a, **k)) or built[-1],
    )
    strategies = ("from scratch", "freeze + train head", "fine-tune everything")
    compare_strategies(target, 64, (0,), strategies, max_epochs=1, patience=0, batchnorm=batchnorm)
    source = pretrained_digits_backbone()
    for name, model in zip(strategies, built):
        base = find_backbone(model)
        start = np.zeros(16) if name == "from scratch" else source.get_layer("bn1").moving_mean
        moved = not np.allclose(base.get_layer("bn1").moving_mean.numpy(), start)
        assert moved == (batchnorm == "trained"), name
    head_arm = find_backbone(built[1])
    np.testing.assert_array_equal(
        head_arm.get_layer("conv1").kernel.numpy(), source.get_layer("conv1").kernel.numpy()
    )


def test_train_batchnorm_lets_only_batchnorm_train_in_a_frozen_backbone():
    model = build_transfer_model(pretrained_digits_backbone(), 5, mode="feature_extraction")
    assert train_batchnorm(find_backbone(model)) == 3
    n_trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert n_trainable == 2 * (16 + 32 + 64) + (64 * 5 + 5)  # BN gamma and beta, then the head
    trained = {lay.name for lay in find_backbone(model).layers if lay.trainable and lay.weights}
    assert trained == {"bn1", "bn2", "bn3"}
    with pytest.raises(TypeError, match="model"):
        train_batchnorm("backbone")


def test_imagenet_example_offline_names_what_it_would_do(monkeypatch):
    import course.data.keras_datasets as keras_datasets
    from course.transfer import imagenet

    monkeypatch.setattr(keras_datasets, "is_online", lambda *a, **k: False)
    with pytest.raises(ConnectionError, match="MobileNetV2's ImageNet weights.*Colab"):
        imagenet.cats_vs_dogs(1)
    with pytest.raises(ValueError, match="epochs"):
        imagenet.cats_vs_dogs(0)


def test_imagenet_stored_figures_are_read_only_when_a_run_stored_them(monkeypatch, tmp_path):
    from course import artifacts
    from course.transfer import imagenet

    monkeypatch.setattr(artifacts, "names", lambda: ["digits_backbone.weights.h5"])
    assert imagenet.stored_figures() is None  # no stored run: nothing is invented
    figures = {
        "backbone": "MobileNetV2",
        "epochs": 2,
        "steps_per_epoch": None,
        "train_accuracy": [0.9, 0.95],
        "val_accuracy": [0.96, 0.975],
        "val_images": 1000,
    }
    path = tmp_path / imagenet.FIGURES_FILE
    path.write_text(json.dumps(figures))
    assert imagenet.stored_figures(path) == figures
    assert "0.960, 0.975" in imagenet.describe(figures) and "1000" in imagenet.describe(figures)
    with pytest.raises(ValueError, match="path"):
        imagenet.stored_figures(tmp_path / "missing.json")
