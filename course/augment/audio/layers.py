"""Audio augmentation as Keras layers: time stretch and pitch shift on waveforms (batch, samples),
background noise at a random SNR, and SpecAugment masking on spectrograms (batch, frames, bins).

Each draws its parameters per example from a seeded stream during training and is the identity
at inference. Waveform layers keep the input length (a stretched clip is cropped or zero-padded).
"""

import keras
import tensorflow as tf

from course.augment.audio.mixing import check_snr_range, mix_at_snr
from course.augment.audio.stretch import HOP, N_FFT, fit_length, pitch_shift, time_stretch
from course.validation import check_choice, check_number, check_seed


def _check_range(name, value, low=None, low_open=False):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a (low, high) pair of numbers, got {value!r}")
    lo, hi = value
    for v in value:
        check_number(name, v, low, low_open=low_open)
    if lo > hi:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {value!r}")
    return float(lo), float(hi)


class _RandomWaveform(keras.layers.Layer):
    """Per-example parameter drawn uniformly from `bounds`, applied with `tf.map_fn`."""

    def __init__(self, bounds, seed=None, n_fft=N_FFT, hop=HOP, **kwargs):
        check_number("n_fft", n_fft, 2, integer=True)
        check_number("hop", hop, 1, n_fft, integer=True)
        check_seed(seed)
        super().__init__(**kwargs)
        self.bounds, self.seed, self.n_fft, self.hop = bounds, seed, int(n_fft), int(hop)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        """Refuse inputs that are not a batch of waveforms (batch, samples) before TensorFlow."""
        if len(input_shape) != 2:
            raise ValueError(
                f"inputs must be a batch of waveforms (batch, samples), got shape "
                f"{tuple(input_shape)}"
            )

    def call(self, inputs, training=False):
        if not training or self.bounds[0] == self.bounds[1] == self.neutral:
            return inputs
        x = tf.convert_to_tensor(inputs, tf.float32)
        values = keras.random.uniform(tf.shape(x)[:1], *self.bounds, seed=self.seed_generator)
        length = tf.shape(x)[-1]
        return tf.map_fn(
            lambda args: fit_length(self.transform(args[0], args[1]), length),
            (x, values),
            fn_output_signature=tf.TensorSpec(x.shape[1:], tf.float32),
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "n_fft": self.n_fft, "hop": self.hop}


@keras.saving.register_keras_serializable(package="course")
class TimeStretch(_RandomWaveform):
    """Speed each clip up or down by a rate drawn from `rate` = (low, high), pitch unchanged."""

    neutral = 1.0

    def __init__(self, rate=(0.8, 1.25), seed=None, n_fft=N_FFT, hop=HOP, **kwargs):
        super().__init__(_check_range("rate", rate, 0, low_open=True), seed, n_fft, hop, **kwargs)

    def transform(self, waveform, rate):
        return time_stretch(waveform, rate, self.n_fft, self.hop)

    def get_config(self):
        return {**super().get_config(), "rate": self.bounds}


@keras.saving.register_keras_serializable(package="course")
class PitchShift(_RandomWaveform):
    """Shift each clip's pitch by semitones drawn from `semitones` = (low, high), same length."""

    neutral = 0.0

    def __init__(self, semitones=(-2.0, 2.0), seed=None, n_fft=N_FFT, hop=HOP, **kwargs):
        bounds = _check_range("semitones", semitones, -48)
        if max(bounds) > 48:
            raise ValueError(f"semitones must lie in [-48, 48], got {semitones!r}")
        super().__init__(bounds, seed, n_fft, hop, **kwargs)

    def transform(self, waveform, semitones):
        return pitch_shift(waveform, semitones, self.n_fft, self.hop)

    def get_config(self):
        return {**super().get_config(), "semitones": self.bounds}


