"""Questions of assignment hw2_transfer: ensembling (voting, error theory) and transfer learning.

The wheel holds what a student's check needs: each question's points and rules, the visible cases
(stored data, `course.homework.visible`), judges and the builders of objects sent as inputs. The
hidden cases and their references live with the instructor's sources (`grading.py`).
"""

import numpy as np

from course.homework import specs
from course.homework.engine import Case, judge_named, question
from course.homework.tasks import held_out


@judge_named("small_probability")
def small_probability(got, case):
    """A number in (0, 0.01): all a student's check can say about a value graded in private."""
    assert isinstance(got, float) and 0 < got < 0.01, (
        f"expected a probability below 0.01, got {got!r}"
    )


@judge_named("same_flags")
def same_flags(got, case):
    """The trainable flags the answer left on the model are the expected ones."""
    assert list(got) == list(case.expected), (
        f"{case.what}: expected trainable flags {list(case.expected)}, got {got} "
        "(the last n layers trainable, every BatchNormalization frozen)"
    )


def backbone_batchnorm_kept(got, case):
    """The pretrained backbone's BatchNorm layers are in the model, their moving means unchanged."""
    from course.transfer import pretrained_digits_backbone

    reference = {
        layer.name: np.asarray(layer.moving_mean)
        for layer in pretrained_digits_backbone().layers
        if "BatchNorm" in type(layer).__name__
    }
    found = {name: mean for name, mean in got["moving_means"].items() if name in reference}
    assert found, "the model must contain the pretrained backbone's BatchNormalization layers"
    for name, mean in found.items():
        drift = (
            float(np.max(np.abs(np.asarray(mean) - reference[name])))
            if np.shape(mean) == reference[name].shape
            else float("inf")
        )
        assert drift < 1e-6, (
            f"BatchNorm {name!r}: moving mean drifted by {drift:.3g} during fine-tuning; "
            "set trainable=False on each BatchNormalization layer"
        )


question("ens.hard_vote", points=2, scratch=True)
question("ens.soft_vote", points=1, scratch=True)
question("ens.majority_vote_error", points=2, scratch=True, blocked=("scipy",))
question(
    "ens.notes_formula_error",
    points=1,
    probe="value",
    visible=lambda rng: [Case((), None, "a probability below 0.01", judge=small_probability)],
)
question("tl.strategy", points=1)
question("tl.unfreeze_top", points=2, probe="trainable_flags")
question(
    "tl.finetuned_backbone",
    points=4,
    probe="model",
    visible=lambda rng: held_out(
        "transfer", 0.75, rng, hidden=False, judge=backbone_batchnorm_kept
    ),
)


def small_model():
    """Dense -> BatchNormalization, twice, then Dense(3): a stack with BN layers to freeze."""
    import keras

    from course.models import mlp

    return mlp(
        6,
        3,
        hidden=(5, 4),
        activation=None,
        output_activation=None,
        norm=keras.layers.BatchNormalization,
        use_bias=True,
    )


@specs.builder("frozen_small_bn_model")
def frozen_small_model():
    """The small model with every layer frozen: `unfreeze_top` unfreezes some of them."""
    model = small_model()
    for layer in model.layers:
        layer.trainable = False
    return model
