"""Questions of assignment hw3_regularization: Dropout and BatchNorm.

The wheel holds what a student's check needs: each question's points and rules, the visible cases
(stored data, `course.homework.visible`) and judges. The hidden cases and their references (Keras
layers) live with the instructor's sources (`grading.py`).
"""

from course.homework.engine import Case, question
from course.homework.tasks import held_out


def a_scale(got, case):
    """A number in (0, 1]: all a student's check can say about a value graded in private."""
    assert isinstance(got, (int, float)) and not isinstance(got, bool) and 0 < got <= 1, (
        f"expected a number in (0, 1], got {got!r}"
    )


def has_dropout_and_batchnorm(got, case):
    """The probed model contains Dropout and BatchNormalization layers."""
    kinds = set(got["layers"])
    assert {"Dropout", "BatchNormalization"} <= kinds, (
        "the model must contain Dropout and BatchNormalization layers; its layers are "
        f"{sorted(kinds)}"
    )


question("reg.inverted_dropout", points=2, scratch=True)
question(
    "reg.classic_dropout_scale",
    points=1,
    probe="value",
    visible=lambda rng: [Case((), None, "a scale in (0, 1]", judge=a_scale)],
)
question("reg.batchnorm_train", points=2, scratch=True)
question("reg.batchnorm_inference", points=2, scratch=True)
question("reg.layernorm", points=2, scratch=True)
question("reg.bn_param_counts", points=1, scratch=True)
question(
    "reg.regularized_classifier",
    points=4,
    probe="model",
    visible=lambda rng: held_out(
        "digits", 0.93, rng, hidden=False, judge=has_dropout_and_batchnorm
    ),
)
