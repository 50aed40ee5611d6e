"""Run the notes' ImageNet example (MobileNetV2 -> cats vs dogs) and store its figures.

Needs internet access (the ImageNet weights and the image set are downloaded), e.g. on Colab.
Writes data/imagenet_transfer_figures.json, which `course.transfer.imagenet.stored_figures`
reads so that the notebook shows a real run's figures where the downloads are impossible.
Usage: python scripts/imagenet_transfer_figures.py [--epochs 3]
"""

import argparse
import json
import os
from pathlib import Path

os.environ["COURSE_FAST"] = "0"  # the full-mode run, whatever the caller's mode

import course  # noqa: E402
from course.profiles import profile  # noqa: E402
from course.transfer.imagenet import FIGURES_FILE, cats_vs_dogs  # noqa: E402

OUTPUT = Path(__file__).resolve().parent.parent / "data" / FIGURES_FILE


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=profile().transfer_learning.cats_dogs_epochs)
    args = parser.parse_args()
    course.setup(seed=0)
    figures = cats_vs_dogs(args.epochs, profile().transfer_learning.cats_dogs_steps_per_epoch)
    tmp = OUTPUT.with_name("tmp-" + OUTPUT.name)
    tmp.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    tmp.replace(OUTPUT)  # atomic: an interrupted run never leaves a broken file
    print(f"wrote {OUTPUT}: {figures}")
