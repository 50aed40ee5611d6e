"""How often a majority vote is wrong, in theory and with correlated members.

With M independent members each wrong with probability e, the vote is wrong when more than
M/2 are wrong: the binomial tail sum_{k > M/2} C(M, k) e^k (1 - e)^(M - k). "Summary DAY 2"
writes 1 - (1-e)^M - C(M, 2)(1-e)^(M-1) e, which equals the tail only at M = 3 (where
C(3, 2) = C(3, 1) = 3): 0.000298 for e = 0.01; and trivially at M = 1, where C(1, 2) = 0 leaves e.

The tail is evaluated through its closed form, the regularized incomplete beta function
I_e(k, M - k + 1) = P(X >= k), so it costs the same for any M and never overflows (summing
C(M, k) e^k directly overflows a float from M of about 1030 on).
"""

import math

import numpy as np

from course.validation import check_number


def _check(e, m):
    check_number("e", e, 0, 1)
    check_number("M", m, 1, integer=True)


def majority_vote_error(e, M):
    """P(more than half of M independent members, each wrong with prob. e, are wrong)."""
    from scipy.special import betainc

    _check(e, M)
    if e == 0.5 and M % 2 == 1:
        # Symmetry: exactly 1/2. scipy's betainc loses this for huge M (M = 10**12 + 1 gives
        # 0.0052 on scipy 1.11 and 0.5000109 on 1.12-1.16; 1.17 is exact).
        return 0.5
    k = M // 2 + 1  # the fewest wrong members that outvote the right ones; k <= M as M >= 1
    return float(betainc(float(k), float(M - k + 1), float(e)))


def notes_ensemble_error(e, M):
    """The notes' formula, kept to show where it diverges from `majority_vote_error`.

    The C(M, 2) (1-e)^(M-1) e term is taken in log space so a large M underflows to 0
    instead of overflowing.
    """
    _check(e, M)
    if M == 1 or e in (0, 1):
        pair_term = 0.0  # C(1, 2) = 0; e = 0 and e = 1 (with M > 1) zero the product
    else:
        pair_term = math.exp(
            math.log(M) + math.log(M - 1) - math.log(2) + (M - 1) * math.log1p(-e) + math.log(e)
        )
    return 1 - (1 - e) ** M - pair_term


def mistake_correlation(e, rho):
    """The correlation of two members' mistakes when their latent scores correlate by `rho`.

    `correlated_majority_error` is parametrised by the correlation of the Gaussian scores; what
    one measures on real members is the correlation of their 0/1 mistake indicators, which is
    smaller in between the end points (a dichotomised Gaussian loses correlation). Both members
    are wrong with probability Phi2(t, t; rho), t = Phi^-1(e), which Owen's T function gives in
    closed form: Phi(t) - 2 T(t, sqrt((1 - rho) / (1 + rho))).
    """
    from scipy.special import owens_t
    from scipy.stats import norm

    check_number(
        "e", e, 0, 1, low_open=True, high_open=True
    )  # a constant indicator has no correlation
    check_number("rho", rho, 0, 1)
    both_wrong = e - 2 * owens_t(norm.ppf(e), math.sqrt((1 - rho) / (1 + rho)))
    return float((both_wrong - e * e) / (e * (1 - e)))


def correlated_majority_error(e, M, rho, n_trials=200_000, seed=0):
    """Majority-vote error when members' mistakes are correlated, by simulation.

    Each member is wrong when a Gaussian score falls below the e-quantile; scores share a
    common factor with correlation `rho`, so every member keeps error rate e while mistakes
    coincide more often as rho grows (rho = 0 is the independent case, rho = 1 one model).
    `rho` is the scores' correlation; `mistake_correlation` converts it to the correlation of
    the members' mistakes, the figure one can measure.
    Given the common factor z the members are independent, so each trial draws z and then the
    number of wrong members ~ Binomial(M, P(wrong | z)): the same distribution as drawing every
    member's score, at a cost independent of M.
    """
    from scipy.stats import norm

    _check(e, M)
    check_number("rho", rho, 0, 1)
    check_number("n_trials", n_trials, 1, integer=True)
    if M > np.iinfo("int64").max:
        raise ValueError(f"M must be in [1, {np.iinfo('int64').max}] for the simulation, got {M}")
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(n_trials)
    threshold = norm.ppf(e)
    if rho < 1:
        p_wrong = norm.cdf((threshold - math.sqrt(rho) * common) / math.sqrt(1 - rho))
    else:
        p_wrong = (common < threshold).astype("float64")
    wrong = rng.binomial(M, p_wrong)
    return float((wrong > M / 2).mean())
