"""The selector's type is its estimator's, as for RFE (issue 23): is_classifier,
integer cv as scikit-learn means it, predict_log_proba delegated."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import is_classifier, is_regressor
from sklearn.datasets import make_classification, make_regression
from sklearn.feature_selection import RFE
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import RocCurveDisplay
from sklearn.model_selection import StratifiedKFold, check_cv

from skimportance import KerasImportanceSelector


@pytest.mark.parametrize(
    "estimator, classifier", [(LogisticRegression(), True), (Ridge(), False)]
)
def test_type_is_the_estimators_like_rfe(estimator, classifier):
    selector = KerasImportanceSelector(estimator)
    assert is_classifier(selector) is is_classifier(RFE(estimator)) is classifier
    assert is_regressor(selector) is is_regressor(RFE(estimator)) is not classifier
    splitter = check_cv(3, np.array([0, 1] * 10), classifier=is_classifier(selector))
    assert isinstance(splitter, StratifiedKFold) is classifier


def test_raw_keras_model_type(models):
    model = models["functional_softmax_strings"][0]
    assert is_classifier(KerasImportanceSelector(model, cv="prefit"))
    model = models["regressor"][0]
    assert is_regressor(KerasImportanceSelector(model, cv="prefit"))


def test_predict_log_proba_and_roc_display():
    X, y = make_classification(n_samples=120, n_features=4, random_state=0)
    clf = LogisticRegression().fit(X, y)
    selector = KerasImportanceSelector(clf, cv="prefit", n_repeats=2).fit(X, y)
    assert_allclose(selector.predict_log_proba(X), clf.predict_log_proba(X))
    RocCurveDisplay.from_estimator(selector, X, y)  # raised before


def test_integer_cv_is_check_cv_without_shuffling():
    X, y = make_regression(n_samples=60, n_features=3, random_state=0)
    a = KerasImportanceSelector(Ridge(), cv=3, n_repeats=2, random_state=0)
    b = KerasImportanceSelector(Ridge(), cv=check_cv(3), n_repeats=2, random_state=0)
    assert_allclose(a.fit(X, y).importances_, b.fit(X, y).importances_)
