"""One-vs-rest (section 10): six sigmoid outputs with summed BCE against one softmax head.

Each sigmoid output answers its own "is it fruit k?" question, so the outputs need not sum to 1
and several can be on at once (multi-label). A softmax head shares one unit of probability
between the classes: right for mutually exclusive classes, unable to say "apple and banana".
"""

import keras
import numpy as np

from course.data.fruits import FRUITS
from course.models.dense import mlp
from course.nn.losses import categorical_crossentropy, summed_binary_crossentropy
from course.profiles import profile
from course.train.full_batch import train_full_batch
from course.validation import check_choice

HEADS = ("sigmoid", "softmax")


def head_model(x_train, head="sigmoid", hidden=32, n_outputs=None, seed=0):
    """Standardise (adapted on `x_train`) -> Dense(hidden, relu) -> Dense(n_outputs, head).

    n_outputs: None means one output per fruit (6)."""
    check_choice("head", head, HEADS)
    if n_outputs is None:
        n_outputs = len(FRUITS)
    norm = keras.layers.Normalization()
    norm.adapt(np.asarray(x_train, dtype="float32"))
    return mlp(
        x_train.shape[1],
        n_outputs,
        hidden=(hidden,),
        output_activation=head,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        preprocessing=[norm],
    )


def head_loss(head):
    """The matching loss: summed BCE for sigmoid outputs, categorical CE for softmax."""
    check_choice("head", head, HEADS)
    return summed_binary_crossentropy if head == "sigmoid" else categorical_crossentropy


def train_head(x_train, targets, head="sigmoid", steps=None, seed=0, learning_rate=0.02):
    """Build and train one head on multi-hot or one-hot `targets`; returns (model, history).

    A softmax head cannot output several 1s, so multi-hot targets are divided by their sum
    (the closest distribution: 1/2 each for two fruits) before categorical cross-entropy.
    """
    keras.utils.set_random_seed(seed)
    targets = np.asarray(targets, dtype="float32")
    if head == "softmax":
        targets = targets / targets.sum(axis=1, keepdims=True)
    model = head_model(x_train, head, n_outputs=targets.shape[1], seed=seed)
    steps = profile().ovr.steps if steps is None else steps
    history = train_full_batch(model, x_train, targets, head_loss(head), steps, learning_rate)
    return model, history


def single_label_report(model, x, labels):
    """Accuracy (argmax) and how far the outputs' sum strays from 1, for one-label data."""
    p = np.asarray(model(x))
    sums = p.sum(axis=1)
    return {
        "accuracy": float(np.mean(p.argmax(axis=1) == labels)),
        "sum_min": float(sums.min()),
        "sum_max": float(sums.max()),
        "sum_mean": float(sums.mean()),
    }


def multi_label_report(model, x, y_multi, threshold=0.5):
    """Exact-match rate, per-label accuracy and recall of present fruits at `threshold`."""
    predicted = np.asarray(model(x)) > threshold
    truth = np.asarray(y_multi) > 0.5
    return {
        "exact_match": float(np.mean(np.all(predicted == truth, axis=1))),
        "label_accuracy": float(np.mean(predicted == truth)),
        "recall": float(np.sum(predicted & truth) / np.sum(truth)),
    }
