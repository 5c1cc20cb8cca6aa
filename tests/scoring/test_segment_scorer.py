"""Scoring every segment of a block (``_scoring.segment_scorer``)."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression


def test_vectorised_scorers_are_checked_against_sklearn():
    """The vectorised metrics reproduce sklearn's on stacked segments."""
    from sklearn.metrics import get_scorer

    from skimportance._importance.responders import EstimatorResponder
    from skimportance._scoring.segment_scorer import SegmentScorer

    rng = np.random.RandomState(0)
    X, y = make_classification(200, 5, n_classes=3, n_informative=3, random_state=0)
    clf = LogisticRegression().fit(X, y)
    names = ["neg_log_loss", "accuracy"]
    scorers = {n: get_scorer(n) for n in names}
    w = rng.uniform(0.1, 3, len(y))
    seg = SegmentScorer(scorers, EstimatorResponder(clf), y, w)
    seg.baseline(X, y, w)
    assert set(seg.fast) == set(names)
    blocks = [X[rng.permutation(len(X))] for _ in range(4)]
    block = np.concatenate(blocks)
    responses = {m: getattr(clf, m)(block) for m in seg.methods}
    got = seg(block, responses, [0, 1, 2, 3])
    for i, b in enumerate(blocks):
        for n in names:
            assert got[i][n] == pytest.approx(
                scorers[n](clf, b, y, sample_weight=w), rel=1e-12, abs=1e-15
            )
