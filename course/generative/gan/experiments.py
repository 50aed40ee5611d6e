"""Named, reproducible GAN runs on digits, shared by the session notebook and the benchmark.

`RECIPES` maps a name to a compiled model factory (the mode-collapse pair among them:
``"collapsing"`` gives the generator a learning rate 200x its discriminator's, and
``"feature-matching"`` is the same run with feature matching, which restores class coverage).
`run` trains one recipe and scores it with `course.generative.metrics`; the full-mode figures
measured by ``python benchmarks/gan_quality.py`` are stored in ``data/gan_full_mode_figures.json``
and read back by `stored_figures`.
"""

import time
from dataclasses import dataclass

import keras
import numpy as np

from course import artifacts
from course.generative import metrics
from course.generative.gan.base import two_time_scale
from course.generative.gan.conditional import ACGAN, ConditionalGAN
from course.generative.gan.dcgan import DCGAN
from course.generative.gan.wgan import WGANGP
from course.profiles import profile
from course.validation import check_choice, check_number

FIGURES_FILE = "gan_full_mode_figures.json"  # a course.artifacts file
FIGURES_COMMAND = "python benchmarks/gan_quality.py"


def _adam(learning_rate):
    return keras.optimizers.Adam(learning_rate, beta_1=0.5)


def _lopsided():
    """A discriminator that barely learns (1e-5) against a fast generator (2e-3)."""
    return {"d_optimizer": _adam(1e-5), "g_optimizer": _adam(2e-3)}


RECIPES = {
    "dcgan": ("DCGAN, Adam(2e-4, beta_1=0.5) for both players", lambda s: (DCGAN(seed=s), {})),
    "conditional": (
        "conditional GAN (label embedded in G and D)",
        lambda s: (ConditionalGAN(seed=s), {}),
    ),
    "acgan": ("AC-GAN (auxiliary classifier head on D)", lambda s: (ACGAN(seed=s), {})),
    "wgan-gp": (
        "WGAN-GP, n_critic=5, gp_weight=10, Adam(1e-4, 0, 0.9)",
        lambda s: (WGANGP(seed=s), {}),
    ),
    "spectral-norm": (
        "DCGAN with spectral normalization in D and two-time-scale Adam (1e-4 G, 4e-4 D)",
        lambda s: (DCGAN(seed=s, spectral_norm=True), two_time_scale()),
    ),
    "collapsing": (
        "DCGAN whose generator learns 200x faster than its discriminator (2e-3 vs 1e-5)",
        lambda s: (DCGAN(seed=s), _lopsided()),
    ),
    "feature-matching": (
        "the collapsing setup with feature matching as the generator's loss",
        lambda s: (DCGAN(seed=s, feature_matching=True), _lopsided()),
    ),
}


def build(recipe, seed=0, run_eagerly=False):
    """A compiled model for one of `RECIPES`; its steps run as a graph (`tf.function`) in both
    run profiles, unless `run_eagerly=True` (for stepping through one in a debugger)."""
    check_choice("recipe", recipe, tuple(RECIPES))
    model, optimizers = RECIPES[recipe][1](seed)
    model.compile(**optimizers, run_eagerly=run_eagerly)
    return model


class EpochTimer(keras.callbacks.Callback):
    """Record the wall time of every epoch in `seconds`."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


@dataclass
class Run:
    """One trained recipe: the model, its Keras history, per-epoch times and its
    `metrics.Evaluation` under the evaluation protocol."""

    recipe: str
    model: keras.Model
    history: dict
    epoch_seconds: list
    evaluation: metrics.Evaluation

    @property
    def scores(self):
        """The evaluation's figures as a flat dict (`metrics.Evaluation.as_dict`)."""
        return self.evaluation.as_dict()

    @property
    def seconds_per_epoch(self):
        """Median epoch time, leaving out the first epoch (which includes tracing)."""
        times = self.epoch_seconds[1:] or self.epoch_seconds
        return float(np.median(times))


def score(model, n=None, seed=0, protocol=metrics.DEFAULT_PROTOCOL):
    """`metrics.Evaluation` of `n` samples (default: the run profile's
    ``gan_experiments.scored_samples``) under `protocol`: FID and KID against its reference set
    and floor, coverage, and for conditional models conditional accuracy and within-class
    diversity."""
    n = profile().gan_experiments.scored_samples if n is None else n
    check_number("n", n, 1, integer=True)
    labels = np.arange(n) % model.num_classes if model.conditional else None
    images = model.generate(n, labels=labels, seed=seed)
    return protocol.evaluate(images, labels)


def run(
    recipe, data, epochs, batch_size=64, seed=0, callbacks=(), n_samples=None, run_eagerly=False
):
    """Train `recipe` on a `Split` (labels used only by conditional models) and `score` it."""
    check_number("epochs", epochs, 1, integer=True)
    if n_samples is not None:
        check_number("n_samples", n_samples, 1, integer=True)
    keras.utils.set_random_seed(seed)
    model = build(recipe, seed, run_eagerly)
    timer = EpochTimer()
    y = data.y_train if model.conditional else None
    history = model.fit(
        data.x_train,
        y,
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
        callbacks=[timer, *callbacks],
    )
    return Run(recipe, model, history.history, timer.seconds, score(model, n_samples, seed))


def stored_figures(path=None):
    """The full-mode figures written by the benchmark, as a dict (see `FIGURES_COMMAND`).

    Reads the shipped `course.artifacts` file unless `path` names another.
    """
    return artifacts.read_figures(FIGURES_FILE, "GAN", FIGURES_COMMAND, path)
