"""The prefit trap: a ``cv="prefit"`` selector inside a Pipeline (its
``fit_transform`` on the training rows) warns and says to use ``cv``; a
prefit selector fitted on held-out rows, and a cv selector in a Pipeline,
do not warn."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skimportance import KerasImportanceSelector
from skimportance._selector.prefit_trap import PrefitInPipelineWarning


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    return X, (X[:, 0] > 0).astype(int)


def test_prefit_selector_in_a_pipeline_warns():
    X, y = _data()
    model = LogisticRegression().fit(X, y)
    pipe = make_pipeline(
        KerasImportanceSelector(model, cv="prefit", n_repeats=2, random_state=0),
        LogisticRegression(),
    )
    with pytest.warns(PrefitInPipelineWarning, match="cv=5"):
        pipe.fit(X, y)


def test_prefit_on_held_out_rows_and_cv_in_a_pipeline_are_quiet():
    X, y = _data()
    model = LogisticRegression().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrefitInPipelineWarning)
        selector = KerasImportanceSelector(model, cv="prefit", n_repeats=2)
        selector.fit(X, y).transform(X)
        make_pipeline(
            KerasImportanceSelector(LogisticRegression(), cv=3, n_repeats=2),
            LogisticRegression(),
        ).fit(X, y)


def test_the_warning_is_public_and_can_be_filtered_by_its_public_name():
    import pickle

    import skimportance

    assert "PrefitInPipelineWarning" in skimportance.__all__
    assert skimportance.PrefitInPipelineWarning is PrefitInPipelineWarning
    assert issubclass(PrefitInPipelineWarning, UserWarning)
    assert pickle.loads(pickle.dumps(PrefitInPipelineWarning)) is (
        PrefitInPipelineWarning
    )
    X, y = _data()
    selector = KerasImportanceSelector(
        LogisticRegression().fit(X, y), cv="prefit", n_repeats=2, random_state=0
    )
    with pytest.warns(skimportance.PrefitInPipelineWarning, match="cv=5"):
        selector.fit_transform(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=skimportance.PrefitInPipelineWarning)
        selector.fit_transform(X, y)
