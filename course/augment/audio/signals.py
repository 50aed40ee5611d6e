"""Synthesised test signals (pure tones, chirps, white and pink noise) and the two measurements
the audio tests rely on: the dominant frequency and the signal-to-noise ratio in dB."""

import numpy as np

from course.validation import check_choice, check_number, check_waveform


def _times(duration, sample_rate):
    check_number("duration", duration, 0, low_open=True)
    check_number("sample_rate", sample_rate, 1, integer=True)
    return np.arange(int(round(duration * sample_rate))) / sample_rate


def tone(frequency, duration=1.0, sample_rate=16000, amplitude=0.5):
    """A pure sine of `frequency` Hz as float32 samples."""
    t = _times(duration, sample_rate)
    check_number("frequency", frequency, 0, sample_rate / 2, high_open=True)
    check_number("amplitude", amplitude, 0)
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype("float32")


def chirp(f_start, f_end, duration=1.0, sample_rate=16000, amplitude=0.5):
    """A linear chirp sweeping from `f_start` to `f_end` Hz (instantaneous frequency is linear)."""
    t = _times(duration, sample_rate)
    for name, f in (("f_start", f_start), ("f_end", f_end)):
        check_number(name, f, 0, sample_rate / 2, high_open=True)
    check_number("amplitude", amplitude, 0)
    phase = 2 * np.pi * (f_start * t + (f_end - f_start) * t**2 / (2 * duration))
    return (amplitude * np.sin(phase)).astype("float32")


def noise(duration=1.0, sample_rate=16000, color="white", seed=0):
    """Unit-variance white noise, or pink noise (power falling as 1/f) when ``color="pink"``."""
    check_choice("color", color, ("white", "pink"))
    n = len(_times(duration, sample_rate))
    white = np.random.default_rng(seed).normal(size=n)
    if color == "pink":
        spectrum = np.fft.rfft(white)
        spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
        white = np.fft.irfft(spectrum, n)
    return (white / white.std()).astype("float32")


def peak_frequency(waveform, sample_rate=16000):
    """The frequency (Hz) of the largest magnitude in the waveform's Hann-windowed spectrum."""
    x = np.asarray(check_waveform("waveform", waveform, ndim=1), dtype="float64")
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * sample_rate / len(x))


def snr_db(clean, noisy):
    """The realised signal-to-noise ratio 10 log10(P_clean / P_(noisy - clean)) in dB."""
    clean = np.asarray(check_waveform("clean", clean), dtype="float64")
    noisy = np.asarray(check_waveform("noisy", noisy), dtype="float64")
    if noisy.shape != clean.shape:
        raise ValueError(f"noisy must have the shape of clean {clean.shape}, got {noisy.shape}")
    residual = noisy - clean
    return float(10 * np.log10(np.mean(clean**2, axis=-1) / np.mean(residual**2, axis=-1)).mean())
