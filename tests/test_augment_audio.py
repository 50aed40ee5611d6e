"""Audio augmentation: phase-vocoder time stretch, pitch shift, noise at a requested SNR and
SpecAugment, on synthesised tones, chirps and noise."""

import keras
import numpy as np
import pytest

from course.augment.audio import (
    BackgroundNoise,
    LogSpectrogram,
    PitchShift,
    SpecAugment,
    TimeStretch,
    chirp,
    log_spectrogram,
    mix_at_snr,
    noise,
    peak_frequency,
    pitch_shift,
    semitone_ratio,
    snr_db,
    time_stretch,
    tone,
)

SR = 16000


def _batch():
    return np.stack([tone(440.0), chirp(300.0, 3000.0), 0.2 * noise(color="pink", seed=1)])


# ---- signals ----------------------------------------------------------------------------------


def test_signals_have_requested_frequency_and_power():
    assert tone(440.0).shape == (SR,) and peak_frequency(tone(440.0)) == 440.0
    assert np.var(noise(seed=0)) == pytest.approx(1.0, rel=1e-3)
    c = chirp(500.0, 2500.0)
    early, late = peak_frequency(c[:2000]), peak_frequency(c[-2000:])
    assert early == pytest.approx(500 + 2000 * (1000 / SR), abs=16)
    assert late == pytest.approx(2500 - 2000 * (1000 / SR), abs=16)


# ---- time stretch and pitch shift ------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.5, 0.8, 1.25, 2.0])
def test_time_stretch_changes_length_not_pitch(rate):
    out = time_stretch(tone(440.0), rate).numpy()
    assert out.shape == (round(SR / rate),)
    assert peak_frequency(out) == pytest.approx(440.0, abs=2 * rate)
    middle = out[len(out) // 4 : 3 * len(out) // 4]
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.1)


@pytest.mark.parametrize("rate", [0.8, 1.25])
def test_time_stretch_scales_a_chirps_sweep_rate(rate):
    stretched = time_stretch(chirp(500.0, 2500.0), rate).numpy()  # 2000 Hz/s becomes 2000 rate
    starts = np.arange(1000, len(stretched) - 2000, 500)
    peaks = [peak_frequency(stretched[a : a + 1000]) for a in starts]
    slope = np.polyfit((starts + 500) / SR, peaks, 1)[0]
    assert slope == pytest.approx(2000.0 * rate, rel=0.02)


@pytest.mark.parametrize("semitones", [-7, -2, 3, 5, 12])
def test_pitch_shift_moves_a_tone_by_the_semitone_ratio(semitones):
    out = pitch_shift(tone(440.0), semitones).numpy()
    assert out.shape == (SR,)
    expected = 440.0 * semitone_ratio(semitones)
    assert peak_frequency(out) / 440.0 == pytest.approx(expected / 440.0, rel=0.004)


def test_semitone_ratio_closed_form():
    assert semitone_ratio(12) == 2.0 and semitone_ratio(-12) == 0.5
    assert semitone_ratio(7) == pytest.approx(1.4983, abs=1e-4)


# ---- noise at a given SNR ---------------------------------------------------------------------


@pytest.mark.parametrize("snr", [-5.0, 0.0, 10.0, 30.0])
def test_mix_at_snr_realises_the_requested_snr(snr):
    clean = tone(440.0)
    mixed = mix_at_snr(clean, noise(seed=2), snr).numpy()
    assert snr_db(clean, mixed) == pytest.approx(snr, abs=1e-3)


def test_background_noise_layer_snr_within_range_per_example():
    x = _batch()
    layer = BackgroundNoise(snr_db=(3.0, 12.0), seed=0)
    y = np.asarray(layer(x, training=True))
    realised = [snr_db(a, b) for a, b in zip(x, y)]
    assert all(3.0 - 1e-3 <= r <= 12.0 + 1e-3 for r in realised) and np.ptp(realised) > 0.1
    fixed = np.asarray(BackgroundNoise((10.0, 10.0), color="pink", seed=0)(x, training=True))
    for a, b in zip(x, fixed):
        assert snr_db(a, b) == pytest.approx(10.0, abs=1e-3)


def test_pink_noise_has_falling_spectrum():
    y = (
        np.asarray(
            BackgroundNoise((0.0, 0.0), color="pink", seed=0)(
                np.ones((1, SR), "float32") * 0.5, training=True
            )
        )[0]
        - 0.5
    )
    power = np.abs(np.fft.rfft(y)) ** 2
    assert power[10:100].mean() > 20 * power[4000:8000].mean()


# ---- SpecAugment ------------------------------------------------------------------------------


