"""Sample-quality metrics for generated digits, shared by the GAN, VAE and diffusion models.

Image convention (every function here): images are floats in [0, 1] (the range of
`course.data.load_digits`), shaped (N, H, W, 1) or (N, H, W). Images larger than 8x8 are
resized to 8x8 with area averaging (which undoes ``load_digits(image_size=...)`` upsampling).
Generators that work in [-1, 1] must map their output back with ``(x + 1) / 2`` first; an
out-of-range batch raises `ValueError` instead of being scored wrongly.

All metrics use one frozen *reference classifier* (a small CNN trained on scikit-learn's digits
by ``scripts/train_reference_classifier.py`` and stored in ``data/``):
- `conditional_accuracy`: share of samples the classifier assigns to the requested class;
- `class_coverage`: how many classes the samples cover and the entropy of the predicted-class
  histogram (a mode-collapse score: a collapsed generator covers few classes, low entropy);
- `frechet_distance`: the Frechet distance between Gaussians fitted to the classifier's
  penultimate features of real and generated images ("FID on digits");
- `SampleGridCallback`: saves a grid of samples every few epochs during training.

Scores of generative models are computed under one `EvaluationProtocol` (``protocol.py``: the
reference digits, the sample size and the real-versus-real floor), with KID (``kid.py``) beside
FID and, for conditional models, within-class diversity (``diversity.py``).
"""

import functools
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from course import artifacts
from course.validation import check_number

# Weights only, loaded into `reference_classifier_architecture`: a whole-model .keras file saved by
# a newer Keras carries config keys an older one refuses (3.15's initializer `input_axes`).
CLASSIFIER_FILE = "reference_digits_classifier.weights.h5"  # a course.artifacts file
TRAIN_SCRIPT = "scripts/train_reference_classifier.py"
FEATURE_LAYER = "features"
IMAGE_SIZE = 8
NUM_CLASSES = 10
_RANGE_TOLERANCE = 1e-3


