"""Data augmentation: image layers and policies (this package), plus text, audio and tabular
augmentation in `course.augment.text`, `course.augment.audio` and `course.augment.tabular`.

`build(name, factor)` returns a Keras layer for every image technique of the notes with one
factor convention: ``factor`` is a strength in [0, 1], 0 the identity and 1 the maximum listed
by `catalog()`; `available()` lists the names. Every layer is the identity with
``training=False``. Names load on first access, so the text/audio/tabular subpackages do not
pull in the image modules.
"""

from course._lazy import lazy_exports

_EXPORTS = {
    "adapters": ("AlbumentationsAdapter", "albumentations_dataset"),
    "registry": ("FAMILIES", "MIXING", "available", "build", "catalog"),
    "geometric": ("FusedGeometric", "RandomAffine", "RandomResizedCrop"),
    "label_check": ("LabelChangeWarning", "LabelCheck", "label_preservation"),
    "mixing": ("CutMix", "MixUp", "RandomApply"),
    "offline": ("OnlineOffline", "compare_online_offline"),
    "per_class": ("PerClassAugment", "under_represented"),
    "pixel": (
        "RandomGamma",
        "RandomGaussianNoise",
        "RandomMotionBlur",
        "RandomSolarize",
        "SaltAndPepper",
    ),
    "policies": ("AutoAugment", "TrivialAugment"),
    "tta": ("default_tta_transform", "tta_gain", "tta_predict"),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
