"""Reference models: forward passes equal closed forms, options place the right layers, bad
arguments raise naming the argument, and each model kind has exactly one builder."""

import ast
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest

from course import layers
from course.models import (
    ResidualBlock,
    compile_classifier,
    mlp,
    norm_layer,
    residual_mlp,
    small_cnn,
)
from course.nn.mlp import MLP
from course.regularization import L1L2

ROOT = Path(__file__).resolve().parent.parent
RNG = np.random.default_rng(0)


def _relu(z):
    return np.maximum(z, 0.0)


def test_mlp_forward_pass_is_the_closed_form():
    model = mlp((2, 3), 4, hidden=(5, 6), activation="relu", output_activation="softmax")
    x = RNG.normal(size=(7, 2, 3)).astype("float32")
    (k1, b1), (k2, b2), (k3, b3) = [
        layer.get_weights() for layer in model.layers if isinstance(layer, keras.layers.Dense)
    ]
    h = _relu(_relu(x.reshape(7, 6) @ k1 + b1) @ k2 + b2) @ k3 + b3
    expected = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model(x), expected, rtol=1e-5, atol=1e-6)


def test_mlp_without_norm_is_dense_only_and_round_trips_through_course_nn_mlp():
    model = mlp(4, 3, hidden=(8, 8), activation="tanh", output_activation="sigmoid")
    assert [type(layer) for layer in model.layers] == [keras.layers.Dense] * 3
    x = RNG.normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(MLP.from_keras(model)(x), model(x), rtol=1e-5, atol=1e-6)


def test_mlp_places_course_norm_before_the_activation_and_dropout_after():
    model = mlp((8, 8, 1), 10, hidden=(16, 16), dropout=0.3, norm="batch")
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Flatten"] + ["Dense", "BatchNorm", "Activation", "Dropout"] * 2 + ["Dense"]
    assert isinstance(model.layers[2], layers.BatchNorm) and isinstance(
        model.layers[4], layers.Dropout
    )
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [d.use_bias for d in dense] == [False, False, True]  # BatchNorm's beta replaces the bias
    assert model.output_shape == (None, 10)
    for kind, cls in (("layer", layers.LayerNorm), ("group", layers.GroupNorm)):
        norms = [lay for lay in mlp(4, 2, hidden=(32,), norm=kind).layers if isinstance(lay, cls)]
        assert len(norms) == 1
    custom = mlp(4, 2, hidden=(8,), norm=lambda: layers.BatchNorm(momentum=0.5))
    assert custom.layers[1].momentum == 0.5 and custom.layers[0].use_bias


def test_mlp_penalises_hidden_kernels_and_takes_one_initializer_per_layer():
    model = mlp(
        4,
        3,
        hidden=(6, 5),
        kernel_regularizer=L1L2(l2=0.5),
        kernel_initializer=["zeros", "ones", keras.initializers.Constant(2.0)],
    )
    model(np.zeros((1, 4), "float32"))
    kernels = [layer.kernel.numpy() for layer in model.layers]
    assert [float(k.mean()) for k in kernels] == [0.0, 1.0, 2.0]
    assert float(sum(model.losses)) == pytest.approx(
        0.5 * 6 * 5, rel=1e-6
    )  # the head is unpenalised


def test_small_cnn_shapes_and_parameter_count():
    model = small_cnn((8, 8, 1), 10, filters=(4, 6), kernel_size=3)
    conv = (3 * 3 * 1 * 4 + 4) + (3 * 3 * 4 * 6 + 6)
    head = (4 * 4 * 6) * 10 + 10  # one 2x2 pooling between the blocks
    assert model.count_params() == conv + head
    assert model.output_shape == (None, 10)
    probs = np.asarray(model(RNG.normal(size=(3, 8, 8, 1)).astype("float32")))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    plain = small_cnn((8, 8, 1), 2, filters=(4,), pooling=None, dropout=0.5, output_activation=None)
    assert [type(lay).__name__ for lay in plain.layers] == ["Conv2D", "Flatten", "Dropout", "Dense"]


