"""Classes the scikit-learn way (issue 23): ``classes_`` sorted, ``classes=``
given in output order reorders the probability columns."""

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics import log_loss

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance.wrappers import FittedKerasModel


def _sigmoid_no(seed=0, n=400):
    """A sigmoid network that outputs P("no") from input 0 (input 1 noise),
    with y drawn from it."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)).astype("float32")
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    model.layers[0].set_weights([np.array([[2.0], [0.0]]), np.zeros(1)])
    p_no = 1 / (1 + np.exp(-2.0 * X[:, 0]))
    y = np.where(rng.uniform(size=n) < p_no, "no", "yes")
    return model, X, y, p_no


def _softmax_three(seed=0, n=600):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)).astype("float32")
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(3, activation="softmax")]
    )
    model.layers[0].set_weights([np.array([[-2.0, 0.0, 2.0], [0, 0, 0]]), np.zeros(3)])
    logits = X[:, :1] * np.array([-2.0, 0.0, 2.0])
    proba = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    out = np.array(["low", "medium", "high"])
    y = out[[rng.choice(3, p=p) for p in proba]]
    return model, X, y, proba, out


def test_sigmoid_classes_in_output_order():
    model, X, y, p_no = _sigmoid_no()
    clf = FittedKerasModel(model, classes=["yes", "no"])
    assert clf.classes_.tolist() == ["no", "yes"]
    proba = clf.predict_proba(X)
    assert_allclose(proba[:, 0], p_no, rtol=1e-5)  # P("no"), sorted first
    truth = log_loss(y, np.column_stack([p_no, 1 - p_no]), labels=["no", "yes"])
    assert truth < 0.6
    assert_allclose(-clf.score(X, y), truth, rtol=1e-5)  # was 1.73 vs 0.45
    assert set(clf.predict(X)) <= {"no", "yes"}
    assert (clf.predict(X) == np.where(p_no > 0.5, "no", "yes")).all()


def test_sigmoid_classes_in_output_order_selector_keeps_the_real_input():
    model, X, y, _ = _sigmoid_no()
    clf = FittedKerasModel(model, classes=["yes", "no"])
    result = permutation_importance(clf, X, y, n_repeats=3, random_state=0)
    assert result.importances_mean[0] > 0.2
    sel = KerasImportanceSelector(clf, cv="prefit", n_repeats=3, random_state=0)
    sel.fit(X, y)
    assert sel.get_support().tolist() == [True, False]
    assert sel.feature_importances_[0] > 0.2


def test_softmax_classes_in_output_order():
    model, X, y, proba, out = _softmax_three()
    clf = FittedKerasModel(model, classes=out)
    assert clf.classes_.tolist() == ["high", "low", "medium"]
    order = np.argsort(out)
    assert_allclose(clf.predict_proba(X), proba[:, order], rtol=1e-4, atol=1e-6)
    truth = log_loss(y, proba[:, order], labels=clf.classes_)
    assert_allclose(-clf.score(X, y), truth, rtol=1e-4)  # was 2.25 vs 0.76
    assert (clf.predict(X) == out[proba.argmax(1)]).all()


def test_classes_must_be_distinct():
    model, X, _, _ = _sigmoid_no()
    with pytest.raises(ValueError, match="distinct"):
        FittedKerasModel(model, classes=["a", "a"]).predict_proba(np.zeros((1, 2)))
