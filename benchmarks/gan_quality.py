"""GAN quality and speed on digits, full mode on CPU: the figures quoted in session07/03_gans.

    python benchmarks/gan_quality.py              # every recipe, 100 epochs, writes the JSON
    python benchmarks/gan_quality.py --recipes conditional --epochs 100 --output /tmp/x.json
    python benchmarks/gan_quality.py --recipes conditional --epochs 2 --max-samples 200 \
        --samples 100 --output /tmp/tiny.json    # the same file at a tiny size (the tests do this)

Trains each recipe of `course.generative.gan.experiments.RECIPES` on the full digits training
split (1257 images, batch 64, 20 steps per epoch) and prints, per recipe: median seconds per
epoch (first epoch, which traces the step, left out) and its ratio to DCGAN's, classes covered
and predicted-class entropy of 1000 samples, and the evaluation protocol's figures
(`course.generative.metrics.DEFAULT_PROTOCOL`: FID and KID against its reference digits, with the
real-versus-real floor at the same sample size; for conditional models the conditional accuracy
and within-class diversity). Results go to
``data/gan_full_mode_figures.json`` (read by the notebook). Never run by the test suite.
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--recipes", default="all", help="comma-separated names, or 'all'")
    parser.add_argument("--seed", type=int, default=0)
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

    course.setup(seed=args.seed, verbose=False)
    import tensorflow as tf

    recipes = list(experiments.RECIPES) if args.recipes == "all" else args.recipes.split(",")
    data = course.data.load_digits(max_samples=args.max_samples)
    results = {}
    for name in recipes:
        start = time.perf_counter()
        run = experiments.run(name, data, args.epochs, seed=args.seed, n_samples=args.samples)
        results[name] = {
            "description": experiments.RECIPES[name][0],
            "seconds_per_epoch": round(run.seconds_per_epoch, 3),
            "first_epoch_seconds": round(run.epoch_seconds[0], 2),
            "total_seconds": round(time.perf_counter() - start, 1),
            **{k: v if isinstance(v, int) else round(float(v), 4) for k, v in run.scores.items()},
        }
        print(f"{name:<17} {json.dumps(results[name])}\n  {run.evaluation}", flush=True)

    base = results.get("dcgan", {}).get("seconds_per_epoch")
    print(
        f"\n{'recipe':<17} {'s/epoch':>8} {'vs dcgan':>9} {'classes':>8} {'entropy':>8} {'FID':>7} "
        f"{'cond.acc':>9}"
    )
    for name, r in results.items():
        ratio = f"{r['seconds_per_epoch'] / base:.2f}x" if base else "-"
        acc = f"{r['conditional_accuracy']:.3f}" if "conditional_accuracy" in r else "-"
        print(
            f"{name:<17} {r['seconds_per_epoch']:>8.2f} {ratio:>9} {r['classes_covered']:>8d} "
            f"{r['entropy']:>8.3f} {r['fid']:>7.2f} {acc:>9}"
        )

    output = Path(args.output) if args.output else REPO_ROOT / "data" / experiments.FIGURES_FILE
    figures = {
        "command": experiments.FIGURES_COMMAND,
        "epochs": args.epochs,
        "batch_size": 64,
        "seed": args.seed,
        "train_images": int(len(data.x_train)),
        "samples_scored": args.samples,
        "machine": f"{platform.machine()} CPU, {os.cpu_count()} cores, no GPU",
        "tensorflow": tf.__version__,
        "recipes": results,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
