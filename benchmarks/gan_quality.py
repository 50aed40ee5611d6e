"""GAN quality and speed on digits, full mode on CPU: the figures quoted in session07/03_gans.

    python benchmarks/gan_quality.py              # every recipe, seeds 0,1,2, 100 epochs each
    python benchmarks/gan_quality.py --seeds 1 --output /tmp/s1.json   # one seed's figures
    python benchmarks/gan_quality.py --combine /tmp/s0.json /tmp/s1.json /tmp/s2.json
    python benchmarks/gan_quality.py --recipes conditional --epochs 2 --max-samples 200 \
        --samples 100 --seeds 0,1 --output /tmp/tiny.json    # tiny size (the tests do this)

Trains each recipe of `course.generative.gan.experiments.RECIPES` on the full digits training
split (1257 images, batch 64, 20 steps per epoch) once per training seed (``--seeds``; one seed
takes about 15 min on 2 CPU cores, so the seeds can run as separate processes and be averaged
with ``--combine``) and prints, per recipe and seed: median seconds per
epoch (first epoch, which traces the step, left out) and its ratio to DCGAN's, classes covered
and predicted-class entropy of 1000 samples, and the evaluation protocol's figures
(`course.generative.metrics.DEFAULT_PROTOCOL`: FID and KID against its reference digits, with the
real-versus-real floor at the same sample size; for conditional models the conditional accuracy
and within-class diversity). The stored file holds each figure's mean over the seeds, its
standard deviation (``<figure>_std``) and the per-seed values (``per_seed``). Results go to
``data/gan_full_mode_figures.json`` (read by the notebook). The test suite runs it only at a
tiny size, to check the file it writes has the stored fields.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def measure_seed(seed, data, recipes, args):
    """Train and score every recipe once with `seed`: the figures of one seed (the per-seed file
    written by ``--seeds N`` with one seed)."""
    import tensorflow as tf

    import course
    from course.generative.gan import experiments

    course.setup(seed=seed, verbose=False)
    results = {}
    for name in recipes:
        start = time.perf_counter()
        run = experiments.run(name, data, args.epochs, seed=seed, n_samples=args.samples)
        results[name] = {
            "description": experiments.RECIPES[name][0],
            "seconds_per_epoch": round(run.seconds_per_epoch, 3),
            "first_epoch_seconds": round(run.epoch_seconds[0], 2),
            "total_seconds": round(time.perf_counter() - start, 1),
            **{k: v if isinstance(v, int) else round(float(v), 4) for k, v in run.scores.items()},
        }
        print(f"seed {seed} {name:<17} {json.dumps(results[name])}\n  {run.evaluation}", flush=True)
    return {
        "command": experiments.FIGURES_COMMAND,
        "epochs": args.epochs,
        "batch_size": 64,
        "seed": seed,
        "train_images": int(len(data.x_train)),
        "samples_scored": args.samples,
        "machine": f"{platform.machine()} CPU, {os.cpu_count()} cores, no GPU",
        "tensorflow": tf.__version__,
        "recipes": results,
    }


SETTING = ("command", "epochs", "batch_size", "train_images", "samples_scored")


def combine(per_seed):
    """The stored file from per-seed figures of the same setting: each recipe's figures are
    means over the seeds, with their standard deviation (``<figure>_std``) and per-seed values
    (`course.analysis.seed_spread.average_records`)."""
    from course.analysis.seed_spread import average_records

    first = per_seed[0]
    for figures in per_seed[1:]:
        differs = [key for key in SETTING if figures[key] != first[key]]
        if differs or figures["recipes"].keys() != first["recipes"].keys():
            raise SystemExit(f"per-seed figures measured in different settings: {differs}")
    return {
        **{key: first[key] for key in SETTING},
        "seeds": [figures["seed"] for figures in per_seed],
        "machine": first["machine"],
        "tensorflow": first["tensorflow"],
        "recipes": {
            name: average_records([figures["recipes"][name] for figures in per_seed])
            for name in first["recipes"]
        },
    }


def print_table(figures):
    recipes = figures["recipes"]
    base = recipes.get("dcgan", {}).get("seconds_per_epoch")
    print(f"\nmeans over seeds {figures['seeds']} (sd in brackets)")
    print(
        f"{'recipe':<17} {'s/epoch':>8} {'vs dcgan':>9} {'classes':>8} {'FID':>14} {'cond.acc':>9}"
    )
    for name, r in recipes.items():
        ratio = f"{r['seconds_per_epoch'] / base:.2f}x" if base else "-"
        acc = f"{r['conditional_accuracy']:.3f}" if "conditional_accuracy" in r else "-"
        fid = f"{r['fid']:.2f} ({r['fid_std']:.2f})"
        print(
            f"{name:<17} {r['seconds_per_epoch']:>8.2f} {ratio:>9} {r['classes_covered']:>8.1f} "
            f"{fid:>14} {acc:>9}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--recipes", default="all", help="comma-separated names, or 'all'")
    parser.add_argument(
        "--seeds",
        default="0,1,2",
        help="comma-separated training seeds; one seed writes that seed's figures only",
    )
    parser.add_argument(
        "--combine",
        nargs="+",
        metavar="JSON",
        help="average per-seed files (each written with --seeds N) into the output, no training",
    )
    parser.add_argument(
        "--max-samples", type=int, default=None, help="digits drawn before the split (default: all)"
    )
    parser.add_argument("--samples", type=int, default=1000, help="samples scored per recipe")
    parser.add_argument(
        "--output", default=None, help="JSON path (default: the stored figures file)"
    )
    args = parser.parse_args(argv)
    os.environ["COURSE_FAST"] = "0"

    import course
    from course.generative.gan import experiments

    if args.combine:
        per_seed = [json.loads(Path(path).read_text()) for path in args.combine]
    else:
        seeds = [int(seed) for seed in args.seeds.split(",")]
        recipes = list(experiments.RECIPES) if args.recipes == "all" else args.recipes.split(",")
        data = course.data.load_digits(max_samples=args.max_samples)
        per_seed = [measure_seed(seed, data, recipes, args) for seed in seeds]
    figures = per_seed[0] if len(per_seed) == 1 else combine(per_seed)
    if len(per_seed) > 1:
        print_table(figures)
    output = Path(args.output) if args.output else REPO_ROOT / "data" / experiments.FIGURES_FILE
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
