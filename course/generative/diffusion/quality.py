"""Measured trade-offs of a trained `DiffusionModel` on digits: sampler steps vs wall time vs
quality, and guidance scale vs conditional accuracy vs diversity, all scored under one
`course.generative.metrics.EvaluationProtocol`."""

import time

import numpy as np

from course.generative.metrics import DEFAULT_PROTOCOL
from course.validation import check_number


def _score(images, labels, protocol):
    """The `protocol`'s figures of one sample as a flat dict (see `metrics.Evaluation`)."""
    return protocol.evaluate(images, labels).as_dict()


def balanced_labels(num_classes, per_class):
    """per_class copies of each class, 0, 0, ..., 1, 1, ... (the requested labels of a table)."""
    check_number("per_class", per_class, 1, integer=True)
    return np.repeat(np.arange(num_classes), per_class)


def _requested_labels(model, per_class, protocol):
    """Balanced labels for `model`, `per_class` each (default: the protocol's sample size)."""
    return balanced_labels(model.num_classes, per_class or protocol.samples // model.num_classes)


def sampler_table(
    model,
    per_class=None,
    ddim_steps=(10, 20, 50),
    guidance_scale=1.0,
    seeds=(0,),
    protocol=DEFAULT_PROTOCOL,
):
    """Rows (dicts) for DDPM with all T steps and DDIM (eta = 0) with each of `ddim_steps`:
    steps, seconds to sample num_classes * per_class images (default: the `protocol`'s sample
    size) and the `protocol`'s figures (FID, KID, their floor, conditional accuracy, coverage,
    within-class diversity), each the mean over sampling `seeds` (``fid_spread`` and
    ``kid_spread`` are the standard deviations across them). A first short call traces the
    network before timing."""
    labels = _requested_labels(model, per_class, protocol)
    seeds = _check_seeds(seeds)
    model.generate(
        len(labels), labels=labels, seed=seeds[0], steps=1, guidance_scale=guidance_scale
    )
    configs = [("ddpm", None)] + [("ddim", s) for s in ddim_steps if s <= model.timesteps]
    rows = []
    for sampler, steps in configs:
        runs = []
        for seed in seeds:
            start = time.perf_counter()
            images = model.generate(
                len(labels),
                labels=labels,
                seed=seed,
                sampler=sampler,
                steps=steps,
                guidance_scale=guidance_scale,
            )
            runs.append(
                {"seconds": time.perf_counter() - start, **_score(images, labels, protocol)}
            )
        rows.append(
            {
                "sampler": sampler,
                "steps": steps or model.timesteps,
                "seeds": len(seeds),
                **_mean_over_runs(runs),
            }
        )
    return rows


def _check_seeds(seeds):
    seeds = list(seeds) if isinstance(seeds, (list, tuple, range)) else [seeds]
    if not seeds:
        raise ValueError("seeds must name at least one sampling seed, got an empty sequence")
    return [check_number("seeds", s, 0, integer=True) for s in seeds]


def _mean_over_runs(runs):
    """The mean of every metric over runs (one per seed), and the spread of FID and KID."""
    row = {key: float(np.mean([r[key] for r in runs])) for key in runs[0]}
    for key in ("fid", "kid"):
        row[f"{key}_spread"] = float(np.std([r[key] for r in runs]))
    return row


def guidance_table(
    model,
    scales=(0.0, 1.0, 2.0, 3.0, 5.0),
    per_class=None,
    steps=50,
    seed=0,
    protocol=DEFAULT_PROTOCOL,
):
    """Rows for each classifier-free guidance scale (DDIM, eta = 0, `steps` steps): the
    `protocol`'s figures of num_classes * per_class samples (default: its sample size)."""
    labels = _requested_labels(model, per_class, protocol)
    rows = []
    for scale in scales:
        start = time.perf_counter()
        images = model.generate(
            len(labels),
            labels=labels,
            seed=seed,
            steps=min(steps, model.timesteps),
            guidance_scale=scale,
        )
        rows.append(
            {
                "guidance_scale": scale,
                "seconds": time.perf_counter() - start,
                **_score(images, labels, protocol),
            }
        )
    return rows
