"""Diffusion on digits, full mode on CPU: sampling steps vs wall time vs quality, and guidance
scale vs conditional accuracy vs diversity. The figures quoted in session07/05_diffusion.

    python benchmarks/diffusion_quality.py --seed 0 --seeds 1 --model /tmp/s0.keras \
        --output /tmp/s0.json            # one training seed (likewise --seed 1 and --seed 2)
    python benchmarks/diffusion_quality.py --combine /tmp/s0.json /tmp/s1.json /tmp/s2.json
    python benchmarks/diffusion_quality.py --model /tmp/s0.keras --train-steps 0  # re-measure

Trains a conditional `DiffusionModel` (cosine schedule, T = 500, label dropout 0.1, EMA 0.999,
4000 steps of batch 128) on the full digits training split with training seed ``--seed``, then
samples 1000 images (100 per class) with DDPM (all T steps) and DDIM (eta = 0) with 10/20/50
steps, once per sampling seed (``--seeds``), and with DDIM-50 at several guidance scales.
Scores: FID and KID (with its standard error) under
`course.generative.metrics.DEFAULT_PROTOCOL`, the one protocol of the GAN, VAE and diffusion
figures, next to its real-versus-real floor; conditional accuracy, class coverage and
within-class feature diversity by the reference classifier. Training one seed takes 10-20 min
on 2 CPU cores, so each seed runs as its own process and ``--combine`` averages them: the
stored ``data/diffusion_full_mode_figures.json`` holds every figure's mean over the training
seeds, its standard deviation (``<figure>_std``) and the per-seed values (``per_seed``). Wall
times depend on the machine and its load; the ratios between samplers are measured in one
run. Never run by the test suite.
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
DEFAULT_OUTPUT = REPO_ROOT / "data" / "diffusion_full_mode_figures.json"


def train(data, args):
    """A conditional DiffusionModel trained for `args.train_steps` steps (batch `args.batch`)."""
    import keras
    import tensorflow as tf

    from course.generative.diffusion import DiffusionModel

    model = DiffusionModel(
        timesteps=args.timesteps,
        schedule=args.schedule,
        num_classes=10,
        label_dropout=0.1,
        filters=args.filters,
        groups=8,
        ema_decay=0.999,
        seed=args.seed,
    )
    lr = keras.optimizers.schedules.CosineDecay(1e-3, args.train_steps, alpha=0.05)
    model.compile(optimizer=keras.optimizers.Adam(lr))
    ds = (
        tf.data.Dataset.from_tensor_slices((data.x_train, data.y_train))
        .shuffle(len(data.x_train), seed=args.seed)
        .repeat()
        .batch(args.batch, drop_remainder=True)
    )
    per_epoch = min(250, args.train_steps)
    start = time.perf_counter()
    history = model.fit(
        ds,
        steps_per_epoch=per_epoch,
        epochs=args.train_steps // per_epoch,
        verbose=0,
        callbacks=[
            keras.callbacks.LambdaCallback(
                on_epoch_end=lambda e, logs: print(
                    f"  epoch {e + 1}: loss {logs['loss']:.4f} "
                    f"({time.perf_counter() - start:.0f} s)",
                    flush=True,
                )
            )
        ],
    )
    return model, time.perf_counter() - start, history.history["loss"]


def combine(per_seed):
    """The stored file from runs of different training seeds (same setting): the model's
    figures and every sampler and guidance row become means over the seeds,
    with ``<figure>_std`` and ``per_seed`` beside them
    (`course.analysis.seed_spread.average_records`). With one sampling seed per run, the
    sampling-seed spreads (``fid_spread``, ``kid_spread``) are 0 and are left out."""
    from course.analysis.seed_spread import average_records

    first = per_seed[0]
    for figures in per_seed[1:]:
        for key in ("samples", "sampling_seeds", "floor"):
            if figures[key] != first[key]:
                raise SystemExit(f"runs disagree on {key!r}: {figures[key]} vs {first[key]}")

    def rows(table):
        columns = zip(*(figures[table] for figures in per_seed), strict=True)
        return [average_records([drop_spreads(row) for row in column]) for column in columns]

    def drop_spreads(row):
        if first["sampling_seeds"] > 1:
            return row
        return {k: v for k, v in row.items() if not k.endswith("_spread")}

    return {
        "command": "python benchmarks/diffusion_quality.py --combine "
        + " ".join(f"<run of --seed {figures['training_seed']}>" for figures in per_seed),
        "runs": [figures["command"] for figures in per_seed],
        "training_seeds": [figures["training_seed"] for figures in per_seed],
        "machine": first["machine"],
        "model": average_records([figures["model"] for figures in per_seed]),
        "samples": first["samples"],
        "sampling_seeds": first["sampling_seeds"],
        "floor": first["floor"],
        "steps_table": rows("steps_table"),
        "guidance_table": rows("guidance_table"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timesteps", type=int, default=500)
    parser.add_argument("--schedule", default="cosine")
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--train-steps", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--scales", default="0,1,2,3,5")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--seeds", type=int, default=4, help="sampling seeds averaged per sampler row"
    )
    parser.add_argument(
        "--model",
        default=None,
        help="save the trained model here; with --train-steps 0, load it instead of training",
    )
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument(
        "--combine",
        nargs="+",
        metavar="JSON",
        help="average files of different training seeds (--seed) into --output, no training",
    )
    args = parser.parse_args(argv)
    os.environ["COURSE_FAST"] = "0"

    import course
    from course.generative.diffusion import quality
    from course.table import Table

    course.setup(seed=args.seed, verbose=False)
    import keras

    if args.combine:
        figures = combine([json.loads(Path(path).read_text()) for path in args.combine])
        Path(args.output).write_text(json.dumps(figures, indent=1, default=float) + "\n")
        print(f"averaged training seeds {figures['training_seeds']}; wrote {args.output}")
        return
    data = course.data.load_digits()
    if args.train_steps:
        model, train_seconds, losses = train(data, args)
        if args.model:  # the model, and how it was trained in a JSON file next to it
            model.save(args.model)
            Path(args.model + ".json").write_text(
                json.dumps(
                    {
                        "train_steps": args.train_steps,
                        "train_seconds": train_seconds,
                        "losses": losses,
                    }
                )
            )
    else:
        model = keras.saving.load_model(args.model)
        sidecar = json.loads(Path(args.model + ".json").read_text())
        args.train_steps, train_seconds, losses = (
            sidecar["train_steps"],
            sidecar["train_seconds"],
            sidecar["losses"],
        )
    print(f"trained {args.train_steps} steps in {train_seconds} s", flush=True)

    steps_rows = quality.sampler_table(
        model, per_class=args.per_class, seeds=range(args.seed, args.seed + args.seeds)
    )
    ddpm_row = steps_rows[0]
    for row in steps_rows:
        row["speedup_vs_ddpm"] = ddpm_row["seconds"] / row["seconds"]
        row["fid_vs_ddpm"] = row["fid"] / ddpm_row["fid"]
    print(
        Table(
            steps_rows,
            [
                "sampler",
                "steps",
                "seconds",
                "speedup_vs_ddpm",
                "fid",
                "fid_spread",
                "fid_vs_ddpm",
                "floor_fid",
                "kid",
                "kid_se",
                "kid_spread",
                "floor_kid",
                "conditional_accuracy",
                "classes_covered",
                "diversity_ratio",
            ],
        ),
        flush=True,
    )
    scales = [float(s) for s in args.scales.split(",")]
    guide_rows = quality.guidance_table(model, scales, per_class=args.per_class, seed=args.seed)
    print(
        Table(
            guide_rows,
            [
                "guidance_scale",
                "conditional_accuracy",
                "classes_covered",
                "normalized_entropy",
                "diversity_ratio",
                "fid",
                "kid",
                "kid_se",
                "seconds",
            ],
        ),
        flush=True,
    )
    floor = course.generative.metrics.DEFAULT_PROTOCOL.floor(10 * args.per_class)
    figures = {
        "command": "python benchmarks/diffusion_quality.py " + " ".join(argv or sys.argv[1:]),
        "training_seed": args.seed,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the end",
        "model": {
            "timesteps": args.timesteps,
            "schedule": args.schedule,
            "filters": args.filters,
            "parameters": int(model.network.count_params()),
            "train_steps": args.train_steps,
            "batch": args.batch,
            "train_seconds": train_seconds,
            "final_loss": losses[-1] if losses else None,
        },
        "samples": 10 * args.per_class,
        "sampling_seeds": args.seeds,
        "floor": floor.as_dict(),
        "steps_table": steps_rows,
        "guidance_table": guide_rows,
    }
    Path(args.output).write_text(json.dumps(figures, indent=1, default=float) + "\n")
    print(f"real-versus-real floor: {floor}; wrote {args.output}")


if __name__ == "__main__":
    main()
