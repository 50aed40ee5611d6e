"""Semi-supervised learning (Session 7 section 6): learning from few labels and many unlabelled
examples, here by pseudo-labelling (`pseudo_labelling`)."""

from course.semisupervised.pseudo_labels import (
    PseudoLabelResult,
    labelled_subset,
    make_classifier,
    pseudo_labelling,
)

__all__ = ["PseudoLabelResult", "labelled_subset", "make_classifier", "pseudo_labelling"]
