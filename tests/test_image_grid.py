"""Tests for `course.viz.image_grid`: per-image labels, row titles and a figure title."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.viz import image_grid  # noqa: E402


def _texts(fig):
    return {t.get_text() for ax in fig.axes for t in [*ax.texts, ax.title]}


def test_grid_shows_labels_row_titles_and_title():
    images = np.zeros((6, 4, 4, 1))
    fig = image_grid(
        images, labels=list("abcdef"), ncols=3, row_titles=["scale 0", "scale 3"], title="top"
    )
    assert {"a", "f", "scale 0", "scale 3"} <= _texts(fig)
    assert fig._suptitle.get_text() == "top"
    plt.close(fig)


def test_grid_refuses_labels_or_row_titles_of_the_wrong_length():
    images = np.zeros((6, 4, 4, 1))
    with pytest.raises(ValueError, match="labels"):
        image_grid(images, labels=["a"], ncols=3)
    with pytest.raises(ValueError, match="row_titles"):
        image_grid(images, ncols=3, row_titles=["only one"])
    plt.close("all")
