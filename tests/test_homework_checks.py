"""Each homework check passes the instructor's answer and fails the stub and common mistakes."""
from math import comb

import numpy as np
import pytest

from course.homework import QUESTIONS, check
from course.homework.release import SOURCE_DIR
from scripts_loader import solution_namespace

DAY2 = solution_namespace(SOURCE_DIR / "day2_homework.ipynb")
S7 = solution_namespace(SOURCE_DIR / "session7_homework.ipynb")


def stub(*args, **kwargs):
    raise NotImplementedError("write your solution here")


def _activations(sigmoid_d=None, tanh_d=None):
    return {"sigmoid": (S7["sigmoid"], sigmoid_d or S7["sigmoid_derivative"]),
            "tanh": (np.tanh, tanh_d or S7["tanh_derivative"]),
            "relu": (S7["relu"], S7["relu_derivative"])}


def _adam_without_bias_correction(theta, g, m, v, t, lr, b1, b2, eps):
    m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    return theta - lr * m / (np.sqrt(v) + eps), m, v


def _adam_gradient_not_squared(theta, g, m, v, t, lr, b1, b2, eps):
    m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * np.abs(g)
    return theta - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps), m, v


def _numericals(**changes):
    answer = dict(S7["dropout_numericals"]())
    answer.update(changes)
    return answer


CORRECT = {
    "day2.inverted_dropout": DAY2["inverted_dropout"],
    "day2.batchnorm_train": DAY2["batchnorm_train"],
    "day2.batchnorm_inference": DAY2["batchnorm_inference"],
    "day2.tta_average": DAY2["tta_average"],
    "day2.hard_vote": DAY2["hard_vote"],
    "day2.soft_vote": DAY2["soft_vote"],
    "day2.majority_vote_error": DAY2["majority_vote_error"],
    "s7.activations": _activations(),
    "s7.focal_loss": S7["focal_loss"],
    "s7.adam_step": S7["adam_step"],
    "s7.reparameterize": S7["reparameterize"],
    "s7.kl_divergence": S7["kl_divergence"],
    "s7.ddpm_forward": S7["q_sample"],
    "s7.dropout_numericals": S7["dropout_numericals"](),
}

WRONG = {
    "day2.inverted_dropout": {
        "scaled by p": lambda x, p, mask: x * mask * p,
        "no scaling": lambda x, p, mask: x * mask,
        "scaled by 1/p": lambda x, p, mask: x * mask / p,
    },
    "day2.batchnorm_train": {
        "no square root (the notes)": lambda x, g, b, eps: g * (x - x.mean(0)) / (x.var(0) + eps) + b,
        "statistics over features": lambda x, g, b, eps: g * (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + eps) + b,
        "unbiased variance": lambda x, g, b, eps: g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + b,
    },
    "day2.batchnorm_inference": {
        "batch statistics at inference": lambda x, g, b, mm, mv, eps: DAY2["batchnorm_train"](x, g, b, eps),
        "no square root": lambda x, g, b, mm, mv, eps: g * (x - mm) / (mv + eps) + b,
    },
    "day2.tta_average": {
        "average the images": lambda predict, x, ts: predict(np.mean([t(x) for t in ts], axis=0)),
        "first transform only": lambda predict, x, ts: predict(ts[0](x)),
        "sum instead of mean": lambda predict, x, ts: np.sum([predict(t(x)) for t in ts], axis=0),
    },
    "day2.hard_vote": {
        "soft vote instead": DAY2["soft_vote"],
        "vote of the first model": lambda probs: probs[0].argmax(axis=1),
    },
    "day2.soft_vote": {
        "hard vote instead": DAY2["hard_vote"],
        "max instead of mean": lambda probs: probs.max(axis=0).argmax(axis=1),
    },
    "day2.majority_vote_error": {
        "the notes' C(M,2) formula": lambda e, M: 1 - (1 - e) ** M - comb(M, 2) * (1 - e) ** (M - 1) * e,
        "any member wrong": lambda e, M: 1 - (1 - e) ** M,
        "at least half wrong": lambda e, M: sum(comb(M, k) * e**k * (1 - e) ** (M - k) for k in range(M // 2, M + 1)),
    },
    "s7.activations": {
        "sigmoid' = sigmoid": _activations(sigmoid_d=S7["sigmoid"]),
        "tanh' = 1 - tanh": _activations(tanh_d=lambda x: 1 - np.tanh(x)),
        "not a dict": [S7["sigmoid"]],
    },
    "s7.focal_loss": {
        "plain cross-entropy": lambda y, p, a, g: -np.where(y == 1, np.log(p), np.log(1 - p)),
        "alpha for both classes": lambda y, p, a, g: -a * (1 - np.where(y == 1, p, 1 - p)) ** g * np.log(np.where(y == 1, p, 1 - p)),
        "(p_t)^gamma instead of (1-p_t)^gamma": lambda y, p, a, g: -np.where(y == 1, a, 1 - a) * np.where(y == 1, p, 1 - p) ** g * np.log(np.where(y == 1, p, 1 - p)),
    },
    "s7.adam_step": {
        "no bias correction": _adam_without_bias_correction,
        "second moment of |g| instead of g^2": _adam_gradient_not_squared,
    },
    "s7.reparameterize": {
        "variance instead of std": lambda mu, lv, eps: mu + np.exp(lv) * eps,
        "ignores eps": lambda mu, lv, eps: mu + 0 * eps,
    },
    "s7.kl_divergence": {
        "missing the 1/2": lambda mu, lv: np.sum(np.exp(lv) + mu**2 - 1 - lv, axis=-1),
        "sign error": lambda mu, lv: 0.5 * np.sum(np.exp(lv) + mu**2 - 1 + lv, axis=-1),
    },
    "s7.ddpm_forward": {
        "alpha_t instead of alpha_bar_t": lambda x0, t, b, eps: np.sqrt(1 - b[t]) * x0 + np.sqrt(b[t]) * eps,
        "variance instead of std": lambda x0, t, b, eps: np.prod(1 - b[: t + 1]) * x0 + (1 - np.prod(1 - b[: t + 1])) * eps,
    },
    "s7.dropout_numericals": {
        "test-time scale by p (the Summary's error)": _numericals(a_inverted_scaled=5 * 0.2),
        "rounded by hand": _numericals(b_scale=1.67),
        "missing key": {k: v for k, v in S7["dropout_numericals"]().items() if k != "e_probability"},
    },
}


def test_every_question_has_a_correct_answer_and_two_wrong_ones():
    assert set(CORRECT) == set(QUESTIONS) == set(WRONG)
    assert all(len(wrong) >= 2 for wrong in WRONG.values())


@pytest.mark.parametrize("qid", sorted(CORRECT))
def test_correct_answer_passes(qid, capsys):
    check(qid, CORRECT[qid])
    assert capsys.readouterr().out == f"{qid}: OK\n"


@pytest.mark.parametrize("qid", sorted(CORRECT))
def test_stub_and_missing_answer_fail(qid):
    stub_answer = stub if callable(CORRECT[qid]) else {}
    for answer in (stub_answer, None):
        with pytest.raises(AssertionError, match=qid):
            check(qid, answer)


@pytest.mark.parametrize("qid,name", [(q, n) for q in sorted(WRONG) for n in WRONG[q]])
def test_common_mistakes_fail(qid, name):
    with pytest.raises(AssertionError, match=qid):
        check(qid, WRONG[qid][name])


def test_unknown_question_lists_known_ones():
    with pytest.raises(KeyError, match="known"):
        check("nope", 1)
