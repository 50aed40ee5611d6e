"""Questions of assignment hw1_data: data preparation, augmentation and test-time augmentation.

The wheel holds what a student's check needs: each question's points and rules, the visible cases
(stored data, `course.homework.visible`) and the builders of objects sent as inputs. The hidden
cases and their references live with the instructor's sources (`grading.py`).
"""

import numpy as np

from course.homework import specs
from course.homework.engine import question
from course.homework.tasks import held_out

question("data.standardize", points=2, scratch=True, blocked=("sklearn",))
question("data.one_hot", points=1, scratch=True)
question("data.hflip", points=1, scratch=True)
question("data.center_crop", points=2, scratch=True)
question("data.mixup", points=2, scratch=True)
question("data.tta_average", points=2, scratch=True)
question(
    "data.digits_classifier",
    points=4,
    probe="model",
    visible=lambda rng: held_out("digits", 0.95, rng, hidden=False),
)


@specs.builder("tta_model")
def tta_model(weights):
    """A linear softmax classifier on flattened images: the `predict` that TTA averages."""
    weights = np.asarray(weights)

    def predict(x):
        logits = np.asarray(x).reshape(len(x), -1) @ weights
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return predict


TRANSFORMS = {
    "identity": lambda x: x,
    "flip_width": lambda x: x[:, :, ::-1],
    "roll_height": lambda x: np.roll(x, 1, axis=1),
    "flip_height": lambda x: x[:, ::-1],
}


@specs.builder("tta_transform")
def tta_transform(name):
    """One of the TTA transforms, by name."""
    return TRANSFORMS[name]
