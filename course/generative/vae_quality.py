"""Quality figures of the autoencoder family on held-out data: reconstruction MSE, ELBO, and for
a conditional model the share of its samples that the reference digits classifier assigns to
the requested class (`course.generative.metrics.conditional_accuracy`)."""

import numpy as np

from course.validation import check_number


def reconstruction_mse(model, x, y=None, batch_size=256):
    """Mean squared pixel error of ``model.predict`` on `x` (given ``(x, y)`` when `y` is set)."""
    x = np.asarray(x, "float32")
    x_hat = model.predict(x if y is None else (x, np.asarray(y)), batch_size=batch_size, verbose=0)
    return float(np.mean(np.square(x - np.asarray(x_hat))))


def elbo(model, x, y=None, batch_size=256):
    """Average ELBO per image (nats) of a VAE on (x, y), one posterior sample per image."""
    x = np.asarray(x, "float32")
    total = 0.0
    for start in range(0, len(x), batch_size):
        stop = min(start + batch_size, len(x))
        labels = None if y is None else np.asarray(y)[start:stop]
        values = model.compute_losses(x[start:stop], labels, training=False)
        total += float(values["elbo"]) * (stop - start)
    return total / len(x)


def quality(model, x, y, samples_per_class=50, seed=0):
    """Quality figures of `model` on labelled held-out images (x, y), as a dict.

    Keys: ``reconstruction_mse``; ``elbo`` (nats per image) for a VAE; for a model with
    ``num_classes`` (a conditional VAE) ``conditional_accuracy`` of `samples_per_class`
    generated images per class, and ``fid`` (Frechet distance on reference-classifier features)
    between those samples and `x`.
    """
    from course.generative import metrics

    check_number("samples_per_class", samples_per_class, 1, integer=True)
    num_classes = getattr(model, "num_classes", None)
    report = {"reconstruction_mse": reconstruction_mse(model, x, y if num_classes else None)}
    if "elbo" in getattr(model, "loss_names", ()):
        report["elbo"] = elbo(model, x, y)
    if num_classes:
        labels = np.repeat(np.arange(num_classes), samples_per_class)
        samples = model.generate(len(labels), labels=labels, seed=seed)
        report["conditional_accuracy"] = metrics.conditional_accuracy(samples, labels)
        report["fid"] = metrics.frechet_distance(x, samples)
    return report
