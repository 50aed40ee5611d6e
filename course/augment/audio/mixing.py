"""Background-noise mixing at a requested signal-to-noise ratio (SNR, in dB).

SNR = 10 log10(P_signal / P_noise) with P the mean power; the noise is scaled by
sqrt(P_signal / (P_noise 10^(SNR/10))) so the realised SNR equals the request exactly.
"""

import numpy as np
import tensorflow as tf

from course.validation import check_number, check_waveform


def noise_scale(signal, noise, snr_db):
    """Per-example factor (..., 1) that brings `noise` to `snr_db` below `signal`."""
    p_signal = tf.reduce_mean(tf.square(signal), axis=-1, keepdims=True)
    p_noise = tf.reduce_mean(tf.square(noise), axis=-1, keepdims=True)
    target = p_signal / tf.pow(10.0, tf.cast(snr_db, tf.float32) / 10.0)
    return tf.sqrt(tf.math.divide_no_nan(target, p_noise))


def mix_at_snr(signal, noise, snr_db):
    """Return signal + scaled noise with SNR `snr_db` (any finite dB; negative = noise louder).

    `signal` and `noise` are (..., samples) of the same shape; `snr_db` is a number or a
    tensor broadcastable to (..., 1). A silent signal gets no noise.
    """
    if not (tf.is_tensor(snr_db) or isinstance(snr_db, np.ndarray)):
        check_number("snr_db", snr_db)  # any finite dB; a per-example array is the caller's
    signal = tf.convert_to_tensor(check_waveform("signal", signal), tf.float32)
    noise = tf.convert_to_tensor(check_waveform("noise", noise), tf.float32)
    if signal.shape != noise.shape:
        raise ValueError(f"noise must have the signal's shape {signal.shape}, got {noise.shape}")
    return signal + noise_scale(signal, noise, snr_db) * noise


def check_snr_range(snr_db, allow_negative=False):
    """Validate a (low, high) SNR range in dB; negative values only with `allow_negative`."""
    if not isinstance(snr_db, (tuple, list)) or len(snr_db) != 2:
        raise TypeError(f"snr_db must be a (low, high) pair of dB values, got {snr_db!r}")
    low, high = snr_db
    for value in (low, high):
        check_number("snr_db", value)
        if value < 0 and not allow_negative:
            raise ValueError(
                f"snr_db must be >= 0 dB (noise no louder than the signal), got "
                f"{snr_db!r}; pass allow_negative=True to allow louder noise"
            )
    if low > high:
        raise ValueError(f"snr_db must be (low, high) with low <= high, got {snr_db!r}")
    return float(low), float(high)
