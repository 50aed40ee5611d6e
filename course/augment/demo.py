"""Helpers for the augmentation notebooks: fixed-angle rotation (`course.augment.warp.rotate`)
and a labelled grid of one technique family. Their small CNN is `course.models.small_cnn`."""

import numpy as np

from course.augment.warp import rotate

__all__ = ["family_grid", "rotate"]


def family_grid(images, family, factor_scale=1.0, seed=0, ncols=None):
    """Figure: each row one technique of `family` (at its default strength times
    `factor_scale`, capped at 1), each column one input image; the original in row 0."""
    import matplotlib.pyplot as plt

    from course.augment.registry import MIXING, TECHNIQUES, available

    names = [n for n in available(family) if TECHNIQUES[n].source != "keras-cv"]
    rows = [("original", images, None)]
    labels = np.eye(len(images), dtype="float32")
    for name in names:
        factor = min(1.0, TECHNIQUES[name].default * factor_scale)
        layer = TECHNIQUES[name].make(factor, (0.0, 1.0), seed)
        if name in MIXING:
            out, mixed = layer((images, labels), training=True)
            rows.append((f"{name} ({factor:.2f})", np.asarray(out), np.asarray(mixed)))
        else:
            rows.append((f"{name} ({factor:.2f})", np.asarray(layer(images, training=True)), None))
    ncols = ncols or len(images)
    fig, axes = plt.subplots(
        len(rows), ncols, figsize=(2.2 * ncols, 2.0 * len(rows)), squeeze=False
    )
    for r, (title, batch, mixed) in enumerate(rows):
        for c in range(ncols):
            ax = axes[r, c]
            ax.imshow(np.clip(batch[c], 0, 1).squeeze(), cmap="gray")
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(title, fontsize=8)
            if mixed is not None:
                ax.set_title("labels " + " / ".join(f"{w:.2f}" for w in mixed[c]), fontsize=7)
    fig.suptitle(f"{family} (factor = strength, 1 = maximum)", fontsize=10)
    fig.tight_layout()
    return fig