@keras.saving.register_keras_serializable(package="course")
class BackgroundNoise(keras.layers.Layer):
    """Add white or pink noise at an SNR (dB) drawn per clip from `snr_db` = (low, high).

    Negative SNRs (noise louder than the signal) can erase the label, so they need
    ``allow_negative=True``. For recorded noise use `course.augment.audio.mix_at_snr`.
    """

    def __init__(
        self, snr_db=(5.0, 20.0), color="white", allow_negative=False, seed=None, **kwargs
    ):
        snr = check_snr_range(snr_db, allow_negative)
        check_choice("color", color, ("white", "pink"))
        check_seed(seed)
        super().__init__(**kwargs)
        self.snr_db, self.color, self.allow_negative, self.seed = (
            snr,
            color,
            bool(allow_negative),
            seed,
        )
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _noise(self, shape):
        white = keras.random.normal(shape, seed=self.seed_generator)
        if self.color == "white":
            return white
        spectrum = tf.signal.rfft(white)
        bins = tf.shape(spectrum)[-1]
        gain = tf.math.rsqrt(tf.maximum(tf.range(tf.cast(bins, tf.float32)), 1.0))
        return tf.signal.irfft(spectrum * tf.complex(gain, 0.0), fft_length=shape[-1:])

    def call(self, inputs, training=False):
        if not training:
            return inputs
        x = tf.convert_to_tensor(inputs, tf.float32)
        snr = keras.random.uniform(
            tf.concat([tf.shape(x)[:-1], [1]], 0), *self.snr_db, seed=self.seed_generator
        )
        return mix_at_snr(x, self._noise(tf.shape(x)), snr)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "snr_db": self.snr_db,
            "color": self.color,
            "allow_negative": self.allow_negative,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="course")
class SpecAugment(keras.layers.Layer):
    """SpecAugment's masking (Park et al., 2019) on spectrograms (batch, frames, bins[, ch]).

    Per example: `freq_masks` bands of f ~ U{0..freq_mask_param} consecutive bins and
    `time_masks` bands of t ~ U{0..time_mask_param} consecutive frames are set to `mask_value`.
    """

    def __init__(
        self,
        freq_mask_param=8,
        time_mask_param=10,
        freq_masks=2,
        time_masks=2,
        mask_value=0.0,
        seed=None,
        **kwargs,
    ):
        for name, value in (
            ("freq_mask_param", freq_mask_param),
            ("time_mask_param", time_mask_param),
            ("freq_masks", freq_masks),
            ("time_masks", time_masks),
        ):
            check_number(name, value, 0, integer=True)
        check_number("mask_value", mask_value)
        check_seed(seed)
        super().__init__(**kwargs)
        self.freq_mask_param, self.time_mask_param = int(freq_mask_param), int(time_mask_param)
        self.freq_masks, self.time_masks = int(freq_masks), int(time_masks)
        self.mask_value, self.seed = float(mask_value), seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _band_mask(self, batch, size, width_param, count):
        """(batch, size) boolean: union of `count` random bands of width <= width_param."""
        index = tf.range(size)[None, :]
        masked = tf.zeros((batch, size), tf.bool)
        for _ in range(count):
            u = keras.random.uniform((batch, 2), seed=self.seed_generator)
            width = tf.cast(tf.floor(u[:, 0] * (width_param + 1)), tf.int32)
            width = tf.minimum(width, size)
            start = tf.cast(tf.floor(u[:, 1] * tf.cast(size - width + 1, tf.float32)), tf.int32)
            masked |= (index >= start[:, None]) & (index < (start + width)[:, None])
        return masked

    def build(self, input_shape):
        """Refuse inputs that are not a batch of spectrograms before TensorFlow does."""
        if len(input_shape) not in (3, 4):
            raise ValueError(
                "inputs must be spectrograms (batch, frames, bins) or (batch, frames, bins, "
                f"channels), got shape {tuple(input_shape)}"
            )

    def call(self, inputs, training=False):
        if not training:
            return inputs
        x = tf.convert_to_tensor(inputs)
        batch, frames, bins = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
        time = self._band_mask(batch, frames, self.time_mask_param, self.time_masks)
        freq = self._band_mask(batch, bins, self.freq_mask_param, self.freq_masks)
        mask = time[:, :, None] | freq[:, None, :]
        if x.shape.rank == 4:
            mask = mask[..., None]
        return tf.where(mask, tf.cast(self.mask_value, x.dtype), x)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "freq_mask_param": self.freq_mask_param,
            "time_mask_param": self.time_mask_param,
            "freq_masks": self.freq_masks,
            "time_masks": self.time_masks,
            "mask_value": self.mask_value,
            "seed": self.seed,
        }
