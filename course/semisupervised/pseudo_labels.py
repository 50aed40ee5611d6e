"""Semi-supervised learning by pseudo-labelling (Session 7 section 6).

With few labels and many unlabelled examples: train on the labels, label the unlabelled pool
with the model's confident predictions (probability >= `threshold`), retrain on both, repeat.
`pseudo_labelling` measures the gain over the supervised-only baseline trained on the same
labels, and how often the pseudo-labels were right (known here because the pool is labelled
data with the labels hidden). It keeps which test items each model got right, so the baseline
and the pseudo-labelled model can be compared item by item over several seeds
(`course.analysis.comparison.compare`, McNemar on the per-item correctness).
"""

from dataclasses import dataclass, field

import numpy as np

from course.data.split import check_split
from course.profiles import profile
from course.validation import check_examples, check_number


def labelled_subset(y, n_labelled, seed=0):
    """Indices of `n_labelled` examples, as balanced over the classes as possible (seeded)."""
    y = check_examples("y", y, ndim=1)
    classes = np.unique(y)
    check_number("n_labelled", n_labelled, len(classes), len(y), integer=True)
    rng = np.random.default_rng(seed)
    per_class = [rng.permutation(np.flatnonzero(y == c)) for c in classes]
    chosen, depth = [], 0
    while len(chosen) < n_labelled:
        chosen += [idx[depth] for idx in per_class if depth < len(idx)][: n_labelled - len(chosen)]
        depth += 1
    return np.sort(np.array(chosen))


def make_classifier(input_shape, num_classes, learning_rate=1e-2):
    """The default classifier: `course.models.mlp` with 64 ReLU units, compiled for integer
    labels."""
    from course.models import mlp_classifier

    return mlp_classifier(input_shape, num_classes, hidden=(64,), learning_rate=learning_rate)


@dataclass
class PseudoLabelResult:
    """Test accuracy of the supervised-only baseline and of each pseudo-labelling round.

    `baseline_correct` and `round_correct` hold the per-item correctness (bool, one per test
    item, in the split's order) of the baseline and of each round's model.
    """

    n_labelled: int
    baseline_accuracy: float
    round_accuracies: list = field(default_factory=list)
    pseudo_labels_added: list = field(default_factory=list)
    pseudo_label_precision: list = field(default_factory=list)
    baseline_correct: np.ndarray | None = None
    round_correct: list = field(default_factory=list)

    @property
    def final_accuracy(self):
        return self.round_accuracies[-1] if self.round_accuracies else self.baseline_accuracy

    @property
    def final_correct(self):
        """Per-item test correctness of the last model (the baseline's if no round ran)."""
        return self.round_correct[-1] if self.round_correct else self.baseline_correct

    @property
    def gain(self):
        """Final accuracy minus the baseline's (in accuracy points, 0.05 = 5 %)."""
        return self.final_accuracy - self.baseline_accuracy

    def __str__(self):
        lines = [
            f"{self.n_labelled} labels, supervised only: test accuracy {self.baseline_accuracy:.3f}"
        ]
        for i, (acc, added, prec) in enumerate(
            zip(self.round_accuracies, self.pseudo_labels_added, self.pseudo_label_precision),
            start=1,
        ):
            lines.append(
                f"round {i}: +{added} pseudo-labels ({prec:.1%} correct) -> test accuracy {acc:.3f}"
            )
        return "\n".join(lines)


def pseudo_labelling(
    split, n_labelled=50, threshold=0.9, rounds=3, epochs=None, seed=0, classifier=make_classifier
):
    """Pseudo-labelling on ``split``'s training set with only `n_labelled` labels kept.

    Each round retrains a fresh `classifier(input_shape, num_classes)` on the labelled examples
    plus the unlabelled ones the previous model predicts with probability >= `threshold`.
    `seed` draws which `n_labelled` examples keep their labels (`labelled_subset`) and the
    initial weights and batch order of every model trained.
    """
    import keras

    check_split("split", split)
    check_number("threshold", threshold, 0, 1, low_open=True)
    check_number("rounds", rounds, 1, integer=True)
    epochs = profile().pseudo_labels.epochs if epochs is None else epochs
    check_number("epochs", epochs, 1, integer=True)
    labelled = labelled_subset(split.y_train, n_labelled, seed)
    pool = np.setdiff1d(np.arange(len(split.y_train)), labelled)
    x_lab, y_lab = split.x_train[labelled], split.y_train[labelled]
    x_pool, y_pool_hidden = split.x_train[pool], split.y_train[pool]

    def train(x, y):
        keras.utils.set_random_seed(seed)
        model = classifier(split.input_shape, split.num_classes)
        # Few labels make few batches per epoch; repeat small sets so every round sees
        # a similar number of gradient steps.
        repeats = max(1, 512 // len(x))
        model.fit(
            np.repeat(x, repeats, axis=0),
            np.repeat(y, repeats, axis=0),
            epochs=epochs,
            batch_size=64,
            verbose=0,
            shuffle=True,
        )
        return model

    def accuracy(model):
        return float(
            model.evaluate(split.x_test, split.y_test, verbose=0, return_dict=True)["accuracy"]
        )

    def correct(model):
        return model.predict(split.x_test, verbose=0).argmax(axis=1) == split.y_test

    model = train(x_lab, y_lab)
    result = PseudoLabelResult(int(n_labelled), accuracy(model), baseline_correct=correct(model))
    for _ in range(rounds):
        probs = model.predict(x_pool, verbose=0)
        confident = probs.max(axis=1) >= threshold
        pseudo = probs.argmax(axis=1)[confident]
        model = train(np.concatenate([x_lab, x_pool[confident]]), np.concatenate([y_lab, pseudo]))
        result.round_accuracies.append(accuracy(model))
        result.round_correct.append(correct(model))
        result.pseudo_labels_added.append(int(confident.sum()))
        result.pseudo_label_precision.append(
            float(np.mean(pseudo == y_pool_hidden[confident])) if confident.any() else float("nan")
        )
    return result
