"""Toy 2-D loss landscapes (plateau, cliff, ravine) and optimizer trajectories over them.

Each `Landscape` is a differentiable function of a point (x, y) written with `keras.ops`, so
TensorFlow computes its gradient. `run_trajectory` lets any Keras optimizer walk it and returns
the path; `plot_landscape` draws contours with paths on top.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from keras import ops

from course.validation import check_number


@dataclass(frozen=True)
class Landscape:
    """A named 2-D loss surface with a suggested start, its minimum and a plotting window."""

    name: str
    fn: Callable
    start: tuple
    minimum: tuple
    extent: tuple  # (x_min, x_max, y_min, y_max)
    log_contours: bool = False

    def __call__(self, point):
        """Loss at `point`, a tensor or array of shape (2,) or (..., 2)."""
        point = ops.convert_to_tensor(point, "float32")
        return self.fn(point[..., 0], point[..., 1])

    def grid(self, n=200):
        """(X, Y, Z) arrays on an n x n grid over `extent`, for contour plots."""
        x0, x1, y0, y1 = self.extent
        xs, ys = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        z = ops.convert_to_numpy(self(np.stack([xs, ys], -1)))
        return xs, ys, z


def _plateau(x, y):
    # A bowl whose rim flattens out: far from the centre the gradient is nearly zero.
    return 1.0 - ops.exp(-(x**2 + y**2) / 2.0)


def _cliff(x, y):
    # A gentle quadratic with a 20-unit cliff at x = 1 whose face has gradients up to 100.
    return 0.05 * (x**2 + y**2) + 20.0 * ops.sigmoid(20.0 * (x - 1.0))


def _ravine(x, y):
    # Rosenbrock: a curved, narrow valley; steep across it, almost flat along it.
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _bowl(x, y):
    # An ill-conditioned quadratic (curvatures 1 and 10), minimum at the origin.
    return 0.5 * x**2 + 5.0 * y**2


PLATEAU = Landscape("plateau", _plateau, (3.0, 2.5), (0.0, 0.0), (-4.0, 4.0, -4.0, 4.0))
CLIFF = Landscape("cliff", _cliff, (3.0, 1.0), (0.0, 0.0), (-7.0, 4.0, -2.0, 2.0))
RAVINE = Landscape("ravine", _ravine, (-1.5, 2.0), (1.0, 1.0), (-2.0, 2.0, -1.0, 3.0), True)
BOWL = Landscape("bowl", _bowl, (3.0, 1.5), (0.0, 0.0), (-4.0, 4.0, -2.0, 2.0))
LANDSCAPES = {ls.name: ls for ls in (PLATEAU, CLIFF, RAVINE, BOWL)}


def get(name):
    """A landscape by name: 'plateau', 'cliff', 'ravine' or 'bowl'."""
    if name not in LANDSCAPES:
        raise ValueError(f"landscape must be one of {sorted(LANDSCAPES)}; got {name!r}")
    return LANDSCAPES[name]


def gradient(landscape, point):
    """Loss and gradient of `landscape` at `point` (shape (2,)), via tf.GradientTape."""
    import tensorflow as tf

    point = tf.convert_to_tensor(point, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(point)
        loss = landscape(point)
    return loss, tape.gradient(loss, point)


def clip_by_norm(grad, clipnorm):
    """Rescale `grad` so its L2 norm is at most `clipnorm` (direction unchanged)."""
    norm = ops.sqrt(ops.sum(ops.square(grad)))
    return grad * ops.minimum(1.0, clipnorm / ops.maximum(norm, 1e-12))


def run_trajectory(optimizer, landscape, start=None, steps=100, clipnorm=None):
    """Let `optimizer` minimise `landscape` from `start` for `steps` steps; return the path.

    The path is a float array of shape (steps + 1, 2) starting with `start`. `clipnorm`
    rescales each gradient to norm <= clipnorm before the optimizer sees it. The optimizer
    is used as is (its step counter and slots carry over), so a second call continues it.
    """
    import tensorflow as tf

    if isinstance(landscape, str):
        landscape = get(landscape)
    check_number("steps", steps, 0, integer=True)
    if clipnorm is not None:
        check_number("clipnorm", clipnorm, 0, low_open=True)
    start = landscape.start if start is None else start
    point = tf.Variable(np.asarray(start, "float32").reshape(2), name="point")

    @tf.function
    def step():
        _, grad = gradient(landscape, point)
        if clipnorm is not None:
            grad = clip_by_norm(grad, clipnorm)
        optimizer.apply_gradients([(grad, point)])
        return point.value()

    optimizer.build([point])
    path = [point.numpy()]
    for _ in range(steps):
        path.append(step().numpy())
    return np.stack(path)


def run_phases(phases, landscape, start=None, clipnorm=None):
    """Run several (optimizer, steps) phases in a row, each starting where the last ended.

    Returns the whole path (sum of steps + 1 points) and the index where each phase starts.
    """
    landscape = get(landscape) if isinstance(landscape, str) else landscape
    point = np.asarray(landscape.start if start is None else start, "float32")
    paths, starts = [point[None]], []
    for optimizer, steps in phases:
        starts.append(sum(len(p) for p in paths) - 1)
        path = run_trajectory(optimizer, landscape, point, steps, clipnorm)
        paths.append(path[1:])
        point = path[-1]
    return np.concatenate(paths), starts


def losses(landscape, path):
    """Loss at every point of a path."""
    return ops.convert_to_numpy(landscape(np.asarray(path, "float32")))


def plot_landscape(landscape, paths=None, ax=None, levels=30, title=None):
    """Contours of `landscape` with named `paths` (a dict name -> (n, 2) array) drawn on top."""
    import matplotlib.pyplot as plt
    from matplotlib import colors

    landscape = get(landscape) if isinstance(landscape, str) else landscape
    ax = ax or plt.subplots(figsize=(6, 4.5))[1]
    xs, ys, z = landscape.grid()
    norm = colors.LogNorm(vmin=max(z.min(), 1e-3), vmax=z.max()) if landscape.log_contours else None
    ax.contourf(
        xs,
        ys,
        np.maximum(z, 1e-3) if norm else z,
        levels=levels,
        cmap="viridis",
        norm=norm,
        alpha=0.85,
    )
    ax.plot(*landscape.minimum, marker="*", color="white", markersize=14, markeredgecolor="k")
    for i, (name, path) in enumerate((paths or {}).items()):
        path = np.asarray(path)
        ax.plot(
            path[:, 0], path[:, 1], ".-", color=f"C{i + 1}", markersize=3, linewidth=1, label=name
        )
    x0, x1, y0, y1 = landscape.extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_title(title or landscape.name)
    if paths:
        ax.legend(fontsize="small", loc="upper left")
    return ax


def plot_losses(landscape, paths, ax=None, log=True):
    """Loss along each named path, per step."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    for i, (name, path) in enumerate(paths.items()):
        ax.plot(losses(landscape, path), color=f"C{i + 1}", label=name)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend(fontsize="small")
    return ax
