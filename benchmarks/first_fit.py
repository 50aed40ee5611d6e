"""First `fit` of a course model with its optimizer built at compile time, against Keras' default.

Keras' TensorFlow trainer creates the optimizer's slot variables inside the first traced train
step, where each one is lifted out of the graph; `course.models.compiling.build_optimizer` (which
the course's compile calls use) creates them eagerly instead. Each timing runs in a fresh
interpreter (tracing caches would favour whichever ran second), eager and deferred alternating.
Usage: python benchmarks/first_fit.py [repeats]
"""

import statistics
import subprocess
import sys

TIMER = """
import os, time
os.environ["COURSE_FAST"] = "1"
import course
course.setup(0, verbose=False)
import keras, numpy as np
from course.generative.diffusion import DiffusionModel
model = DiffusionModel(timesteps=20, num_classes=10, filters=8, groups=4, seed=0)
# the course's compile (builds the optimizer at once), or Keras' own
compile_ = model.compile if {eager} else (lambda **kw: keras.Model.compile(model, **kw))
compile_(optimizer=keras.optimizers.Adam(1e-3))
assert model.optimizer.built == {eager}
x = np.random.default_rng(0).uniform(0, 1, (32, 8, 8, 1)).astype("float32")
start = time.perf_counter()
model.fit(x, np.arange(32) % 10, batch_size=16, epochs=1, verbose=0)
print(time.perf_counter() - start)
"""


def first_fit_seconds(eager):
    """Seconds of the first `fit` (two steps, traced) of the test-sized diffusion U-Net."""
    return float(
        subprocess.run(
            [sys.executable, "-c", TIMER.format(eager=eager)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
    )


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    runs = {True: [], False: []}
    for _ in range(repeats):
        for eager in (True, False):
            runs[eager].append(first_fit_seconds(eager))
    eager_s, deferred_s = statistics.median(runs[True]), statistics.median(runs[False])
    print(f"first fit, optimizer built at compile (course)  {eager_s:6.2f} s")
    print(f"first fit, optimizer built in the traced step   {deferred_s:6.2f} s")
    print(f"ratio deferred / eager                          {deferred_s / eager_s:.2f}x")
