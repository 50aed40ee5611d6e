"""MNIST, Fashion-MNIST and CIFAR-10 through `keras.datasets`, offline-safe.

Files already in the Keras cache are used without touching the network. Otherwise a short
connectivity probe runs first, so an offline machine gets a clear error within seconds that
names the embedded alternative, instead of Keras retrying a download.
"""

import io
import socket
import sys
import threading
from contextlib import ExitStack, redirect_stdout
from unittest import mock
from urllib.parse import urlsplit

import numpy as np

from course.data.split import split_train_val
from course.profiles import profile
from course.validation import check_choice, check_number

FASHION_CLASSES = (
    "t-shirt/top",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle boot",
)
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
KERAS_DATASETS = {
    "mnist": (tuple(str(d) for d in range(10)), "course.data.load_digits(image_size=28)"),
    "fashion_mnist": (
        FASHION_CLASSES,
        "course.data.load_digits(image_size=28) or course.data.load_shapes()",
    ),
    "cifar10": (CIFAR10_CLASSES, "course.data.load_shapes(image_size=32)"),
}


class DatasetUnavailableError(RuntimeError):
    """A download was needed but the network is unreachable; the message names the offline data."""


class _NotCached(Exception):
    """Raised in place of a download while only the cache may be read."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


def is_online(host, port=443, timeout=2.0):
    """True if a TCP connection to host:port opens within `timeout` seconds (DNS included)."""
    outcome = []

    def connect():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append(True)
        except OSError:
            outcome.append(False)

    probe = threading.Thread(target=connect, daemon=True)  # DNS lookups ignore socket timeouts
    probe.start()
    probe.join(timeout)
    return bool(outcome and outcome[0])


def load_keras_dataset(
    name, cache_dir=None, val_fraction=0.1, seed=0, max_samples=None, timeout=3.0
):
    """One of `KERAS_DATASETS` as a `Split` of float32 images in [0, 1] with a channel axis.

    The official test set is the test split; validation is a stratified, seeded slice of the
    training set. cache_dir: the Keras home holding ``datasets/`` (default ``~/.keras`` or
    ``$KERAS_HOME``). max_samples caps the train and the test set each (default: the run profile's
    ``keras_datasets.max_samples``, no cap in full mode).
    Raises `DatasetUnavailableError` after at most `timeout` seconds when a download is needed
    and the host is unreachable.
    """
    check_choice("name", name, tuple(KERAS_DATASETS))
    check_number("timeout", timeout, 0, low_open=True)
    check_number(
        "val_fraction", val_fraction, 0, 1, low_open=True, high_open=True
    )  # before any download
    limit = max_samples if max_samples is not None else profile().keras_datasets.max_samples
    if limit is not None:
        check_number("max_samples", limit, 1, integer=True)
    train, test = _load_arrays(name, cache_dir, timeout)
    rng = np.random.default_rng(seed)
    train, test = (_prepare(x, y, limit, rng) for x, y in (train, test))
    return split_train_val(train, test, val_fraction, seed, class_names=KERAS_DATASETS[name][0])


def load_mnist(**kwargs):
    """MNIST (28x28x1 handwritten digits); see `load_keras_dataset` for the arguments."""
    return load_keras_dataset("mnist", **kwargs)


def load_fashion_mnist(**kwargs):
    """Fashion-MNIST (28x28x1 clothing); see `load_keras_dataset` for the arguments."""
    return load_keras_dataset("fashion_mnist", **kwargs)


def load_cifar10(**kwargs):
    """CIFAR-10 (32x32x3 photos); see `load_keras_dataset` for the arguments."""
    return load_keras_dataset("cifar10", **kwargs)


def _load_arrays(name, cache_dir, timeout):
    import keras

    loader = getattr(keras.datasets, name).load_data
    try:
        with _keras_files(loader, cache_dir, download=False):
            return loader()
    except _NotCached as missing:
        url = missing.url
    host = urlsplit(url).hostname
    if not is_online(host, timeout=timeout):
        where = cache_dir or "the Keras cache (~/.keras or $KERAS_HOME)"
        raise DatasetUnavailableError(
            f"{name} is not in {where} and {host} could not be reached within {timeout:g} s "
            f"(offline?). Use the embedded data instead: {KERAS_DATASETS[name][1]}."
        ) from None
    with _keras_files(loader, cache_dir, download=True):
        return loader()


def _keras_files(loader, cache_dir, download):
    """Point the loader's `get_file` at `cache_dir`; without `download`, a fetch raises
    `_NotCached`."""
    import keras

    stack = ExitStack()
    module = sys.modules[loader.__module__]
    if cache_dir is not None:
        get_file = keras.utils.get_file
        stack.enter_context(
            mock.patch.object(
                module,
                "get_file",
                lambda *a, **kw: get_file(*a, **{**kw, "cache_dir": str(cache_dir)}),
            )
        )
    if not download:  # silence Keras's "Downloading data from ..." line of the refused fetch
        stack.enter_context(redirect_stdout(io.StringIO()))

        def refuse(url, *args, **kwargs):
            raise _NotCached(url)

        stack.enter_context(
            mock.patch.object(sys.modules[keras.utils.get_file.__module__], "urlretrieve", refuse)
        )
    return stack


def _prepare(x, y, limit, rng):
    x = x.astype("float32") / 255.0
    x = x[..., None] if x.ndim == 3 else x
    y = np.asarray(y).reshape(-1).astype("int64")
    if limit is not None and limit < len(x):
        keep = np.sort(rng.permutation(len(x))[:limit])
        x, y = x[keep], y[keep]
    return x, y