def reference_classifier_architecture():
    """The reference classifier's architecture, untrained: two conv/pool stages, a 64-unit
    feature layer (named `FEATURE_LAYER`, for the Frechet distance), dropout, 10 logits."""
    layers = keras.layers
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1), name="image")
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, activation="relu", name=FEATURE_LAYER)(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(NUM_CLASSES, name="logits")(x)
    return keras.Model(inputs, outputs, name="reference_digits_classifier")


@functools.lru_cache(maxsize=4)
def _load(path):
    model = reference_classifier_architecture()
    model.load_weights(path)
    model.trainable = False
    features = keras.Model(model.input, [model.get_layer(FEATURE_LAYER).output, model.outputs[0]])
    return model, features


def _models(path=None):
    """(classifier, feature extractor) loaded from `path` (default: the shipped artifact)."""
    path = Path(path) if path is not None else artifacts.path(CLASSIFIER_FILE)
    if not path.exists():
        raise FileNotFoundError(
            f"reference classifier not found at {path}; rebuild it with "
            f"`python {TRAIN_SCRIPT}` from the repository root"
        )
    return _load(str(path.resolve()))


def reference_classifier(path=None):
    """The frozen reference digits classifier (8x8x1 images in [0, 1] -> 10 logits).

    `reference_classifier_architecture` with the shipped ``reference_digits_classifier.weights.h5``
    (or the weights file `path`), loaded once and cached. Raises
    `FileNotFoundError` naming the script that rebuilds the file when it is missing.
    """
    return _models(path)[0]


def check_images(images, name="images"):
    """Check the image convention; return float32 images (N, H, W, 1) clipped to [0, 1]."""
    x = np.asarray(images, dtype="float32")
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] != 1 or len(x) == 0:
        raise ValueError(
            f"{name} must be a non-empty batch of shape (N, H, W) or (N, H, W, 1), "
            f"got shape {x.shape}"
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or Inf")
    low, high = float(x.min()), float(x.max())
    if low < -_RANGE_TOLERANCE or high > 1 + _RANGE_TOLERANCE:
        raise ValueError(
            f"{name} must be in [0, 1] (map [-1, 1] generator output with (x + 1) / 2), "
            f"got values in [{low:.3f}, {high:.3f}]"
        )
    return np.clip(x, 0.0, 1.0)


def prepare_images(images, name="images"):
    """Check the image convention and return float32 images of shape (N, 8, 8, 1)."""
    x = check_images(images, name)
    if x.shape[1:3] != (IMAGE_SIZE, IMAGE_SIZE):
        import tensorflow as tf

        x = tf.image.resize(x, (IMAGE_SIZE, IMAGE_SIZE), method="area").numpy()
    return x


def _forward(images, path=None, batch_size=512):
    """(features, logits) of the reference classifier, as NumPy arrays."""
    extractor = _models(path)[1]
    x = prepare_images(images)
    feats, logits = [], []
    for start in range(0, len(x), batch_size):
        f, o = extractor(x[start : start + batch_size], training=False)
        feats.append(np.asarray(f, dtype="float64"))
        logits.append(np.asarray(o, dtype="float64"))
    return np.concatenate(feats), np.concatenate(logits)


def classify(images, path=None):
    """Predicted digit (0-9) of each image, by the reference classifier."""
    return _forward(images, path)[1].argmax(axis=1)


def classifier_features(images, path=None):
    """Penultimate-layer features of the reference classifier, shape (N, 64), float64."""
    return _forward(images, path)[0]


def conditional_accuracy(images, requested_labels, path=None):
    """Share of generated images that the reference classifier assigns to the requested class."""
    labels = np.asarray(requested_labels).reshape(-1)
    if len(labels) != len(images):
        raise ValueError(
            f"requested_labels must have one label per image: got {len(labels)} labels "
            f"for {len(images)} images"
        )
    return float(np.mean(classify(images, path) == labels))


@dataclass(frozen=True)
class Coverage:
    """Which classes a batch of samples covers: the mode-collapse diagnosis.

    `histogram` is the share of samples per predicted class; `classes_covered` counts classes
    holding at least `min_share` of them; `entropy` is in nats and `normalized_entropy` divides
    it by log(num_classes) (1 = all classes equally often, 0 = a single class).
    """

    histogram: np.ndarray
    classes_covered: int
    entropy: float
    normalized_entropy: float
    min_share: float

    @property
    def collapse_score(self):
        """1 - normalized entropy: 0 for uniform class coverage, 1 for full mode collapse."""
        return 1.0 - self.normalized_entropy

    def __str__(self):
        return (
            f"{self.classes_covered}/{len(self.histogram)} classes covered, "
            f"entropy {self.entropy:.3f} nats (normalized {self.normalized_entropy:.3f})"
        )


def coverage_from_labels(predicted, num_classes=NUM_CLASSES, min_share=0.02):
    """`Coverage` of a vector of predicted class indices (no classifier involved)."""
    check_number("num_classes", num_classes, 2, integer=True)
    check_number("min_share", min_share, 0, 1, high_open=True)
    predicted = np.asarray(predicted).reshape(-1)
    if len(predicted) == 0:
        raise ValueError("predicted must hold at least one label")
    counts = np.bincount(predicted, minlength=num_classes)[:num_classes]
    hist = counts / counts.sum()
    nonzero = hist[hist > 0]
    entropy = (
        float(-(nonzero * np.log(nonzero)).sum()) + 0.0
    )  # + 0.0 turns -0.0 (one class) into 0.0
    covered = int(np.sum(hist >= max(min_share, 1e-12)))
    return Coverage(hist, covered, entropy, float(entropy / np.log(num_classes)), min_share)


def class_coverage(images, min_share=0.02, path=None):
    """`Coverage` of generated images: classes covered and predicted-class entropy."""
    return coverage_from_labels(classify(images, path), NUM_CLASSES, min_share)


def frechet_distance_from_stats(mu1, sigma1, mu2, sigma2):
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)) between two Gaussians.

    In 1-D this is (mu1 - mu2)^2 + (s1 - s2)^2 with s the standard deviations. The trace of
    (S1 S2)^(1/2) is computed as that of the symmetric (S1^(1/2) S2 S1^(1/2))^(1/2), from
    eigenvalues clipped at 0, which stays stable when the covariances are singular (dead ReLU
    features).
    """
    mu1, mu2 = np.atleast_1d(mu1).astype("float64"), np.atleast_1d(mu2).astype("float64")
    sigma1, sigma2 = (
        np.atleast_2d(sigma1).astype("float64"),
        np.atleast_2d(sigma2).astype("float64"),
    )
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape or sigma1.shape != mu1.shape * 2:
        raise ValueError(
            f"mismatched statistics: means {mu1.shape} and {mu2.shape}, "
            f"covariances {sigma1.shape} and {sigma2.shape}"
        )
    values, vectors = np.linalg.eigh(sigma1)
    root1 = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = root1 @ sigma2 @ root1
    trace_covmean = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    diff = mu1 - mu2
    value = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_covmean
    return float(max(value, 0.0))


def gaussian_stats(features):
    """Mean and covariance (rows are samples) of a feature matrix."""
    features = np.asarray(features, dtype="float64")
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"features must be a (N >= 2, D) matrix, got shape {features.shape}")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet_distance(real, fake, path=None):
    """ "FID on digits": Frechet distance between reference-classifier features of two image sets.

    Both sets follow the module's image convention; use a few hundred images per set or more
    (the 64x64 covariance is noisy below that). Identical sets give ~0.
    """
    mu1, s1 = gaussian_stats(classifier_features(real, path))
    mu2, s2 = gaussian_stats(classifier_features(fake, path))
    return frechet_distance_from_stats(mu1, s1, mu2, s2)


def sample_quality(images, requested_labels=None, real=None, path=None):
    """All metrics at once as a dict: coverage, entropy, and if given, conditional accuracy and
    FID."""
    cov = class_coverage(images, path=path)
    report = {
        "classes_covered": cov.classes_covered,
        "entropy": cov.entropy,
        "normalized_entropy": cov.normalized_entropy,
    }
    if requested_labels is not None:
        report["conditional_accuracy"] = conditional_accuracy(images, requested_labels, path)
    if real is not None:
        report["fid"] = frechet_distance(real, images, path)
    return report


def save_image_grid(images, path, labels=None, ncols=8, title=None):
    """Write images (in [0, 1]) as one PNG grid headed by `title`; returns the path."""
    import matplotlib.pyplot as plt

    from course.viz import image_grid

    fig = image_grid(check_images(images), labels=labels, ncols=ncols, title=title)
    for ax in fig.axes:
        for img in ax.get_images():
            img.set_clim(0.0, 1.0)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


class SampleGridCallback(keras.callbacks.Callback):
    """Save a PNG grid of samples every `every` epochs (``epoch_003.png``, ...) under `directory`.

    `sample_fn(model)` returns images in [0, 1]; by default the model's
    ``generate(num_samples, labels=labels, seed=seed)`` is called, the convention the course's
    generative models follow. The same seed every epoch shows one fixed set of latent vectors
    evolving. `paths` lists the files written.
    """

    def __init__(
        self, directory, every=1, num_samples=16, labels=None, seed=0, sample_fn=None, ncols=8
    ):
        super().__init__()
        check_number("every", every, 1, integer=True)
        check_number("num_samples", num_samples, 1, integer=True)
        self.labels = None if labels is None else np.asarray(labels).reshape(-1)
        if self.labels is not None and len(self.labels) != num_samples:
            raise ValueError(
                f"labels must hold num_samples={num_samples} entries, got {len(self.labels)}"
            )
        self.directory = Path(directory)
        self.every, self.num_samples, self.seed, self.ncols = every, num_samples, seed, ncols
        self.sample_fn = sample_fn
        self.paths = []

    def _samples(self):
        if self.sample_fn is not None:
            return self.sample_fn(self.model)
        if not hasattr(self.model, "generate"):
            raise TypeError(f"{type(self.model).__name__} has no generate(); pass sample_fn")
        kwargs = {"seed": self.seed}
        if self.labels is not None:
            kwargs["labels"] = self.labels
        return self.model.generate(self.num_samples, **kwargs)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        path = self.directory / f"epoch_{epoch + 1:03d}.png"
        self.paths.append(
            save_image_grid(self._samples(), path, self.labels, self.ncols, f"epoch {epoch + 1}")
        )


# The protocol modules build on the classifier above, so they are imported last.
from course.generative.metrics.diversity import Diversity, within_class_diversity  # noqa: E402, F401
from course.generative.metrics.kid import (  # noqa: E402, F401
    kernel_inception_distance,
    mmd2_unbiased,
    polynomial_kernel,
)
from course.generative.metrics.protocol import (  # noqa: E402, F401
    DEFAULT_PROTOCOL,
    Evaluation,
    EvaluationProtocol,
    evaluate,
)
