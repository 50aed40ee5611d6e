"""The notes' ImageNet example: MobileNetV2 pretrained on ImageNet's 1000 classes, transferred to
cats vs dogs (a binary task) by training a new head on the frozen backbone.

It needs two downloads (the ImageNet weights and the image set), so it runs where the network
is reachable, e.g. on Colab. `cats_vs_dogs` runs it and returns its figures;
`scripts/imagenet_transfer_figures.py` stores them in `data/imagenet_transfer_figures.json`,
which `stored_figures` reads (None when no such run has been stored), so an offline notebook can
show the figures of a real run instead of nothing.
"""

import json
from pathlib import Path

from course import artifacts
from course.validation import check_number

FIGURES_FILE = "imagenet_transfer_figures.json"  # a course.artifacts file, once a run stored it
FIGURES_COMMAND = "python scripts/imagenet_transfer_figures.py"
DATA_URL = "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
IMAGE_SIZE = (160, 160)
WHAT_IT_DOES = (
    "downloads MobileNetV2's ImageNet weights (about 9 MB) and the cats-vs-dogs image set "
    "(about 70 MB, 2000 training and 1000 validation images), freezes the backbone, trains a "
    "new sigmoid head and reports validation accuracy per epoch"
)


def offline_message():
    """What the example does and how to run it, for a machine that cannot download it."""
    return (
        "The ImageNet example cannot run here: storage.googleapis.com is unreachable. "
        f"Online it {WHAT_IT_DOES}. To run it, open this notebook on Colab (the badge at the top) "
        "or on any machine with internet access and run this cell; to store its figures for "
        f"offline readers, run `{FIGURES_COMMAND}` there."
    )


def _load_split(root, split, batch_size):
    import keras

    preprocess = keras.applications.mobilenet_v2.preprocess_input
    images = keras.utils.image_dataset_from_directory(
        root / split, image_size=IMAGE_SIZE, batch_size=batch_size, seed=0
    )
    return images.map(lambda x, y: (preprocess(x), y))


def cats_vs_dogs(epochs, steps_per_epoch=None, batch_size=32):
    """Train a head on ImageNet MobileNetV2 features for cats vs dogs; return its figures.

    steps_per_epoch: None goes through the 2000 training images each epoch. Returns a dict:
    backbone, epochs, steps_per_epoch, train_accuracy and val_accuracy (one value per epoch),
    and val_images. Offline it raises ConnectionError with `offline_message()`.
    """
    import keras

    from course.data.keras_datasets import is_online
    from course.transfer.backbones import WEIGHTS_HOST
    from course.transfer.builder import build_transfer_model

    check_number("epochs", epochs, 1, integer=True)
    if steps_per_epoch is not None:
        check_number("steps_per_epoch", steps_per_epoch, 1, integer=True)
    check_number("batch_size", batch_size, 1, integer=True)
    if not is_online(WEIGHTS_HOST, timeout=3.0):
        raise ConnectionError(offline_message())
    path = keras.utils.get_file("cats_and_dogs_filtered.zip", origin=DATA_URL, extract=True)
    root = next(Path(path).parent.rglob("cats_and_dogs_filtered"))
    train, val = (_load_split(root, split, batch_size) for split in ("train", "validation"))
    model = build_transfer_model(
        "MobileNetV2", 1, input_shape=(*IMAGE_SIZE, 3), weights="imagenet", name="cats_vs_dogs"
    )
    model.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(
        train, validation_data=val, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=2
    ).history
    return {
        "backbone": "MobileNetV2 (ImageNet weights, frozen)",
        "epochs": epochs,
        "steps_per_epoch": steps_per_epoch,
        "train_accuracy": [float(v) for v in history["accuracy"]],
        "val_accuracy": [float(v) for v in history["val_accuracy"]],
        "val_images": int(sum(len(y) for _, y in val)),
    }


def stored_figures(path=None):
    """The figures of a stored online run (`FIGURES_COMMAND`), or None if none is stored.

    Reads the shipped `course.artifacts` file unless `path` names another file.
    """
    if path is None:
        if FIGURES_FILE not in artifacts.names():
            return None
        return json.loads(artifacts.read_text(FIGURES_FILE))
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing JSON file of stored figures, got {str(path)!r}")
    return json.loads(path.read_text(encoding="utf-8"))


def describe(figures):
    """One sentence with a stored run's figures: the last epoch's validation accuracy."""
    return (
        f"Stored run ({figures['backbone']}, {figures['epochs']} epochs): validation accuracy "
        + ", ".join(f"{v:.3f}" for v in figures["val_accuracy"])
        + f" by epoch on {figures['val_images']} validation images."
    )
