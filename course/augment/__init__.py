"""Data augmentation: image layers and policies (this package), plus text, audio and tabular
augmentation in `course.augment.text`, `course.augment.audio` and `course.augment.tabular`.

`build(name, factor)` returns a Keras layer for every image technique of the notes with one
factor convention: ``factor`` is a strength in [0, 1], 0 the identity and 1 the maximum listed
by `catalog()`; `available()` lists the names. Every layer is the identity with
``training=False``. Names load on first access, so the text/audio/tabular subpackages do not
pull in the image modules.
"""
import importlib

_EXPORTS = {
    "adapters": ("AlbumentationsAdapter", "albumentations_dataset"),
    "registry": ("FAMILIES", "MIXING", "available", "build", "catalog"),
    "geometric": ("FusedGeometric", "RandomAffine", "RandomResizedCrop"),
    "label_check": ("LabelChangeWarning", "LabelCheck", "label_preservation"),
    "mixing": ("CutMix", "MixUp", "RandomApply"),
    "offline": ("OnlineOffline", "compare_online_offline"),
    "per_class": ("PerClassAugment", "under_represented"),
    "pixel": ("RandomGamma", "RandomGaussianNoise", "RandomMotionBlur", "RandomSolarize",
              "SaltAndPepper"),
    "policies": ("AutoAugment", "TrivialAugment"),
    "tta": ("default_tta_transform", "tta_gain", "tta_predict"),
}
_OWNER = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_OWNER)


def __getattr__(name):
    if name in _OWNER:
        value = getattr(importlib.import_module(f"course.augment.{_OWNER[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'course.augment' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
