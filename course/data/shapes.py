"""Synthetic "shapes": a class-controllable image generator with knobs for size, rotation,
position, colour and background. Each knob shifts one factor of the data distribution on its
own, which makes it the course's source for distribution-shift and transfer experiments."""

import numbers
from collections.abc import Iterable

import numpy as np

from course.data.split import split_arrays
from course.profiles import profile
from course.validation import check_number

SHAPES = ("circle", "square", "triangle", "cross", "star", "ring")
BACKGROUNDS = ("black", "white", "gray", "noise", "gradient")
_PLAIN = {"black": 0.0, "white": 1.0, "gray": 0.5}
_SUPERSAMPLE = 4  # render at 4x and average-pool: anti-aliased edges
_CHUNK = 256


def make_shapes(
    n,
    classes=SHAPES,
    image_size=32,
    size_range=(0.45, 0.9),
    rotation_range=(0, 360),
    colors=None,
    background="black",
    position_jitter=1.0,
    class_weights=None,
    seed=0,
):
    """`n` images (n, S, S, 3) float32 in [0, 1] of one filled shape each, and int64 labels.

    classes: shape names from `SHAPES`; label i means classes[i]. size_range: the shape's
    diameter as a fraction of the image side. rotation_range: degrees, sampled uniformly.
    colors: None (random saturated hue per image), a list of colours sampled per image, or a
    dict {class: colour} tying colour to class (a spurious cue to break at test time); colours
    are anything `matplotlib.colors.to_rgb` accepts. background: one of `BACKGROUNDS`, a colour,
    or a list of those sampled per image. position_jitter: 0 centres the shape, 1 moves it
    anywhere it still fits. class_weights: class probabilities (default: exactly balanced).
    """
    check_number("n", n, 1, integer=True)
    check_number("image_size", image_size, 4, integer=True)
    check_number("position_jitter", position_jitter, 0, 1)
    classes = _check_classes(classes)
    lo_size, hi_size = _check_range("size_range", size_range, 0, 1)
    lo_rot, hi_rot = _check_range("rotation_range", rotation_range, -3600, 3600)
    rng = np.random.default_rng(seed)
    y = _labels(rng, n, len(classes), class_weights)
    diameter = rng.uniform(lo_size, hi_size, n)
    angle = np.deg2rad(rng.uniform(lo_rot, hi_rot, n))
    margin = (1 - diameter) * position_jitter  # centre offset that keeps the shape in frame
    centre = rng.uniform(-1, 1, (n, 2)) * margin[:, None]
    foreground = _foreground(rng, y, classes, colors)
    backgrounds = _background_choices(background)
    x = np.empty((n, image_size, image_size, 3), dtype="float32")
    for start in range(0, n, _CHUNK):
        part = slice(start, min(start + _CHUNK, n))
        mask = _render(y[part], classes, diameter[part], angle[part], centre[part], image_size)
        bg = _backgrounds(rng, backgrounds, part.stop - part.start, image_size)
        x[part] = bg * (1 - mask[..., None]) + foreground[part, None, None, :] * mask[..., None]
    return x, y


def load_shapes(
    n=None, classes=SHAPES, image_size=32, val_fraction=0.15, test_fraction=0.15, seed=0, **knobs
):
    """`make_shapes` as a stratified `Split`; `n` defaults to the run profile's ``shapes.n``.

    `knobs` are passed to `make_shapes` (size_range, rotation_range, colors, background, ...).
    """
    n = profile().shapes.n if n is None else n
    x, y = make_shapes(n, classes=classes, image_size=image_size, seed=seed, **knobs)
    return split_arrays(x, y, val_fraction, test_fraction, seed, class_names=tuple(classes))


def _check_classes(classes):
    if isinstance(classes, (str, bytes)) or not isinstance(classes, Iterable):
        raise TypeError(f"classes must be a sequence of names from {SHAPES}, got {classes!r}")
    classes = tuple(classes)
    unknown = [c for c in classes if c not in SHAPES]
    if not classes or unknown or len(set(classes)) != len(classes):
        raise ValueError(f"classes must be distinct names from {SHAPES}, got {classes!r}")
    return classes


def _check_range(name, value, low, high):
    lo, hi = value
    check_number(name, lo, low, high)
    check_number(name, hi, low, high)
    if lo > hi or (name == "size_range" and lo <= 0):
        raise ValueError(
            f"{name} must be (low, high) with {low} < low <= high <= {high}, got {value!r}"
        )
    return lo, hi


def _labels(rng, n, k, class_weights):
    if class_weights is None:
        return rng.permutation(np.arange(n) % k).astype("int64")
    p = np.asarray(class_weights, dtype="float64")
    if p.shape != (k,) or (p < 0).any() or p.sum() <= 0:
        raise ValueError(f"class_weights must be {k} non-negative numbers, got {class_weights!r}")
    return rng.choice(k, size=n, p=p / p.sum()).astype("int64")


def _to_rgb(colour):
    from matplotlib.colors import to_rgb

    try:
        return np.array(to_rgb(colour), dtype="float32")
    except (ValueError, TypeError):
        raise ValueError(
            f"colors/background: {colour!r} is not a colour (a name, '#rrggbb' or an "
            "RGB triple in [0, 1])"
        ) from None