def test_compiled_classifier_learns_a_separable_problem():
    x = RNG.normal(size=(200, 2)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    keras.utils.set_random_seed(0)
    model = compile_classifier(mlp(2, 2, hidden=(8,)), learning_rate=0.05)
    model.fit(x, y, epochs=20, batch_size=50, verbose=0)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"] > 0.95
    logits = compile_classifier(mlp(2, 2, hidden=(8,), output_activation=None), from_logits=True)
    assert logits.loss.get_config()["from_logits"] is True


@pytest.mark.parametrize(
    ("build", "arg"),
    [
        (lambda: mlp(0, 3), "input_shape"),
        (lambda: mlp(4, 0), "num_classes"),
        (lambda: mlp(4, 3, hidden=16), "hidden"),
        (lambda: mlp(4, 3, hidden=(16, 0)), "hidden"),
        (lambda: mlp(4, 3, activation="sine"), "activation"),
        (lambda: mlp(4, 3, output_activation="sine"), "output_activation"),
        (lambda: mlp(4, 3, dropout=1.0), "dropout"),
        (lambda: mlp(4, 3, norm="instance"), "norm"),
        (lambda: mlp(4, 3, hidden=(5,), kernel_initializer=["zeros"]), "kernel_initializer"),
        (lambda: norm_layer("instance"), "kind"),
        (lambda: small_cnn((8, 8), 3), "input_shape"),
        (lambda: small_cnn((8, 8, 1), 3, filters=()), "filters"),
        (lambda: small_cnn((8, 8, 1), 3, filters=(4, -1)), "filters"),
        (lambda: small_cnn((8, 8, 1), 3, pooling="min"), "pooling"),
        (lambda: small_cnn((8, 8, 1), 3, kernel_size=0), "kernel_size"),
        (lambda: residual_mlp(8, 4, depth=0), "depth"),
        (lambda: residual_mlp(8, 4, activation="sine"), "activation"),
        (lambda: compile_classifier(mlp(4, 3), learning_rate=0), "learning_rate"),
    ],
)
def test_builders_reject_bad_arguments_naming_them(build, arg):
    with pytest.raises((ValueError, TypeError), match=arg):
        build()


def test_residual_mlp_variants_share_their_initial_weights():
    plain, skip = residual_mlp(8, 4, depth=3, residual=False), residual_mlp(8, 4, depth=3)
    for a, b in zip(plain.get_weights(), skip.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert [layer.name for layer in skip.layers][2:5] == ["hidden_0", "hidden_1", "hidden_2"]


def test_residual_block_formula_config_and_keras_round_trip(tmp_path):
    block = ResidualBlock("tanh", name="block")
    h = RNG.normal(size=(4, 5)).astype("float32")
    out = np.asarray(block(h))
    expected = h + np.tanh(h) @ block.kernel.numpy() + block.bias.numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    plain = ResidualBlock.from_config({**block.get_config(), "skip": False})
    plain.build(h.shape)
    plain.set_weights(block.get_weights())
    np.testing.assert_allclose(np.asarray(plain(h)), expected - h, rtol=1e-5, atol=1e-6)
    model = keras.Sequential([keras.Input((5,)), block, keras.layers.Dense(2)])
    path = tmp_path / "residual.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded(h), model(h), atol=1e-6)
    with pytest.raises(ValueError, match="activation"):
        ResidualBlock("sine")


# --- one builder per model kind ------------------------------------------------------------
# A builder is a function that assembles a keras.Sequential / keras.Model from several Dense or
# Conv2D layers (or from one inside a loop). Generative networks (encoders, decoders, GAN
# generators and critics, the diffusion U-Net) are model kinds of their own and stay in
# course.generative.
LAYER_CALLS = {"Dense", "Conv2D"}
EXCLUDED = ("course/generative/",)
# The architecture a shipped weights file loads into (data/digits_backbone.weights.h5): fixed with
# its weights, so it is written out once rather than built by a builder whose defaults may change.
WEIGHTS_ARCHITECTURES = ["course/transfer/backbones.py: digits_backbone_architecture"]


def _called(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _kind(function):
    calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
    names = {_called(call) for call in calls}
    if not names & {"Sequential", "Model"}:
        return None
    in_loops = {
        _called(call)
        for loop in ast.walk(function)
        if isinstance(loop, (ast.For, ast.While, ast.ListComp, ast.GeneratorExp))
        for call in ast.walk(loop)
        if isinstance(call, ast.Call)
    }
    if sum(_called(call) in LAYER_CALLS for call in calls) < 2 and not in_loops & LAYER_CALLS:
        return None
    if "Conv2D" in names:
        return "cnn"
    return "residual mlp" if "ResidualBlock" in names else "mlp"


def _sources():
    for path in sorted((ROOT / "course").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(EXCLUDED):
            yield relative, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("session*/*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                lines = [
                    line
                    for line in cell.source.splitlines()
                    if not line.lstrip().startswith(("%", "!"))
                ]
                yield f"{path.relative_to(ROOT).as_posix()} cell {i}", "\n".join(lines)


def test_each_model_kind_has_exactly_one_builder():
    found = {}
    for where, source in _sources():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _kind(node):
                found.setdefault(_kind(node), []).append(f"{where}: {node.name}")
    assert found.get("cnn", [])[1:] == WEIGHTS_ARCHITECTURES
    found["cnn"] = found["cnn"][:1]
    assert found == {
        "mlp": ["course/models/dense.py: mlp"],
        "cnn": ["course/models/cnn.py: small_cnn"],
        "residual mlp": ["course/models/residual.py: residual_mlp"],
    }, "build models with course.models instead of writing a new builder"
