"""The frozen reference classifier behind every sample-quality metric: its architecture and
shipped weights, the image convention (floats in [0, 1], resized to 8x8), its features and
predicted classes, conditional accuracy and class coverage."""

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


def forward(images, path=None, batch_size=512):
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
    return forward(images, path)[1].argmax(axis=1)


def classifier_features(images, path=None):
    """Penultimate-layer features of the reference classifier, shape (N, 64), float64."""
    return forward(images, path)[0]


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
