"""Quality figures of the autoencoder family on held-out data: reconstruction MSE, ELBO, and for
a conditional model its samples scored under `course.generative.metrics.EvaluationProtocol`."""

import numpy as np

from course.validation import check_number


def reconstruction_mse(model, x, y=None, batch_size=256):
    """Mean squared pixel error of ``model.predict`` on `x` (given ``(x, y)`` when `y` is set)."""
    x = np.asarray(x, "float32")
    x_hat = model.predict(x if y is None else (x, np.asarray(y)), batch_size=batch_size, verbose=0)
    return float(np.mean(np.square(x - np.asarray(x_hat))))


def _mean_losses(model, x, y=None, batch_size=256):
    """The VAE's ``compute_losses`` (one posterior sample per image) averaged over (x, y)."""
    x = np.asarray(x, "float32")
    totals = {"elbo": 0.0, "kl_loss": 0.0}
    for start in range(0, len(x), batch_size):
        stop = min(start + batch_size, len(x))
        labels = None if y is None else np.asarray(y)[start:stop]
        values = model.compute_losses(x[start:stop], labels, training=False)
        for name in totals:
            totals[name] += float(values[name]) * (stop - start)
    return {name: total / len(x) for name, total in totals.items()}


def elbo(model, x, y=None, batch_size=256):
    """Average ELBO per image (nats) of a VAE on (x, y), one posterior sample per image."""
    return _mean_losses(model, x, y, batch_size)["elbo"]


def quality(model, x, y, samples_per_class=None, seed=0, protocol=None):
    """Quality figures of `model` on labelled held-out images (x, y), as a dict.

    Keys: ``reconstruction_mse``; ``elbo`` and ``kl`` (the KL term: nats per image the code
    carries about x; near 0 is posterior collapse) for a VAE; for a model with
    ``num_classes`` (a conditional VAE) the figures of `samples_per_class` generated images per
    class (default: the protocol's sample size) under `protocol` (default
    `metrics.DEFAULT_PROTOCOL`): ``fid``, ``kid``, their ``floor_*``, ``conditional_accuracy``,
    ``diversity_ratio`` and coverage (see `metrics.Evaluation.as_dict`).
    """
    from course.generative import metrics

    protocol = protocol or metrics.DEFAULT_PROTOCOL
    num_classes = getattr(model, "num_classes", None)
    if samples_per_class is None:
        samples_per_class = protocol.samples // (num_classes or 1)
    check_number("samples_per_class", samples_per_class, 1, integer=True)
    report = {"reconstruction_mse": reconstruction_mse(model, x, y if num_classes else None)}
    if "elbo" in getattr(model, "loss_names", ()):
        losses = _mean_losses(model, x, y if num_classes else None)
        report["elbo"], report["kl"] = losses["elbo"], losses["kl_loss"]
    if num_classes:
        labels = np.repeat(np.arange(num_classes), samples_per_class)
        samples = model.generate(len(labels), labels=labels, seed=seed)
        report.update(protocol.evaluate(samples, labels).as_dict())
    return report
