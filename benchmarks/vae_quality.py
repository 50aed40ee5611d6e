"""The four autoencoder variants of session07/04 on digits, full mode on CPU, over several
training seeds: the stored figures the notebook prints next to its own run.

    python benchmarks/vae_quality.py                     # seeds 0,1,2, 100 epochs, writes the JSON
    python benchmarks/vae_quality.py --epochs 1 --samples-per-class 5 --max-samples 200 \
        --seeds 0,1 --output /tmp/tiny.json              # tiny size (the tests do this)

Trains each recipe of `course.generative.vae_variants.VARIANTS` (VAE, beta-VAE with beta = 4,
conditional VAE, VQ-VAE; Adam 3e-3, batch 32) on the digits training split once per seed and
scores it with `course.generative.vae_quality.quality` on the test split: reconstruction MSE,
ELBO for the VAEs, and for the conditional VAE the evaluation protocol's figures
(`course.generative.metrics.DEFAULT_PROTOCOL`: FID and KID with their real-versus-real floor,
conditional accuracy, within-class diversity) of 100 samples per class. Training and sampling
wall times are recorded for the GAN / VAE / diffusion comparison of session07/05. The stored
file holds each figure's mean over the seeds, its standard deviation (``<figure>_std``) and the
per-seed values (``per_seed``), in ``data/vae_full_mode_figures.json``. A few minutes on 2 CPU
cores; the test suite runs it only at a tiny size.
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


def measure(name, data, seed, args):
    """Train variant `name` with `seed` and score it: one seed's figures."""
    import numpy as np

    from course.generative import vae_variants
    from course.generative.vae_quality import quality

    start = time.perf_counter()
    model = vae_variants.train(name, data, args.epochs, seed=seed)
    train_seconds = time.perf_counter() - start
    figures = {"train_seconds": train_seconds}
    if hasattr(model, "num_classes"):  # the decoder's cost per batch of samples, traced first
        labels = np.repeat(np.arange(model.num_classes), args.samples_per_class)
        model.generate(len(labels), labels=labels, seed=seed)
        start = time.perf_counter()
        model.generate(len(labels), labels=labels, seed=seed)
        figures["sample_seconds"] = time.perf_counter() - start
    report = quality(
        model, data.x_test, data.y_test, samples_per_class=args.samples_per_class, seed=seed
    )
    figures.update({k: float(v) for k, v in report.items()})
    print(f"seed {seed} {name}: {json.dumps(figures)}", flush=True)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated training seeds")
    parser.add_argument("--samples-per-class", type=int, default=100)
    parser.add_argument(
        "--max-samples", type=int, default=None, help="digits drawn before the split (default: all)"
    )
    parser.add_argument("--output", default=None, help="JSON path (default: the stored file)")
    args = parser.parse_args(argv)
    os.environ["COURSE_FAST"] = "0"

    import course
    from course.analysis.seed_spread import average_records
    from course.generative import vae_variants
    from course.table import Table

    course.setup(seed=0, verbose=False)
    import tensorflow as tf

    seeds = [int(seed) for seed in args.seeds.split(",")]
    data = course.data.load_digits(max_samples=args.max_samples)
    variants = {
        name: average_records([measure(name, data, seed, args) for seed in seeds])
        for name in vae_variants.VARIANTS
    }
    columns = ["reconstruction_mse", "reconstruction_mse_std", "elbo", "elbo_std", "fid", "fid_std"]
    rows = [
        {"variant": name, **{c: figures.get(c, "-") for c in columns}}
        for name, figures in variants.items()
    ]
    print(Table(rows, ["variant", *columns]))
    figures = {
        "command": vae_variants.FIGURES_COMMAND,
        "epochs": args.epochs,
        "batch_size": vae_variants.BATCH_SIZE,
        "learning_rate": vae_variants.LEARNING_RATE,
        "seeds": seeds,
        "train_images": int(len(data.x_train)),
        "samples_per_class": args.samples_per_class,
        "machine": f"{platform.machine()} CPU, {os.cpu_count()} cores, no GPU",
        "tensorflow": tf.__version__,
        "variants": variants,
    }
    output = Path(args.output) if args.output else REPO_ROOT / "data" / vae_variants.FIGURES_FILE
    output.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
