"""`course.analysis.seed_spread`: the prediction interval against its closed form and its coverage,
and per-seed records averaged."""

import numpy as np
import pytest

from course.analysis.seed_spread import (
    average_records,
    record_difference,
    record_spread,
    seed_difference,
    seed_spread,
    setting_difference,
)


def test_prediction_interval_matches_the_closed_form():
    spread = seed_spread([1.0, 2.0, 3.0])
    # mean 2, sd 1, t(0.975, 2 df) = 4.302653 (printed tables), widened by sqrt(1 + 1/3)
    half = 4.302653 * 1.0 * np.sqrt(4 / 3)
    assert spread.mean == 2.0 and spread.std == 1.0 and spread.n_seeds == 3
    assert spread.low == pytest.approx(2 - half, rel=1e-6)
    assert spread.high == pytest.approx(2 + half, rel=1e-6)


def test_the_interval_covers_a_new_run_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    draws = rng.normal(5.0, 2.0, size=(4000, 4))  # 3 stored seeds and one new run, 4000 times
    inside = [seed_spread(row[:3]).contains(row[3]) for row in draws]
    assert np.mean(inside) == pytest.approx(0.95, abs=0.015)


def test_place_says_inside_outside_and_fast_mode():
    spread = seed_spread([6.0, 7.0, 8.0])
    assert "lies inside" in spread.place("FID", 7.5)
    assert "consistent" in spread.place("FID", 7.5)
    outside = spread.place("FID", 40.0)
    assert "lies outside" in outside and "more than seed-to-seed noise" in outside
    fast = spread.place("FID", 40.0, differs="a fast-mode run of 2 epochs")
    assert "a fast-mode run of 2 epochs" in fast and "not comparable" in fast
    assert "outside" not in fast and "3 stored full-mode seeds" in fast


def test_paired_difference_matches_the_closed_form_and_stays_within_noise():
    # differences 1, 2, 3: mean 2, sd 1, t(0.975, 2 df) = 4.302653, half-width 4.302653 / sqrt(3)
    d = seed_difference("A", [2.0, 4.0, 6.0], "B", [1.0, 2.0, 3.0], "FID", paired=True)
    assert d.estimate == pytest.approx(2.0)
    assert (d.low, d.high) == pytest.approx((2 - 4.302653 / np.sqrt(3), 2 + 4.302653 / np.sqrt(3)))
    assert not d.resolved and str(d).startswith("A and B are within noise on FID: A minus B: +2")
    assert "3 seeds, paired" in str(d)


def test_welch_difference_matches_the_closed_form_and_names_the_winner():
    # sd 1 each, se sqrt(2/3), Welch df = 4, t(0.975, 4 df) = 2.776445
    d = seed_difference("A", [1.0, 2.0, 3.0], "B", [4.0, 5.0, 6.0], "FID")
    half = 2.776445 * np.sqrt(2 / 3)
    assert (d.estimate, d.low, d.high) == pytest.approx((-3.0, -3 - half, -3 + half))
    assert d.resolved and str(d).startswith("A beats B on FID: A minus B: -3")
    higher = seed_difference("A", [1.0, 2.0, 3.0], "B", [4.0, 5.0, 6.0], "accuracy", False)
    assert str(higher).startswith("A trails B on accuracy")


def test_records_are_read_back_by_figure():
    a = average_records([{"fid": 2.0}, {"fid": 4.0}, {"fid": 6.0}])
    b = average_records([{"fid": 1.0}, {"fid": 2.0}, {"fid": 3.0}])
    assert record_spread(a, "fid").values == (2.0, 4.0, 6.0)
    paired = record_difference("A", a, "B", b, "fid", paired=True)
    direct = seed_difference("A", [2.0, 4.0, 6.0], "B", [1.0, 2.0, 3.0], "fid", paired=True)
    assert paired == direct
    with pytest.raises(ValueError, match="figure must be one of"):
        record_spread(a, "kid")


def test_setting_difference_names_what_differs():
    stored = {"mode": "full", "epochs": 100}
    assert setting_difference({"mode": "full", "epochs": 100}, stored) is None
    assert setting_difference({"mode": "fast", "epochs": 2}, stored) == (
        "from a run with mode fast (stored: full), epochs 2 (stored: 100)"
    )
    assert seed_spread([1.0, 2.0, 3.0]).pm(1) == "2.0 ± 1.0"
    with pytest.raises(ValueError, match="same settings"):
        setting_difference({"mode": "full"}, stored)


def test_average_records_means_spread_and_per_seed_values():
    merged = average_records(
        [{"name": "a", "fid": 2.0, "n": 10}, {"name": "a", "fid": 4.0, "n": 10}]
    )
    assert merged["name"] == "a" and merged["fid"] == 3.0 and merged["n"] == 10.0
    assert merged["fid_std"] == pytest.approx(np.sqrt(2.0))
    assert merged["per_seed"] == {"fid": [2.0, 4.0], "n": [10, 10]}


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: seed_spread([1.0]), ValueError, "values must hold at least 2"),
        (lambda: seed_spread([[1.0, 2.0]]), ValueError, "values"),
        (lambda: seed_spread([1.0, float("nan")]), ValueError, "values"),
        (lambda: seed_spread([1.0, 2.0], confidence=1.5), ValueError, "confidence"),
        (lambda: seed_spread([1.0, 2.0]).place(3, 1.0), TypeError, "name"),
        (lambda: seed_spread([1.0, 2.0]).place("FID", None), TypeError, "value"),
        (lambda: seed_spread([1.0, 2.0]).place("FID", 1.0, differs=2), TypeError, "differs"),
        (lambda: average_records({"a": 1}), TypeError, "records must be a list"),
        (lambda: seed_difference("a", [1.0], "b", [1.0, 2.0], "FID"), ValueError, "values_a"),
        (
            lambda: seed_difference("a", [1, 2], "b", [1, 2, 3], "F", paired=True),
            ValueError,
            "paired",
        ),
        (lambda: seed_difference(1, [1, 2], "b", [1, 2], "FID"), TypeError, "a must be"),
        (lambda: seed_difference("a", "xy", "b", [1, 2], "FID"), TypeError, "values_a"),
        (lambda: average_records([{"a": 1}]), ValueError, "at least 2"),
        (lambda: average_records([{"a": 1}, {"b": 1}]), ValueError, r"records\[1\] has keys"),
        (lambda: average_records([{"a": "x"}, {"a": "y"}]), ValueError, "disagree on 'a'"),
        (lambda: average_records([{"a": 1}, 3]), TypeError, r"records\[1\]"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
