"""Plotting helpers used across notebooks (matplotlib only)."""

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from course.validation import check_examples, check_sized


def plot_curves(histories, metric="loss", ax=None, title=None):
    """Plot training (solid) and validation (dashed) curves of several named runs.

    `histories` maps a run name to a Keras `History` or a dict of metric lists.
    """
    if not isinstance(histories, Mapping) or not histories:
        raise TypeError(
            "histories must be a non-empty dict mapping a run name to a keras History or a dict "
            f"of metric lists, got {type(histories).__name__} {histories!r}"
        )
    for name, history in histories.items():
        logs = getattr(history, "history", history)
        if not isinstance(logs, Mapping) or metric not in logs:
            raise ValueError(
                f"histories[{name!r}] has no {metric!r} curve (metric={metric!r}); it logged "
                f"{sorted(logs) if isinstance(logs, Mapping) else type(logs).__name__}"
            )
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for i, (name, history) in enumerate(histories.items()):
        logs = getattr(history, "history", history)
        colour = f"C{i}"
        ax.plot(logs[metric], color=colour, label=f"{name} train")
        if f"val_{metric}" in logs:
            ax.plot(logs[f"val_{metric}"], color=colour, linestyle="--", label=f"{name} val")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.set_title(title or metric)
    ax.legend(fontsize="small")
    return ax


def image_grid(images, labels=None, ncols=8, cmap="gray", size=1.2, row_titles=None, title=None):
    """Show images (N, H, W[, C]) in a grid; returns the figure.

    `labels` titles each image (one per image: the class, step or scale it shows); `row_titles`
    names each row at its left (one per row, e.g. "guidance 3" or "t = 250"); `title` heads the
    whole figure.
    """
    images = check_examples("images", images, ndim=(3, 4))
    n = len(images)
    if labels is not None:
        check_sized("labels", labels, "None or a list with one title per image")
    nrows = int(np.ceil(n / ncols))
    if labels is not None and len(labels) != n:
        raise ValueError(f"labels must hold one entry per image: {len(labels)} for {n} images")
    if row_titles is not None and len(row_titles) != nrows:
        raise ValueError(
            f"row_titles must hold one entry per row: {len(row_titles)} for {nrows} rows "
            f"({n} images, ncols={ncols})"
        )
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            img = images[i]
            ax.imshow(img[..., 0] if img.ndim == 3 and img.shape[-1] == 1 else img, cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8)
    for row, text in enumerate(row_titles or ()):
        axes[row, 0].text(
            -0.15,
            0.5,
            str(text),
            transform=axes[row, 0].transAxes,
            ha="right",
            va="center",
            fontsize=8,
        )
    if title is not None:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig
