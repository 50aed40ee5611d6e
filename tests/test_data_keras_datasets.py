"""keras.datasets loaders: the cache is used offline, a missing file fails fast with the embedded
alternative named, and no test touches the network."""

import gzip
import socket
import threading
import time

import keras  # noqa: F401  (imported up front so the timings below measure the loaders only)
import numpy as np
import pytest

from course.data import (
    DatasetUnavailableError,
    is_online,
    keras_datasets,
    load_fashion_mnist,
    load_keras_dataset,
)


@pytest.fixture()
def no_network(monkeypatch):
    """Any connection attempt fails the test: proves the code paths below stay local."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize(
    "name, host, alternative",
    [
        ("mnist", "storage.googleapis.com", "load_digits"),
        ("fashion_mnist", "storage.googleapis.com", "load_digits"),
        ("cifar10", "www.cs.toronto.edu", "load_shapes"),
    ],
)
def test_offline_without_cache_fails_fast_naming_the_alternative(
    tmp_path, monkeypatch, no_network, name, host, alternative
):
    probed = []
    monkeypatch.setattr(keras_datasets, "is_online", lambda h, **kw: probed.append(h) or False)
    start = time.perf_counter()
    with pytest.raises(DatasetUnavailableError, match=alternative):
        load_keras_dataset(name, cache_dir=tmp_path)
    assert time.perf_counter() - start < 5
    assert probed == [host]


def test_hanging_connection_is_cut_by_the_probe_timeout(tmp_path, monkeypatch):
    released = threading.Event()

    def hang(*args, **kwargs):  # hangs until the test is over, then fails like a dead host
        released.wait(30)
        raise OSError("connection released by the test")

    monkeypatch.setattr(socket, "create_connection", hang)
    start = time.perf_counter()
    try:
        with pytest.raises(DatasetUnavailableError, match="within 0.5 s"):
            load_keras_dataset("mnist", cache_dir=tmp_path, timeout=0.5)
        assert time.perf_counter() - start < 5
    finally:
        released.set()


def test_probe_against_local_sockets():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert is_online("127.0.0.1", server.getsockname()[1], timeout=2)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: the connection is refused
        assert not is_online("127.0.0.1", port, timeout=2)


def write_idx(path, array, header):
    with gzip.open(path, "wb") as f:
        f.write(b"\0" * header + np.asarray(array, "uint8").tobytes())


def test_cached_files_are_used_without_network(tmp_path, no_network):
    rng = np.random.default_rng(0)
    folder = tmp_path / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    parts = {"train": 40, "t10k": 10}
    arrays = {}
    for prefix, n in parts.items():
        x = rng.integers(0, 256, (n, 28, 28))
        y = np.arange(n) % 2
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", x, 16)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", y, 8)
        arrays[prefix] = (x, y)
    split = load_fashion_mnist(cache_dir=tmp_path, val_fraction=0.25)
    assert split.sizes == (30, 10, 10)
    assert split.input_shape == (28, 28, 1)
    assert split.x_train.dtype == np.float32 and split.y_train.dtype == np.int64
    np.testing.assert_allclose(split.x_test[..., 0], arrays["t10k"][0] / 255.0, atol=1e-7)
    np.testing.assert_array_equal(split.y_test, arrays["t10k"][1])
    assert split.class_names[9] == "ankle boot"


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="cifar10"):
        load_keras_dataset("imagenet")
