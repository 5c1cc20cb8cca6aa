"""The Keras fast path (``_keras``): compiled batches answer as the wrappers do."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skimportance._keras.batching import MAX_BATCH, MIN_BATCH, default_batch_size
from skimportance._keras.responder import KerasResponder, fast_path_applies


@pytest.mark.parametrize("name", ["keras_clf", "keras_reg", "scikeras_clf"])
def test_responder_answers_as_the_wrapper(name, request, clf_data, reg_data):
    estimator = request.getfixturevalue(name)
    X = (reg_data if name == "keras_reg" else clf_data)[0][:50]
    assert fast_path_applies(estimator)
    responder = KerasResponder(estimator, batch_size=16)  # several padded calls
    responses = responder(X, tuple(responder.methods))
    assert set(responses) == set(responder.methods) and "predict" in responses
    for method in {"predict", "predict_proba"} & set(responses):
        if not hasattr(estimator, method):  # keras.wrappers: no predict_proba
            continue
        # (decision_function is decoded as scikit-learn's: 1-D for 2 classes)
        values = responses[method]
        expected = getattr(estimator, method)(X)
        if method == "predict" and np.asarray(expected).dtype.kind not in "f":
            np.testing.assert_array_equal(values, expected)
        else:
            np.testing.assert_allclose(
                np.asarray(values, float).ravel(),
                np.asarray(expected, float).ravel(),
                rtol=1e-5,
                atol=1e-6,
            )


def test_fast_path_refuses_other_estimators(clf_data):
    X, y = clf_data
    assert not fast_path_applies(LogisticRegression().fit(X, y))
    assert not fast_path_applies(object())


def test_default_batch_size_stays_in_bounds():
    assert default_batch_size(1) == MAX_BATCH
    assert default_batch_size(10**9) == MIN_BATCH
    assert MIN_BATCH <= default_batch_size(6 * 4) <= MAX_BATCH
