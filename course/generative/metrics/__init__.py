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

from course.generative.metrics.diversity import Diversity, within_class_diversity
from course.generative.metrics.fid import (
    frechet_distance,
    frechet_distance_from_stats,
    gaussian_stats,
    sample_quality,
)
from course.generative.metrics.grids import SampleGridCallback, save_image_grid
from course.generative.metrics.kid import (
    kernel_inception_distance,
    mmd2_unbiased,
    polynomial_kernel,
)
from course.generative.metrics.protocol import (
    DEFAULT_PROTOCOL,
    Evaluation,
    EvaluationProtocol,
    evaluate,
)
from course.generative.metrics.reference import (
    CLASSIFIER_FILE,
    FEATURE_LAYER,
    IMAGE_SIZE,
    NUM_CLASSES,
    TRAIN_SCRIPT,
    Coverage,
    check_images,
    class_coverage,
    classifier_features,
    classify,
    conditional_accuracy,
    coverage_from_labels,
    forward,
    prepare_images,
    reference_classifier,
    reference_classifier_architecture,
)

__all__ = [
    "CLASSIFIER_FILE",
    "DEFAULT_PROTOCOL",
    "FEATURE_LAYER",
    "IMAGE_SIZE",
    "NUM_CLASSES",
    "TRAIN_SCRIPT",
    "Coverage",
    "Diversity",
    "Evaluation",
    "EvaluationProtocol",
    "SampleGridCallback",
    "check_images",
    "class_coverage",
    "classifier_features",
    "classify",
    "conditional_accuracy",
    "coverage_from_labels",
    "evaluate",
    "forward",
    "frechet_distance",
    "frechet_distance_from_stats",
    "gaussian_stats",
    "kernel_inception_distance",
    "mmd2_unbiased",
    "polynomial_kernel",
    "prepare_images",
    "reference_classifier",
    "reference_classifier_architecture",
    "sample_quality",
    "save_image_grid",
    "within_class_diversity",
]
