"""Plotting helpers used across notebooks (matplotlib only)."""

import matplotlib.pyplot as plt
import numpy as np


def plot_curves(histories, metric="loss", ax=None, title=None):
    """Plot training (solid) and validation (dashed) curves of several named runs.

    `histories` maps a run name to a Keras `History` or a dict of metric lists.
    """
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


def image_grid(images, labels=None, ncols=8, cmap="gray", size=1.2):
    """Show images (N, H, W[, C]) in a grid with optional labels; returns the figure."""
    images = np.asarray(images)
    n = len(images)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            img = images[i]
            ax.imshow(img[..., 0] if img.ndim == 3 and img.shape[-1] == 1 else img, cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8)
    fig.tight_layout()
    return fig
