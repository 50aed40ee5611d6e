"""Comparisons over seeds: McNemar and Clopper-Pearson against closed forms, the crossed bootstrap
against a known true difference, the verdict and ranking sentences, and bad input."""

import math

import numpy as np
import pytest
from scipy.stats import beta

from course.analysis import compare, compare_arms, run_arms


def _correct(wins, losses, ties_right, ties_wrong, seeds=2):
    """(a, b) correctness (seeds, items) with the given discordant and concordant cells per seed."""
    a = [1] * wins + [0] * losses + [1] * ties_right + [0] * ties_wrong
    b = [0] * wins + [1] * losses + [1] * ties_right + [0] * ties_wrong
    return np.array([a] * seeds, dtype=bool), np.array([b] * seeds, dtype=bool)


def test_mcnemar_p_value_and_interval_match_closed_forms():
    a, b = _correct(wins=4, losses=1, ties_right=10, ties_wrong=5)  # 8 vs 2 discordant over 2 seeds
    result = compare({"A": a, "B": b}).difference("A", "B")
    wins, n = 8, 10
    tail = sum(math.comb(n, k) for k in range(n - wins + 1)) / 2**n  # P(X <= 2), X ~ Bin(10, 1/2)
    assert result.p_value == pytest.approx(2 * tail)
    low, high = beta.ppf(0.025, wins, n - wins + 1), beta.ppf(0.975, wins + 1, n - wins)
    share = n / a.size
    assert result.estimate == pytest.approx((8 - 2) / a.size)
    assert (result.low, result.high) == pytest.approx(
        (share * (2 * low - 1), share * (2 * high - 1))
    )


def test_mcnemar_without_discordant_pairs_is_a_zero_difference():
    a, _ = _correct(wins=0, losses=0, ties_right=5, ties_wrong=3)
    comparison = compare({"A": a, "B": a.copy()})
    assert comparison.difference("A", "B").p_value == 1.0
    assert "within noise (difference 0.000" in comparison.verdict("A", "B")


def _scores(effect, seed=0, n_seeds=5, n_items=400):
    """Per-item scores with a seed effect shared by all items and item noise shared by the arms."""
    rng = np.random.default_rng(seed)
    items = rng.normal(0, 1, n_items)  # item difficulty, the same for both arms

    def arm(shift):
        runs = rng.normal(0, 0.05, (n_seeds, 1))
        return shift + items + runs + rng.normal(0, 0.5, (n_seeds, n_items))

    return arm(effect), arm(0.0)


def test_bootstrap_interval_covers_a_large_true_difference_and_excludes_zero():
    a, b = _scores(0.3)
    d = compare({"A": a, "B": b}).difference("A", "B")
    assert d.low < 0.3 < d.high
    assert d.low > 0


def test_bootstrap_interval_includes_zero_for_arms_from_one_distribution():
    a, b = _scores(0.0, seed=1)
    d = compare({"A": a, "B": b}).difference("A", "B")
    assert d.low < 0 < d.high
    assert not d.resolved


def test_verdict_beats_within_noise_and_fast_mode():
    a, b = _correct(wins=30, losses=0, ties_right=60, ties_wrong=10, seeds=5)
    comparison = compare({"big": a, "small": b})
    d = comparison.difference("big", "small")
    expected = f"big beats small by 0.300 (95 % CI {d.low:.3f} to {d.high:.3f}, 5 seeds)"
    assert comparison.verdict("big", "small") == expected
    assert comparison.verdict("small", "big") == expected  # the winner is named first
    fast = compare({"big": a, "small": b}, fast=True).verdict("big", "small")
    assert fast == expected.replace("5 seeds)", "5 seeds, fast mode)")
    a, b = _correct(wins=2, losses=1, ties_right=90, ties_wrong=7, seeds=5)
    noise = compare({"A": a, "B": b})
    d = noise.difference("A", "B")
    assert noise.verdict("A", "B") == (
        f"A and B are within noise (difference 0.010, 95 % CI {d.low:.3f} to {d.high:.3f}, 5 seeds)"
    )


