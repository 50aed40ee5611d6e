"""Log-magnitude spectrograms with `tf.signal.stft` (as a function and a Keras layer) and a
matplotlib plot of one."""

import keras
import tensorflow as tf

from course.validation import check_number, check_waveform


def log_spectrogram(waveform, frame_length=512, frame_step=128, eps=1e-6):
    """log(|STFT| + eps) of (..., samples) waveforms: (..., frames, frame_length // 2 + 1)."""
    check_number("frame_length", frame_length, 2, integer=True)
    check_number("frame_step", frame_step, 1, integer=True)
    x = tf.convert_to_tensor(check_waveform("waveform", waveform, frame_length), tf.float32)
    spec = tf.signal.stft(
        x,
        frame_length=frame_length,
        frame_step=frame_step,
        fft_length=frame_length,
        window_fn=tf.signal.hann_window,
    )
    return tf.math.log(tf.abs(spec) + eps)


@keras.saving.register_keras_serializable(package="course")
class LogSpectrogram(keras.layers.Layer):
    """Waveforms (batch, samples) to log-magnitude spectrograms (batch, frames, bins)."""

    def __init__(self, frame_length=512, frame_step=128, **kwargs):
        check_number("frame_length", frame_length, 2, integer=True)
        check_number("frame_step", frame_step, 1, integer=True)
        super().__init__(**kwargs)
        self.frame_length, self.frame_step = int(frame_length), int(frame_step)

    def build(self, input_shape):
        """Refuse inputs that cannot give a frame (Keras would return zero frames silently)."""
        if len(input_shape) < 1:
            raise ValueError(
                f"inputs must be waveforms (batch, samples), got shape {tuple(input_shape)}"
            )
        samples = input_shape[-1]
        if samples is not None and samples < self.frame_length:
            raise ValueError(
                f"inputs have {samples} samples, fewer than frame_length={self.frame_length}: "
                "no full frame fits (pad the signal or choose a shorter frame_length)"
            )

    def call(self, inputs):
        return log_spectrogram(inputs, self.frame_length, self.frame_step)

    def compute_output_shape(self, input_shape):
        samples = input_shape[-1]
        frames = None if samples is None else 1 + (samples - self.frame_length) // self.frame_step
        return (*input_shape[:-1], frames, self.frame_length // 2 + 1)

    def get_config(self):
        return {
            **super().get_config(),
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
        }


def plot_spectrogram(
    spec, sample_rate=16000, frame_step=128, ax=None, title=None, vmin=None, vmax=None
):
    """Show a (frames, bins) spectrogram with time (s) across and frequency (Hz) up; pass the
    same `vmin`/`vmax` to panels that should share one colour scale."""
    import matplotlib.pyplot as plt
    import numpy as np

    spec = np.asarray(spec)
    ax = ax or plt.subplots(figsize=(5, 3))[1]
    extent = (0, spec.shape[0] * frame_step / sample_rate, 0, sample_rate / 2)
    ax.imshow(
        spec.T, origin="lower", aspect="auto", extent=extent, cmap="magma", vmin=vmin, vmax=vmax
    )
    ax.set_xlabel("time (s)")
    ax.set_ylabel("frequency (Hz)")
    if title:
        ax.set_title(title, fontsize=9)
    return ax
