"""Measured trade-offs of a trained `DiffusionModel` on digits: sampler steps vs wall time vs
quality, and guidance scale vs conditional accuracy vs diversity (`course.generative.metrics`)."""

import time

import numpy as np

from course.validation import check_number


def _score(images, labels, real, train=None):
    from course.generative import metrics

    report = metrics.sample_quality(images, labels, real)
    if train is not None:
        report["fid_train"] = metrics.frechet_distance(train, images)
    # Within-class diversity: mean per-pixel standard deviation over samples of one requested
    # class, averaged over classes (guidance trades this for accuracy).
    report["within_class_std"] = float(
        np.mean([images[labels == c].std(axis=0).mean() for c in np.unique(labels)])
    )
    return report


def balanced_labels(num_classes, per_class):
    """per_class copies of each class, 0, 0, ..., 1, 1, ... (the requested labels of a table)."""
    check_number("per_class", per_class, 1, integer=True)
    return np.repeat(np.arange(num_classes), per_class)


def sampler_table(
    model, real, per_class=100, ddim_steps=(10, 20, 50), guidance_scale=1.0, seeds=(0,), train=None
):
    """Rows (dicts) for DDPM with all T steps and DDIM (eta = 0) with each of `ddim_steps`:
    steps, seconds to sample 10 * per_class images, FID against `real`, conditional accuracy,
    coverage and within-class spread, each the mean over sampling `seeds` (`fid_spread` is the
    standard deviation of FID across them). With `train` images also `fid_train`: FID against
    that larger set, whose lower noise floor resolves smaller differences. A first short call
    traces the network before timing."""
    labels = balanced_labels(model.num_classes, per_class)
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
                {"seconds": time.perf_counter() - start, **_score(images, labels, real, train)}
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
    """The mean of every metric over runs (one per seed), and the spread of each FID."""
    row = {key: float(np.mean([r[key] for r in runs])) for key in runs[0]}
    for key in ("fid", "fid_train"):
        if key in runs[0]:
            row[f"{key}_spread"] = float(np.std([r[key] for r in runs]))
    return row


def guidance_table(model, real, scales=(0.0, 1.0, 2.0, 3.0, 5.0), per_class=100, steps=50, seed=0):
    """Rows for each classifier-free guidance scale (DDIM, eta = 0, `steps` steps): conditional
    accuracy, classes covered, entropy, within-class spread and FID against `real`."""
    labels = balanced_labels(model.num_classes, per_class)
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
                **_score(images, labels, real),
            }
        )
    return rows