def _foreground(rng, y, classes, colors):
    if colors is None:  # random hue, saturated and bright
        from matplotlib.colors import hsv_to_rgb

        hsv = np.stack(
            [rng.uniform(0, 1, len(y)), rng.uniform(0.6, 1, len(y)), rng.uniform(0.75, 1, len(y))],
            axis=1,
        )
        return hsv_to_rgb(hsv).astype("float32")
    if isinstance(colors, dict):
        missing = [c for c in classes if c not in colors]
        if missing:
            raise ValueError(f"colors: no colour for classes {missing}; keys were {list(colors)}")
        table = np.stack([_to_rgb(colors[c]) for c in classes])
        return table[y]
    table = np.stack([_to_rgb(c) for c in colors])
    return table[rng.integers(0, len(table), len(y))]


def _background_choices(background):
    if not isinstance(background, (str, Iterable)):
        raise TypeError(
            f"background must be one of {BACKGROUNDS}, a colour or a list of those, "
            f"got {type(background).__name__}"
        )
    single = isinstance(background, str) or all(isinstance(v, numbers.Real) for v in background)
    choices = [background] if single else list(background)
    for choice in choices:
        if not (isinstance(choice, str) and choice in BACKGROUNDS):
            _to_rgb(choice)
    return choices


def _backgrounds(rng, choices, count, size):
    out = np.empty((count, size, size, 3), dtype="float32")
    picks = rng.integers(0, len(choices), count)
    ramp = np.linspace(-1, 1, size, dtype="float32")
    for i, pick in enumerate(picks):
        kind = choices[pick]
        if isinstance(kind, str) and kind == "noise":
            grey = np.clip(rng.normal(0.5, 0.15, (size, size, 1)), 0, 1)
            out[i] = np.repeat(grey, 3, axis=-1)
        elif isinstance(kind, str) and kind == "gradient":
            theta = rng.uniform(0, 2 * np.pi)
            t = (np.cos(theta) * ramp[None, :] + np.sin(theta) * ramp[:, None]) / np.sqrt(
                2
            ) * 0.5 + 0.5
            start, end = rng.uniform(0, 1, (2, 3)).astype("float32")
            out[i] = start + (end - start) * t[..., None]
        elif isinstance(kind, str) and kind in _PLAIN:
            out[i] = _PLAIN[kind]
        else:
            out[i] = _to_rgb(kind)
    return out


def _render(y, classes, diameter, angle, centre, size):
    """Anti-aliased masks (m, size, size) in [0, 1]: rasterise at 4x, then average-pool."""
    fine = size * _SUPERSAMPLE
    grid = (np.arange(fine, dtype="float32") + 0.5) / fine * 2 - 1
    gx, gy = grid[None, None, :], grid[None, :, None]
    radius = diameter[:, None, None].astype("float32")
    centre = centre.astype("float32")
    dx = (gx - centre[:, 0, None, None]) / radius
    dy = (gy - centre[:, 1, None, None]) / radius
    cos = np.cos(angle).astype("float32")[:, None, None]
    sin = np.sin(angle).astype("float32")[:, None, None]
    u, v = cos * dx + sin * dy, -sin * dx + cos * dy
    mask = np.zeros(u.shape, dtype=bool)
    for label, name in enumerate(classes):
        rows = y == label
        if rows.any():
            mask[rows] = _INSIDE[name](u[rows], v[rows])
    pooled = mask.reshape(len(y), size, _SUPERSAMPLE, size, _SUPERSAMPLE).sum(
        axis=(2, 4), dtype="float32"
    )
    return pooled / np.float32(_SUPERSAMPLE**2)


def _regular_polygon(u, v, sides, phase):
    """Inside a regular polygon of circumradius 1: under every edge's supporting line."""
    apothem = np.float32(np.cos(np.pi / sides))
    inside = np.ones(u.shape, dtype=bool)
    for a in phase + 2 * np.pi * np.arange(sides) / sides:
        inside &= u * np.float32(np.cos(a)) + v * np.float32(np.sin(a)) <= apothem
    return inside


def _star(u, v, points=5, inner=0.45):
    """Inside a `points`-pointed star: the radius is below the edge between outer and inner tips."""
    sector = np.pi / points
    phi = np.mod(
        np.arctan2(v, u) + np.float32(np.pi / 2), np.float32(2 * sector)
    )  # tip pointing up
    phi = np.float32(sector) - np.abs(
        phi - np.float32(sector)
    )  # fold: 0 at an outer tip, `sector` at an inner corner
    p1 = np.array([1.0, 0.0])
    p2 = inner * np.array([np.cos(sector), np.sin(sector)])
    edge = p2 - p1
    cross_p = p1[0] * p2[1] - p1[1] * p2[0]
    reach = np.float32(cross_p) / (
        np.cos(phi) * np.float32(edge[1]) - np.sin(phi) * np.float32(edge[0])
    )
    return np.hypot(u, v) <= reach


_INSIDE = {
    "circle": lambda u, v: u * u + v * v <= 1.0,
    "ring": lambda u, v: (u * u + v * v <= 1.0) & (u * u + v * v >= 0.55**2),
    "square": lambda u, v: _regular_polygon(u, v, 4, np.pi / 4),
    "triangle": lambda u, v: _regular_polygon(u, v, 3, np.pi / 2),
    "cross": lambda u, v: (
        (np.minimum(np.abs(u), np.abs(v)) <= 0.3) & (np.maximum(np.abs(u), np.abs(v)) <= 0.95)
    ),
    "star": _star,
}
