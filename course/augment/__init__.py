"""Data augmentation: image layers and policies (this package), plus text, audio and tabular
augmentation in `course.augment.text`, `course.augment.audio` and `course.augment.tabular`."""
