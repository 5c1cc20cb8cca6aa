"""Estimator plumbing (``_utils.estimators``): FrozenEstimator, Pipeline, task."""

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skimportance._utils.estimators import estimator_type, final_estimator, unfreeze


def test_plumbing_sees_through_frozen_pipelines():
    X, y = np.random.RandomState(0).normal(size=(40, 3)), np.arange(40) % 2
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    frozen = FrozenEstimator(pipe)
    assert unfreeze(frozen) is pipe
    assert final_estimator(frozen) is pipe[-1]
    assert estimator_type(frozen) == "classifier"
    assert estimator_type(LinearRegression()) == "regressor"
    assert estimator_type(StandardScaler()) is None
