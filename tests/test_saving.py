"""`course.load_model`, and plain `keras.saving.load_model` after `import course`, reload models
using course classes in a fresh process, as the course classes themselves."""

import importlib
import json
import subprocess
import sys

import keras
import numpy as np
import pytest

import course
from course.saving import StandIn, register_all, registered_names


def test_register_all_imports_every_registering_module():
    names = register_all()
    assert "course.layers.dropout" in names and "course.augment.pixel" in names
    assert all(name.startswith("course.") for name in names)


def test_fresh_process_reloads_lazily_imported_classes(tmp_path):
    from course.augment import build

    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            build("gaussian_noise", seed=0),
            course.layers.BatchNorm(),
            keras.layers.Flatten(),
            keras.layers.Dense(2),
        ]
    )
    x = np.random.default_rng(0).random((4, 8, 8, 3)).astype("float32")
    path = tmp_path / "m.keras"
    model.save(path)
    np.save(tmp_path / "x.npy", x)
    code = (
        f"import numpy as np, course; m = course.load_model({str(path)!r}); "
        f"np.save({str(tmp_path / 'y.npy')!r}, m.predict(np.load({str(tmp_path / 'x.npy')!r}), "
        "verbose=0))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=300)
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), model.predict(x, verbose=0), atol=1e-6)


def _course_class(name):
    """The course class registered as ``course>name``, wherever it lives."""
    return getattr(importlib.import_module(registered_names()[f"course>{name}"]), name)


def _run(code, tmp_path):
    """Run `code` in a fresh interpreter; return its stdout (the test fails on a non-zero exit)."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_registered_names_read_from_the_sources_match_the_registry():
    register_all()
    registry = keras.saving.get_custom_objects()
    course_keys = {key for key in registry if key.startswith("course>")}
    assert course_keys == set(registered_names())
    for name, module in registered_names().items():  # each stand-in gave way to the real class
        cls = registry[name]
        assert cls is getattr(importlib.import_module(module), name.split(">")[1])
        assert not issubclass(cls, StandIn) and keras.saving.get_registered_name(cls) == name


def test_import_course_does_not_import_keras():
    code = (
        "import sys, course; print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))"
    )
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "[]"
    )


def _colliding_model():
    """A compiled model whose course classes share their names with Keras built-ins."""
    dense = keras.layers.Dense(3, kernel_regularizer=_course_class("L1L2")(l1=0.01, l2=0.02))
    model = keras.Sequential([keras.Input((4,)), _course_class("Dropout")(0.25, seed=1), dense])
    model.compile(optimizer=_course_class("Adam")(0.01), loss="mse")
    model.fit(np.ones((8, 4)), np.zeros((8, 3)), epochs=1, verbose=0)
    return model


@pytest.mark.parametrize(
    "keras_first", [False, True], ids=["course-then-keras", "keras-then-course"]
)
def test_plain_keras_loading_after_import_course_rebuilds_course_classes(tmp_path, keras_first):
    model = _colliding_model()
    x = np.random.default_rng(0).random((5, 4)).astype("float32")
    model.save(tmp_path / "m.keras")
    np.save(tmp_path / "x.npy", x)
    imports = "import keras, course" if keras_first else "import course, keras"
    code = (
        f"{imports}\nimport numpy as np, sys\n"
        "m = keras.saving.load_model('m.keras')\n"
        "print(type(m.layers[0]).__module__, type(m.layers[1].kernel_regularizer).__module__,\n"
        "      type(m.optimizer).__module__, int(m.optimizer.iterations))\n"
        "np.save('y.npy', m.predict(np.load('x.npy'), verbose=0))\n"
        "print('course.generative.vae' in sys.modules)\n"
    )
    out = _run(code, tmp_path).split("\n")
    modules, iterations = out[0].split()[:3], out[0].split()[3]
    assert modules == [
        type(model.layers[0]).__module__,
        type(model.layers[1].kernel_regularizer).__module__,
        type(model.optimizer).__module__,
    ]
    assert all(module.startswith("course.") for module in modules) and iterations == "1"
    assert out[1] == "False"  # only the modules the file uses were imported
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), model.predict(x, verbose=0), atol=1e-6)


def test_every_registered_name_wins_over_a_keras_class_of_the_same_name(tmp_path):
    """Keras resolves each saved course class by its registered name, never by the bare class
    name it may share with a built-in (every Keras namespace a deserializer searches is offered)."""
    code = (
        "import course, keras, json\n"
        "from course.saving import StandIn\n"
        "StandIn.from_config = classmethod(lambda cls, config: cls)  # resolve only\n"
        "spaces = [keras.layers, keras.regularizers, keras.optimizers,\n"
        "          keras.optimizers.schedules,\n"
        "          keras.losses, keras.metrics, keras.initializers, keras.constraints]\n"
        "builtins = {k: v for space in spaces for k, v in vars(space).items() if isinstance(v, "
        "type)}\n"
        "found = {}\n"
        "for name, module in course.saving.registered_names().items():\n"
        "    short = name.split('>')[1]\n"
        "    config = {'module': module, 'class_name': short, 'config': {}, 'registered_name': "
        "name}\n"
        "    cls = keras.saving.deserialize_keras_object(config, module_objects=builtins)\n"
        "    stand_in = issubclass(cls, StandIn)\n"
        "    resolved = [cls.module, cls.class_name] if stand_in else [cls.__module__, None]\n"
        "    found[name] = resolved + [short in builtins]\n"
        "print(json.dumps(found))\n"
    )
    found = json.loads(_run(code, tmp_path))
    names = registered_names()
    assert {name: value[:2] for name, value in found.items()} == {
        name: [module, name.split(">")[1]] for name, module in names.items()
    }
    assert found["course>L1L2"][2] and found["course>Dropout"][2]  # the collisions are real
