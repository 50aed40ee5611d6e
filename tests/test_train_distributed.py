"""`course.train.Trainer` under `tf.distribute`: 2 logical CPU devices (MirroredStrategy) and 2
worker processes on loopback (MultiWorkerMirroredStrategy) must match one device.

Each run happens in a subprocess: logical devices and TF_CONFIG must be set before TensorFlow
initialises. Runs are tiny (a 2-layer MLP, a few steps) and bounded by timeouts.
"""

import json
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np

TIMEOUT = 240
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = textwrap.dedent("""
    import json, os, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import tensorflow as tf
    mode, out = sys.argv[1], sys.argv[2]
    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    elif mode == "workers":
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
    import keras
    from course.train import Trainer

    rng = np.random.default_rng(0)
    x = rng.normal(size=(41, 5)).astype("float32")  # 41 = 2 full batches of 16 + 9 (5/4)
    y = (x @ rng.normal(size=(5, 3))).argmax(1).astype("int64")
    sample_weight = rng.uniform(0.5, 1.5, size=41).astype("float32")
    data = tf.data.Dataset.from_tensor_slices((x, y, sample_weight)).batch(16)
    def train(strategy):
        with strategy.scope():
            model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"),
                                      keras.layers.Dense(3)])
            model.set_weights([np.random.default_rng(i).normal(0, 0.5, w.shape).astype("float32")
                               for i, w in enumerate(model.get_weights())])
        trainer = Trainer(model, optimizer=keras.optimizers.SGD(0.2),
                          loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                          metrics=["accuracy"], steps_per_execution=2, global_clipnorm=5.0,
                          verbose=0, strategy=strategy)
        history = trainer.fit(data, epochs=3)
        return {"replicas": strategy.num_replicas_in_sync, "history": history.history,
                "weights": [w.tolist() for w in model.get_weights()],
                "eval": trainer.evaluate(data)}

    result = {"distributed": train(strategy)}
    # a model built outside the scope must be refused, not silently unreplicated
    if mode == "mirrored":
        outside = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
        try:
            Trainer(outside, loss="mse", strategy=strategy)
            result["refused"] = ""
        except ValueError as error:
            result["refused"] = str(error)
    resolver = getattr(strategy, "cluster_resolver", None)
    if mode != "workers" or resolver.task_id == 0:
        result["single"] = train(tf.distribute.get_strategy())   # the one-device reference
        with open(out, "w") as f:
            json.dump(result, f)
    sys.stdout.flush()
    os._exit(0)  # a multi-worker runtime can linger for a minute at interpreter exit
""")


def _run(tmp_path, mode, env_extra=(), count=1):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    out = tmp_path / f"{mode}.json"
    procs = []
    for i in range(count):
        env = {**os.environ, "PYTHONPATH": ROOT, **(env_extra[i] if env_extra else {})}
        procs.append(
            subprocess.Popen(
                [sys.executable, str(script), mode, str(out)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    try:
        logs = [p.communicate(timeout=TIMEOUT)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, log in zip(procs, logs):
        assert p.returncode == 0, log[-3000:]
    return json.loads(out.read_text())


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def _assert_same(result):
    distributed, single = result["distributed"], result["single"]
    assert distributed["replicas"] == 2 and single["replicas"] == 1
    for a, b in zip(distributed["weights"], single["weights"]):
        np.testing.assert_allclose(a, b, atol=1e-5)
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(distributed["history"][key], single["history"][key], atol=1e-5)
    np.testing.assert_allclose(distributed["eval"]["loss"], single["eval"]["loss"], atol=1e-5)


def test_two_logical_devices_match_one_device(tmp_path):
    result = _run(tmp_path, "mirrored")
    _assert_same(result)
    assert "strategy.scope()" in result["refused"]


def test_two_local_workers_match_one_process(tmp_path):
    ports = _free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    envs = [
        {"TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})}
        for i in range(2)
    ]
    _assert_same(_run(tmp_path, "workers", envs, count=2))