def test_a_lower_loss_wins_when_lower_is_better():
    a, b = _scores(0.3)
    comparison = compare({"A": a, "B": b}, higher_is_better=False)
    gap = comparison.difference("A", "B").estimate  # A - B > 0: A has the higher loss
    assert comparison.verdict("A", "B").startswith(f"B beats A by {gap:.3f} (95 % CI")


def test_ranking_orders_only_resolved_arms_and_states_the_tie_break():
    good, bad = _correct(wins=30, losses=0, ties_right=60, ties_wrong=10, seeds=3)
    results = {"tuned": good, "default": good.copy(), "tiny": bad}
    ranking = compare(results).ranking()
    assert ranking.startswith("Ranking (3 seeds): {tuned, default} > tiny")
    # the braces group arms left unordered; every arm after ">" is resolved-worse than each before
    assert "; arms inside one pair of braces are not ordered among themselves" in ranking
    assert "Tie-break" in ranking and "best mean" in ranking
    preferred = compare(results, prefer=["default", "tuned", "tiny"])
    assert preferred.best() == "default"
    assert "stated order of preference (default, tuned, tiny): default." in preferred.ranking()
    same = compare({"x": bad, "y": bad.copy(), "z": bad.copy()}).ranking()
    assert same.startswith("x, y and z are all within noise of one another (3 seeds)")


def test_a_chain_of_ties_names_its_resolved_pair_and_never_picks_a_beaten_arm():
    """A beats C while A ~ B ~ C: no ordered groups exist, so the sentence must not say "all
    within noise", must name the resolved pair, and no tie-break may pick the beaten C."""
    rng = np.random.default_rng(0)
    base = rng.normal(size=(3, 40))
    results = {
        name: base + shift + rng.normal(scale=0.6, size=(3, 40))
        for name, shift in (("A", 0.3), ("B", 0.15), ("C", 0.0))
    }
    comparison = compare(results, kind="score", prefer=["C", "B", "A"])
    assert comparison.difference("A", "C").resolved
    assert not comparison.difference("A", "B").resolved
    assert not comparison.difference("B", "C").resolved
    ranking = comparison.ranking()
    assert "within noise of one another" not in ranking
    assert "do not fall into ordered groups" in ranking and "A beats C by" in ranking
    assert comparison.best() == "B" and "among A and B" in ranking


def test_run_arms_calls_every_arm_with_every_seed_and_str_prints_the_table():
    calls = []

    def arm(shift):
        def run(seed):
            calls.append((shift, seed))
            return np.random.default_rng(seed).random(50) < 0.5 + shift

        return run

    comparison = compare_arms({"A": arm(0.3), "B": arm(0.0)}, seeds=[0, 1, 2])
    assert sorted(calls) == [(s, seed) for s in (0.0, 0.3) for seed in (0, 1, 2)]
    text = str(comparison)
    assert "accuracy over 3 seeds on 50 items" in text and "McNemar p" in text
    assert comparison.arm("A").per_seed.shape == (3,)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: compare({"A": np.ones((3, 10)), "B": np.ones((3, 9))}), r"results\['B'\]"),
        (lambda: compare({"A": np.ones((1, 10)), "B": np.ones((1, 10))}), "at least 2 seeds"),
        (lambda: run_arms({"A": np.ones, "B": np.ones}, seeds=[0]), "seeds must hold at least 2"),
        (lambda: run_arms({}, seeds=[0, 1]), "arms must hold at least 2"),
        (lambda: compare({}), "arms must hold at least 2"),
        (lambda: run_arms({"A": lambda s: np.ones(3 + s), "B": np.ones}, [0, 1]), r"arms\['A'\]"),
        (lambda: compare({"A": np.full((2, 3), 0.5), "B": np.ones((2, 3))}, kind="correct"), "0/1"),
        (lambda: compare({"A": np.ones((2, 3)), "B": np.ones((2, 3))}, prefer=["A"]), "prefer"),
        (lambda: compare({"A": np.ones((2, 3)), "B": np.ones((2, 3))}).verdict("A", "Z"), "b must"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
