"""Six-fruit one-vs-rest: the data tables, sigmoid+summed BCE vs softmax heads, and the
measured consequences of mismatched activation/loss pairs."""

import numpy as np
import pytest

from course import artifacts
from course.data import fruits, train_test
from course.experiments import ovr, pairing


def test_csv_tables_equal_the_seeded_generator():
    x, y = fruits.load_fruit_table()
    gx, gy = fruits.make_fruit_table()
    np.testing.assert_array_equal(x, gx)
    np.testing.assert_array_equal(y, gy)
    x, y = fruits.load_fruit_baskets()
    gx, gy = fruits.make_fruit_baskets()
    np.testing.assert_array_equal(x, gx)
    np.testing.assert_array_equal(y, gy)
    assert artifacts.path(fruits.TABLE_CSV).exists()


def test_generated_tables_have_the_documented_shape(tmp_path):
    x, y = fruits.load_fruit_table(tmp_path)  # no CSV there: regenerated
    assert x.shape == (600, len(fruits.FEATURES)) and np.bincount(y).tolist() == [100] * 6
    x, y = fruits.load_fruit_baskets(tmp_path)
    assert x.shape == (600, 8) and y.shape == (600, 6)
    assert set(np.unique(y.sum(axis=1))) == {1.0, 2.0, 3.0}


@pytest.fixture(scope="module")
def baskets():
    return train_test(*fruits.load_fruit_baskets())


def test_sigmoid_heads_solve_multilabel_softmax_cannot(baskets):
    x_train, y_train, x_test, y_test = baskets
    sigmoid, _ = ovr.train_head(x_train, y_train, "sigmoid")
    softmax, _ = ovr.train_head(x_train, y_train, "softmax")
    good = ovr.multi_label_report(sigmoid, x_test, y_test)
    bad = ovr.multi_label_report(softmax, x_test, y_test)
    single = float(np.mean(y_test.sum(axis=1) == 1))
    assert good["exact_match"] > 0.85
    assert bad["exact_match"] <= single + 0.02  # at 0.5 it can only ever name one fruit


def test_single_label_heads_agree_but_sigmoid_outputs_do_not_sum_to_one():
    x_train, y_train, x_test, y_test = train_test(*fruits.load_fruit_table(), stratify=True)
    targets = np.eye(6)[y_train]
    reports = {
        head: ovr.single_label_report(ovr.train_head(x_train, targets, head)[0], x_test, y_test)
        for head in ovr.HEADS
    }
    assert reports["sigmoid"]["accuracy"] > 0.9 and reports["softmax"]["accuracy"] > 0.9
    assert reports["softmax"]["sum_max"] - reports["softmax"]["sum_min"] < 1e-5
    assert reports["sigmoid"]["sum_max"] - reports["sigmoid"]["sum_min"] > 0.1


def test_head_validates_its_name():
    with pytest.raises(ValueError, match="head"):
        ovr.head_loss("relu")


def test_mse_on_sigmoid_vanishes_when_confidently_wrong():
    rows = {z: (p, bce, mse) for z, p, bce, mse in pairing.logit_gradients(target=1.0)}
    p, bce, mse = rows[-10.0]
    assert bce == pytest.approx(p - 1.0, abs=1e-12)  # BCE's gradient is p - t
    assert mse == pytest.approx(2 * (p - 1) * p * (1 - p), abs=1e-12)
    assert abs(mse) < 1e-3 < 0.99 < abs(bce)


@pytest.mark.parametrize("positives", [2, 3])
def test_softmax_cannot_fit_multilabel_targets(positives):
    loss, p = pairing.best_multilabel_fit("softmax", positives=positives)
    assert loss == pytest.approx(positives * np.log(positives), rel=1e-3)
    assert p[:positives] == pytest.approx(1 / positives, abs=1e-3)
    loss, p = pairing.best_multilabel_fit("sigmoid", positives=positives)
    assert loss < 0.01 and (p[:positives] > 0.99).all()


def test_single_unit_softmax_has_zero_gradient():
    outputs, grad_norm = pairing.single_unit_softmax_gradient()
    np.testing.assert_allclose(outputs, 1.0, atol=1e-6)
    assert grad_norm == 0.0
