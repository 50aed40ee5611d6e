"""`course.generative` exposes every model family by name, lazily."""

import keras
import pytest

import course.generative as generative


@pytest.mark.parametrize("name", generative.__all__)
def test_every_exported_name_is_a_keras_class(name):
    cls = getattr(generative, name)
    assert issubclass(cls, (keras.Model, keras.layers.Layer))


def test_unknown_name():
    with pytest.raises(AttributeError):
        _ = generative.NoSuchModel
