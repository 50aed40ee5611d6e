"""Audio augmentation: time stretch and pitch shift (phase vocoder on `tf.signal` STFTs),
background noise at a requested SNR, SpecAugment masking, and synthesised test signals."""

from course.augment.audio.layers import BackgroundNoise, PitchShift, SpecAugment, TimeStretch
from course.augment.audio.mixing import mix_at_snr
from course.augment.audio.signals import chirp, noise, peak_frequency, snr_db, tone
from course.augment.audio.spectrogram import LogSpectrogram, log_spectrogram, plot_spectrogram
from course.augment.audio.stretch import phase_vocoder, pitch_shift, semitone_ratio, time_stretch

__all__ = [
    "BackgroundNoise",
    "LogSpectrogram",
    "PitchShift",
    "SpecAugment",
    "TimeStretch",
    "chirp",
    "log_spectrogram",
    "mix_at_snr",
    "noise",
    "peak_frequency",
    "phase_vocoder",
    "pitch_shift",
    "plot_spectrogram",
    "semitone_ratio",
    "snr_db",
    "time_stretch",
    "tone",
]
