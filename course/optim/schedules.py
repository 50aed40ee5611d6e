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


class Schedule(keras.optimizers.schedules.LearningRateSchedule):
    """Base of the course schedules: holds `name` and starts the config with it, so every
    subclass extends `super().get_config()` like the course layers and optimizers do (Keras'
    own base has no config to extend)."""

    def __init__(self, name):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a str or None, got {name!r} ({type(name).__name__})")
        self.name = name

    def get_config(self):
        return {"name": self.name}


@keras.saving.register_keras_serializable(package="course")
class CosineDecay(Schedule):
    """lr(t) = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(t, T) / T)) + alpha).

    T = decay_steps.

    Args:
        initial_learning_rate: the rate at step 0, >= 0.
        decay_steps: T, an int >= 1; the rate stays at alpha * initial after it.
        alpha: the final fraction of the initial rate, in [0, 1].
        name: the schedule's name.

    Call arguments:
        step: the optimizer's step counter (an int or a scalar tensor).
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay"):
        initial_learning_rate = float(
            check_number("initial_learning_rate", initial_learning_rate, 0)
        )
        decay_steps = int(check_number("decay_steps", decay_steps, 1, integer=True))
        alpha = float(check_number("alpha", alpha, 0, 1))
        super().__init__(name)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha

    def __call__(self, step):
        decay_steps = ops.cast(self.decay_steps, "float32")
        t = ops.minimum(ops.cast(step, "float32"), decay_steps)
        decayed = _cosine(1.0, self.alpha, ops.divide(t, decay_steps))
        return ops.multiply(ops.convert_to_tensor(self.initial_learning_rate), decayed)

    def get_config(self):
        config = super().get_config()
        config.update(
            initial_learning_rate=self.initial_learning_rate,
            decay_steps=self.decay_steps,
            alpha=self.alpha,
        )
        return config


@keras.saving.register_keras_serializable(package="course")
class LinearWarmup(Schedule):
    """Ramp linearly from `initial_learning_rate` to `schedule(0)` over `warmup_steps`, then
    follow `schedule(t - warmup_steps)`.

    Args:
        schedule: the schedule to hand over to (a `LearningRateSchedule` or a callable), or a
            float >= 0 for a constant rate.
        warmup_steps: length of the ramp, an int >= 1.
        initial_learning_rate: the rate at step 0, >= 0.
        name: the schedule's name.

    Call arguments:
        step: the optimizer's step counter (an int or a scalar tensor).
    """

    def __init__(self, schedule, warmup_steps, initial_learning_rate=0.0, name="LinearWarmup"):
        if not (callable(schedule) or isinstance(schedule, (int, float))) or isinstance(
            schedule, bool
        ):
            raise TypeError(f"schedule must be a LearningRateSchedule or a float, got {schedule!r}")
        if isinstance(schedule, (int, float)):
            schedule = float(check_number("schedule", schedule, 0))
        warmup_steps = int(check_number("warmup_steps", warmup_steps, 1, integer=True))
        initial_learning_rate = float(
            check_number("initial_learning_rate", initial_learning_rate, 0)
        )
        super().__init__(name)
        self.schedule = schedule
        self.warmup_steps = warmup_steps
        self.initial_learning_rate = initial_learning_rate

    def _after(self, step):
        if isinstance(self.schedule, float):
            return ops.cast(self.schedule, "float32")
        return ops.cast(self.schedule(step), "float32")

    def __call__(self, step):
        t = ops.cast(step, "float32")
        warmup_steps = ops.cast(self.warmup_steps, "float32")
        target = self._after(ops.zeros((), "float32"))

        def ramp():
            return (target - self.initial_learning_rate) * (
                t / warmup_steps
            ) + self.initial_learning_rate

        return ops.cond(t < warmup_steps, ramp, lambda: self._after(t - warmup_steps))

    def get_config(self):
        schedule = self.schedule
        if not isinstance(schedule, float):
            schedule = keras.saving.serialize_keras_object(schedule)
        config = super().get_config()
        config.update(
            schedule=schedule,
            warmup_steps=self.warmup_steps,
            initial_learning_rate=self.initial_learning_rate,
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config["schedule"], dict):
            config["schedule"] = keras.saving.deserialize_keras_object(config["schedule"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="course")
class OneCycle(Schedule):
    """1cycle (Smith & Topin 2018), with PyTorch `OneCycleLR`'s defaults and cosine annealing.

    Starts at max_lr / div_factor, rises to `max_lr` at step pct_start * total_steps - 1, then
    anneals to max_lr / (div_factor * final_div_factor) at step total_steps - 1 (and stays).

    Args:
        max_learning_rate: the peak rate, > 0.
        total_steps: length of the cycle, an int >= 2.
        pct_start: fraction of the cycle spent rising, in (0, 1).
        div_factor: the start rate is max_learning_rate / div_factor (>= 1).
        final_div_factor: the final rate is the start rate / final_div_factor (>= 1).
        name: the schedule's name.

    Call arguments:
        step: the optimizer's step counter (an int or a scalar tensor).
    """

    def __init__(
        self,
        max_learning_rate,
        total_steps,
        pct_start=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
        name="OneCycle",
    ):
        max_learning_rate = float(
            check_number("max_learning_rate", max_learning_rate, 0, low_open=True)
        )
        total_steps = int(check_number("total_steps", total_steps, 2, integer=True))
        pct_start = float(check_number("pct_start", pct_start, 0, 1, low_open=True, high_open=True))
        div_factor = float(check_number("div_factor", div_factor, 1))
        final_div_factor = float(check_number("final_div_factor", final_div_factor, 1))
        peak_step = max(pct_start * total_steps - 1.0, 1.0)
        if peak_step >= total_steps - 1:
            raise ValueError(
                f"pct_start={pct_start} leaves no annealing phase for total_steps={total_steps}"
            )
        super().__init__(name)
        self.max_learning_rate = max_learning_rate
        self.total_steps = total_steps
        self.pct_start = pct_start
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.peak_step = peak_step

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
        config = super().get_config()
        config.update(
            max_learning_rate=self.max_learning_rate,
            total_steps=self.total_steps,
            pct_start=self.pct_start,
            div_factor=self.div_factor,
            final_div_factor=self.final_div_factor,
        )
        return config


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
