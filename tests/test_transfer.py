"""Transfer builders: trainable flags per mode, BN statistics frozen, strategy table, bad input."""

import warnings

import keras
import numpy as np
import pytest

from course.data import digits_rgb
from course.transfer import (
    STRATEGIES,
    bn_drift,
    build_transfer_model,
    compare_strategies,
    extract_features,
    find_backbone,
    fit_feature_classifier,
    load_backbone,
    pretrained_digits_backbone,
    recommend_strategy,
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


def test_compare_strategies_scores_each_strategy_on_the_test_set(target):
    scores = compare_strategies(target, 100, epochs=1)
    assert list(scores) == list(STRATEGIES)
    assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert scores["features + SVM"] > 0.5  # pretrained digit features carry digits 5-9 (chance 0.2)
    with pytest.raises(ValueError, match="n_labelled"):
        compare_strategies(target, 0, epochs=1)


def test_compare_strategies_runs_a_subset_and_returns_learning_curves(target):
    scores, histories = compare_strategies(
        target, 64, epochs=2, strategies=("from scratch", "features + SVM"), return_histories=True
    )
    assert list(scores) == ["from scratch", "features + SVM"] and list(histories) == [
        "from scratch"
    ]
    assert {"accuracy", "val_accuracy", "loss", "val_loss"} <= set(histories["from scratch"])
    assert len(histories["from scratch"]["val_accuracy"]) == 2
    with pytest.raises(ValueError, match="valid names: from scratch"):
        compare_strategies(target, 64, epochs=1, strategies=("transfer",))


def test_from_scratch_trains_its_batchnorm_statistics(target, monkeypatch):
    """A new network has no source statistics to protect: frozen at mean 0 / variance 1, BN would
    not normalise."""
    import course.transfer.builder as builder

    built, original = [], builder.build_transfer_model
    monkeypatch.setattr(
        builder,
        "build_transfer_model",
        lambda *a, **k: built.append(original(*a, **k)) or built[-1],
    )
    compare_strategies(target, 64, epochs=1, strategies=("from scratch",))
    bn = next(layer for layer in _bn_layers(built[0]) if layer.name == "bn1")
    assert bn.trainable and np.abs(bn.moving_mean.numpy()).max() > 0  # moved from its initial zeros