def test_log_spectrogram_shape_and_layer_agree():
    spec = log_spectrogram(_batch())
    assert spec.shape == (3, 1 + (SR - 512) // 128, 257)
    layer = LogSpectrogram()
    np.testing.assert_allclose(layer(_batch()), spec, atol=1e-6)
    assert layer.compute_output_shape((None, SR)) == (None, 122, 257)
    peak_bin = np.argmax(np.asarray(spec)[0].mean(0))
    assert peak_bin == round(440 / (SR / 512))


def test_spec_augment_masks_whole_bands():
    spec = np.asarray(log_spectrogram(_batch())) + 100.0  # all positive, so 0 marks a mask
    out = np.asarray(
        SpecAugment(freq_mask_param=20, time_mask_param=15, seed=0)(spec, training=True)
    )
    assert out.shape == spec.shape
    for example in out:
        masked = example == 0.0
        rows, cols = masked.all(axis=1), masked.all(axis=0)
        assert np.array_equal(masked, rows[:, None] | cols[None, :])  # only full rows/columns
        assert 0 < rows.sum() <= 2 * 15 and 0 < cols.sum() <= 2 * 20
    channel = SpecAugment(seed=0)(spec[..., None], training=True)
    assert channel.shape == spec.shape + (1,)


# ---- layers: shapes, inference identity, seeds, validation, saving ---------------------------


def _layers(seed=0):
    return [
        TimeStretch((0.7, 1.4), seed=seed),
        PitchShift((-3, 3), seed=seed),
        BackgroundNoise((5, 15), seed=seed),
    ]


@pytest.mark.parametrize("index", range(3))
def test_waveform_layers_shape_identity_and_seed(index):
    x = _batch()
    layer = _layers()[index]
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    out = np.asarray(layer(x, training=True))
    assert out.shape == x.shape and not np.allclose(out, x)
    np.testing.assert_allclose(np.asarray(_layers()[index](x, training=True)), out, atol=1e-6)


def test_pitch_shift_layer_moves_tone_within_its_range():
    tones = np.stack([tone(440.0)] * 4)
    out = np.asarray(PitchShift((-4, 4), seed=3)(tones, training=True))
    ratios = [peak_frequency(o) / 440.0 for o in out]
    assert all(semitone_ratio(-4) - 0.01 <= r <= semitone_ratio(4) + 0.01 for r in ratios)
    assert np.ptp(ratios) > 0.01


def test_spec_augment_identity_at_inference():
    spec = np.asarray(log_spectrogram(_batch()))
    np.testing.assert_array_equal(np.asarray(SpecAugment(seed=0)(spec)), spec)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: BackgroundNoise(snr_db=(-5.0, 10.0)), "snr_db"),
        (lambda: BackgroundNoise(snr_db=(10.0, 5.0)), "snr_db"),
        (lambda: BackgroundNoise(color="blue"), "color"),
        (lambda: mix_at_snr(tone(440.0), noise(), float("inf")), "snr_db"),
        (lambda: TimeStretch(rate=(0.0, 1.2)), "rate"),
        (lambda: PitchShift(semitones=(3, -3)), "semitones"),
        (lambda: SpecAugment(freq_masks=-1), "freq_masks"),
        (lambda: time_stretch(tone(440.0), -1.0), "rate"),
        (lambda: tone(9000.0), "frequency"),
    ],
)
def test_invalid_parameters_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_negative_snr_allowed_when_asked():
    x = _batch()
    y = np.asarray(BackgroundNoise((-6.0, -6.0), allow_negative=True, seed=0)(x, training=True))
    assert snr_db(x[0], y[0]) == pytest.approx(-6.0, abs=1e-3)


def test_audio_model_fits_and_round_trips(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((SR // 4,))
    x = BackgroundNoise((10, 20), seed=1)(inputs)
    x = PitchShift((-1, 1), seed=2)(x)
    x = TimeStretch((0.9, 1.1), seed=3)(x)
    x = LogSpectrogram(256, 128)(x)
    x = SpecAugment(4, 4, seed=4)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    waves = _batch()[:, : SR // 4]
    model.fit(waves, np.array([0, 1, 1]), epochs=1, batch_size=3, verbose=0)
    path = tmp_path / "audio.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        model.predict(waves, verbose=0), loaded.predict(waves, verbose=0), atol=1e-5
    )
    assert loaded.layers[2].get_config()["semitones"] == (-1.0, 1.0) or list(
        loaded.layers[2].get_config()["semitones"]
    ) == [-1.0, 1.0]


def test_layers_run_inside_tf_data():
    import tensorflow as tf

    noise_layer, shift, masks = BackgroundNoise(seed=0), PitchShift(seed=1), SpecAugment(seed=2)

    def augment(waves):
        return masks(
            log_spectrogram(shift(noise_layer(waves, training=True), training=True)), training=True
        )

    ds = tf.data.Dataset.from_tensor_slices(_batch()).batch(3).map(augment)
    out = next(iter(ds)).numpy()
    assert out.shape == (3, 122, 257) and np.isfinite(out).all()
