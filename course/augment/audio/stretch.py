"""Time stretching with a phase vocoder and pitch shifting (stretch, then band-limited resample),
both on `tf.signal` STFTs so they run inside Keras layers and tf.data pipelines.

A phase vocoder changes duration without changing pitch: it resamples the STFT's frames in time,
interpolating magnitudes and advancing each bin's phase by its measured per-hop increment.
"""

import math

import numpy as np
import tensorflow as tf

from course.validation import check_number, check_waveform

N_FFT, HOP = 512, 128


def _stft(x, n_fft, hop):
    return tf.signal.stft(
        x, frame_length=n_fft, frame_step=hop, fft_length=n_fft, window_fn=tf.signal.hann_window
    )


def _istft(spec, n_fft, hop):
    window = tf.signal.inverse_stft_window_fn(hop, forward_window_fn=tf.signal.hann_window)
    return tf.signal.inverse_stft(
        spec, frame_length=n_fft, frame_step=hop, fft_length=n_fft, window_fn=window
    )


def phase_vocoder(spec, rate, hop=HOP, n_fft=N_FFT):
    """Resample STFT frames (..., frames, bins) at steps of `rate` frames (rate > 1 = faster)."""
    n_frames, n_bins = tf.shape(spec)[-2], tf.shape(spec)[-1]
    steps = tf.range(0.0, tf.cast(n_frames, tf.float32), tf.cast(rate, tf.float32))
    pad = tf.zeros(tf.concat([tf.shape(spec)[:-2], [2, n_bins]], 0), spec.dtype)
    padded = tf.concat([spec, pad], axis=-2)
    left = tf.cast(tf.floor(steps), tf.int32)
    frac = (steps - tf.floor(steps))[:, None]
    c0, c1 = tf.gather(padded, left, axis=-2), tf.gather(padded, left + 1, axis=-2)
    magnitude = (1.0 - frac) * tf.abs(c0) + frac * tf.abs(c1)
    advance = 2 * np.pi * hop * tf.range(tf.cast(n_bins, tf.float32)) / n_fft
    delta = tf.math.angle(c1) - tf.math.angle(c0) - advance
    delta -= 2 * np.pi * tf.round(delta / (2 * np.pi))
    phase = tf.math.angle(spec[..., :1, :]) + tf.cumsum(advance + delta, axis=-2, exclusive=True)
    return tf.complex(magnitude * tf.cos(phase), magnitude * tf.sin(phase))


def fit_length(x, length):
    """Crop or zero-pad the last axis of `x` to `length` samples."""
    x = x[..., :length]
    missing = length - tf.shape(x)[-1]
    paddings = tf.concat([tf.zeros([tf.rank(x) - 1, 2], tf.int32), [[0, missing]]], axis=0)
    return tf.pad(x, paddings)


def time_stretch(waveform, rate, n_fft=N_FFT, hop=HOP):
    """Play `waveform` (..., samples) `rate` times faster at the same pitch: about
    samples / rate samples come out (rate 2 halves the duration)."""
    if not tf.is_tensor(rate):
        check_number("rate", rate, 0, low_open=True)
    x = tf.convert_to_tensor(check_waveform("waveform", waveform, n_fft), tf.float32)
    stretched = _istft(phase_vocoder(_stft(x, n_fft, hop), rate, hop, n_fft), n_fft, hop)
    target = tf.cast(tf.round(tf.cast(tf.shape(x)[-1], tf.float32) / rate), tf.int32)
    return fit_length(stretched, target)


def resample(waveform, length):
    """Band-limited resampling of the last axis to `length` samples via the real FFT."""
    x = tf.convert_to_tensor(waveform, tf.float32)
    n = tf.shape(x)[-1]
    spectrum = tf.signal.rfft(x)
    bins = length // 2 + 1
    spectrum = spectrum[..., :bins]
    missing = bins - tf.shape(spectrum)[-1]
    paddings = tf.concat([tf.zeros([tf.rank(x) - 1, 2], tf.int32), [[0, missing]]], axis=0)
    spectrum = tf.pad(spectrum, paddings)
    scale = tf.cast(length, tf.float32) / tf.cast(n, tf.float32)
    return tf.signal.irfft(spectrum, fft_length=[length]) * scale


def pitch_shift(waveform, semitones, n_fft=N_FFT, hop=HOP):
    """Shift pitch by `semitones` (12 = one octave up, frequencies x2) keeping the duration:
    stretch by 1/ratio with the phase vocoder, then resample back to the original length."""
    if not tf.is_tensor(semitones):
        check_number("semitones", semitones, -48, 48)
        check_waveform("waveform", waveform, n_fft)
        if semitones == 0:
            return tf.convert_to_tensor(waveform, tf.float32)
    ratio = tf.pow(2.0, tf.cast(semitones, tf.float32) / 12.0)
    x = tf.convert_to_tensor(waveform, tf.float32)
    length = tf.shape(x)[-1]
    slower = time_stretch(x, 1.0 / ratio, n_fft, hop)
    return resample(slower, length)


def semitone_ratio(semitones):
    """The frequency ratio of a pitch shift: 2 ** (semitones / 12)."""
    check_number("semitones", semitones)
    return math.pow(2.0, semitones / 12.0)
