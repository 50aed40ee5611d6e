"""Train the reference digits classifier used by `course.generative.metrics` and save it.

    python scripts/train_reference_classifier.py \
        [--output data/reference_digits_classifier.weights.h5]

A small CNN (8x8x1 images in [0, 1] -> 10 logits, a 64-unit penultimate layer named "features"
for the Frechet distance) trained on the training split of scikit-learn's digits (full data, even
if COURSE_FAST is set), with fixed seeds and deterministic TensorFlow ops, so a rerun on the
same software gives the same weights. The file holds weights only (no optimizer state, no
architecture: `course.generative.metrics.reference_classifier_architecture` builds it), so it
loads on every supported Keras.
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

os.environ["COURSE_FAST"] = "0"  # always the full dataset
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

SEED = 0
EPOCHS = 60
BATCH_SIZE = 64


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", default=str(REPO_ROOT / "data" / "reference_digits_classifier.weights.h5")
    )
    args = parser.parse_args(argv)

    import course

    course.setup(seed=SEED, deterministic=True, verbose=False)
    import keras

    from course.generative.metrics import reference_classifier, reference_classifier_architecture

    data = course.data.load_digits()
    model = reference_classifier_architecture()
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(
        data.x_train,
        data.y_train,
        validation_data=(data.x_val, data.y_val),
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
        shuffle=True,
        verbose=0,
    )
    _, val_acc = model.evaluate(data.x_val, data.y_val, verbose=0)
    _, test_acc = model.evaluate(data.x_test, data.y_test, verbose=0)

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    frozen = reference_classifier_architecture()  # uncompiled: the file carries no optimizer state
    frozen.set_weights(model.get_weights())
    frozen.save_weights(output)
    reloaded = reference_classifier(output)
    assert np.array_equal(
        reloaded.predict(data.x_test, verbose=0), model.predict(data.x_test, verbose=0)
    )
    print(
        f"saved {output} ({output.stat().st_size / 1024:.0f} KiB, {model.count_params()} "
        f"parameters); validation accuracy {val_acc:.4f}, test accuracy {test_acc:.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
