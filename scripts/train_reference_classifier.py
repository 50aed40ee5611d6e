"""Train the reference digits classifier used by `course.generative.metrics` and save it.

    python scripts/train_reference_classifier.py [--output data/reference_digits_classifier.keras]

A small CNN (8x8x1 images in [0, 1] -> 10 logits, a 64-unit penultimate layer named "features"
for the Frechet distance) trained on the training split of scikit-learn's digits (full data, even
if COURSE_FAST is set), with fixed seeds and deterministic TensorFlow ops, so a rerun on the
same software gives the same weights. The file holds weights only (no optimizer state).
"""
import argparse
import os
import sys
from pathlib import Path

os.environ["COURSE_FAST"] = "0"  # always the full dataset
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

SEED = 0
EPOCHS = 60
BATCH_SIZE = 64


def build_classifier(keras):
    """The reference architecture: two conv/pool stages, a 64-unit feature layer, 10 logits."""
    layers = keras.layers
    inputs = keras.Input((8, 8, 1), name="image")
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, activation="relu", name="features")(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(10, name="logits")(x)
    return keras.Model(inputs, outputs, name="reference_digits_classifier")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(REPO_ROOT / "data" / "reference_digits_classifier.keras"))
    args = parser.parse_args(argv)

    import course

    course.setup(seed=SEED, deterministic=True, verbose=False)
    import keras

    data = course.data.load_digits()
    model = build_classifier(keras)
    model.compile(optimizer=keras.optimizers.Adam(2e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
              epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=True, verbose=0)
    _, val_acc = model.evaluate(data.x_val, data.y_val, verbose=0)
    _, test_acc = model.evaluate(data.x_test, data.y_test, verbose=0)

    frozen = build_classifier(keras)  # an uncompiled copy: the file carries no optimizer state
    frozen.set_weights(model.get_weights())
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    frozen.save(output)
    print(f"saved {output} ({output.stat().st_size / 1024:.0f} KiB, {frozen.count_params()} parameters); "
          f"validation accuracy {val_acc:.4f}, test accuracy {test_acc:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
