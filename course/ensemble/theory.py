"""How often a majority vote is wrong, in theory and with correlated members.

With M independent members each wrong with probability e, the vote is wrong when more than
M/2 are wrong: the binomial tail sum_{k > M/2} C(M, k) e^k (1 - e)^(M - k). "Summary DAY 2"
writes 1 - (1-e)^M - C(M, 2)(1-e)^(M-1) e, which equals the tail only at M = 3 (where
C(3, 2) = C(3, 1) = 3): 0.000298 for e = 0.01.
"""
from math import comb

import numpy as np

from course.validation import check_number


def _check(e, m):
    check_number("e", e, 0, 1)
    check_number("M", m, 1, integer=True)


def majority_vote_error(e, M):
    """P(more than half of M independent members, each wrong with prob. e, are wrong)."""
    _check(e, M)
    return sum(comb(M, k) * e**k * (1 - e) ** (M - k) for k in range(M // 2 + 1, M + 1))


def notes_ensemble_error(e, M):
    """The notes' formula, kept to show where it diverges from `majority_vote_error`."""
    _check(e, M)
    return 1 - (1 - e) ** M - comb(M, 2) * (1 - e) ** (M - 1) * e


def correlated_majority_error(e, M, rho, n_trials=200_000, seed=0):
    """Majority-vote error when members' mistakes are correlated, by simulation.

    Each member is wrong when a Gaussian score falls below the e-quantile; scores share a
    common factor with correlation `rho`, so every member keeps error rate e while mistakes
    coincide more often as rho grows (rho = 0 is the independent case, rho = 1 one model).
    """
    from scipy.stats import norm

    _check(e, M)
    check_number("rho", rho, 0, 1)
    check_number("n_trials", n_trials, 1, integer=True)
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((n_trials, 1))
    own = rng.standard_normal((n_trials, M))
    scores = np.sqrt(rho) * common + np.sqrt(1 - rho) * own
    wrong = scores < norm.ppf(e)
    return float((wrong.sum(axis=1) > M / 2).mean())
