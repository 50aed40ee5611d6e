"""Learning-rate schedules as `keras.optimizers.schedules.LearningRateSchedule` subclasses.

`CosineDecay` (half a cosine from the initial rate down to alpha * initial), `LinearWarmup`
(ramps linearly up to any wrapped schedule's starting value, then hands over to it) and
`OneCycle` (Smith's 1cycle: a cosine ramp up to a peak, then a long cosine anneal far below
the start). Each takes the optimizer's step counter and works inside tf.function.
"""
import math

import keras
from keras import ops

from course.validation import check_number


def _cosine(start, end, fraction):
    """Cosine interpolation from `start` (fraction 0) to `end` (fraction 1)."""
    pi = ops.array(math.pi, "float32")
    return (start - end) * (0.5 * (1.0 + ops.cos(ops.multiply(pi, fraction)))) + end


@keras.saving.register_keras_serializable(package="course")
class CosineDecay(keras.optimizers.schedules.LearningRateSchedule):
    """lr(t) = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(t, T) / T)) + alpha), T = decay_steps."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay"):
        self.initial_learning_rate = float(check_number("initial_learning_rate", initial_learning_rate, 0))
        self.decay_steps = int(check_number("decay_steps", decay_steps, 1, integer=True))
        self.alpha = float(check_number("alpha", alpha, 0, 1))
        self.name = name

    def __call__(self, step):
        decay_steps = ops.cast(self.decay_steps, "float32")
        t = ops.minimum(ops.cast(step, "float32"), decay_steps)
        decayed = _cosine(1.0, self.alpha, ops.divide(t, decay_steps))
        return ops.multiply(ops.convert_to_tensor(self.initial_learning_rate), decayed)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name}


@keras.saving.register_keras_serializable(package="course")
class LinearWarmup(keras.optimizers.schedules.LearningRateSchedule):
    """Ramp linearly from `initial_learning_rate` to `schedule(0)` over `warmup_steps`, then
    follow `schedule(t - warmup_steps)`; `schedule` may be a float (a constant rate)."""

    def __init__(self, schedule, warmup_steps, initial_learning_rate=0.0, name="LinearWarmup"):
        if not (callable(schedule) or isinstance(schedule, (int, float))) or isinstance(schedule, bool):
            raise TypeError(f"schedule must be a LearningRateSchedule or a float, got {schedule!r}")
        if isinstance(schedule, (int, float)):
            schedule = float(check_number("schedule", schedule, 0))
        self.schedule = schedule
        self.warmup_steps = int(check_number("warmup_steps", warmup_steps, 1, integer=True))
        self.initial_learning_rate = float(check_number("initial_learning_rate", initial_learning_rate, 0))
        self.name = name

    def _after(self, step):
        if isinstance(self.schedule, float):
            return ops.cast(self.schedule, "float32")
        return ops.cast(self.schedule(step), "float32")

    def __call__(self, step):
        t = ops.cast(step, "float32")
        warmup_steps = ops.cast(self.warmup_steps, "float32")
        target = self._after(ops.zeros((), "float32"))

        def ramp():
            return (target - self.initial_learning_rate) * (t / warmup_steps) + self.initial_learning_rate

        return ops.cond(t < warmup_steps, ramp, lambda: self._after(t - warmup_steps))

    def get_config(self):
        schedule = self.schedule
        if not isinstance(schedule, float):
            schedule = keras.saving.serialize_keras_object(schedule)
        return {"schedule": schedule, "warmup_steps": self.warmup_steps,
                "initial_learning_rate": self.initial_learning_rate, "name": self.name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config["schedule"], dict):
            config["schedule"] = keras.saving.deserialize_keras_object(config["schedule"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="course")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """1cycle (Smith & Topin 2018), with PyTorch `OneCycleLR`'s defaults and cosine annealing.

    Starts at max_lr / div_factor, rises to `max_lr` at step pct_start * total_steps - 1, then
    anneals to max_lr / (div_factor * final_div_factor) at step total_steps - 1 (and stays).
    """

    def __init__(self, max_learning_rate, total_steps, pct_start=0.3, div_factor=25.0,
                 final_div_factor=1e4, name="OneCycle"):
        self.max_learning_rate = float(check_number("max_learning_rate", max_learning_rate, 0, low_open=True))
        self.total_steps = int(check_number("total_steps", total_steps, 2, integer=True))
        self.pct_start = float(check_number("pct_start", pct_start, 0, 1, low_open=True, high_open=True))
        self.div_factor = float(check_number("div_factor", div_factor, 1))
        self.final_div_factor = float(check_number("final_div_factor", final_div_factor, 1))
        self.name = name
        self.peak_step = max(self.pct_start * self.total_steps - 1.0, 1.0)
        if self.peak_step >= self.total_steps - 1:
            raise ValueError(f"pct_start={pct_start} leaves no annealing phase for "
                             f"total_steps={total_steps}")

    @property
    def initial_learning_rate(self):
        return self.max_learning_rate / self.div_factor

    @property
    def final_learning_rate(self):
        return self.initial_learning_rate / self.final_div_factor

    def __call__(self, step):
        t = ops.minimum(ops.cast(step, "float32"), float(self.total_steps - 1))
        up = _cosine(self.initial_learning_rate, self.max_learning_rate, t / self.peak_step)
        down_fraction = (t - self.peak_step) / (self.total_steps - 1 - self.peak_step)
        down = _cosine(self.max_learning_rate, self.final_learning_rate, down_fraction)
        return ops.where(t <= self.peak_step, up, down)

    def get_config(self):
        return {"max_learning_rate": self.max_learning_rate, "total_steps": self.total_steps,
                "pct_start": self.pct_start, "div_factor": self.div_factor,
                "final_div_factor": self.final_div_factor, "name": self.name}


def plot_schedules(schedules, steps, ax=None):
    """Plot named schedules (a dict name -> schedule) over `steps` optimizer steps."""
    import matplotlib.pyplot as plt
    import numpy as np

    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    t = np.arange(steps)
    for name, schedule in schedules.items():
        ax.plot(t, [float(schedule(i)) for i in t], label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.legend(fontsize="small")
    return ax
