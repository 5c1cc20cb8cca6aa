"""The drop-in permutation_importance (``_importance``): the same numbers as
scikit-learn, faster, also through Keras wrappers and Pipelines; measuring
changes nothing, and neither chunks nor n_jobs change a number."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.inspection import permutation_importance as sk_permutation_importance
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import make_scorer, mean_absolute_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skimportance import permutation_importance
from skimportance._importance.responders import PipelineResponder, make_responder
from skimportance._keras.responder import KerasResponder

RTOL = 1e-9


def assert_same(expected, got, rtol=RTOL, atol=1e-12):
    if "importances" in expected:
        expected, got = {"": expected}, {"": got}
    assert set(expected) == set(got)
    for name in expected:
        for key in ("importances", "importances_mean", "importances_std"):
            np.testing.assert_allclose(
                got[name][key],
                expected[name][key],
                rtol=rtol,
                atol=atol,
                err_msg=f"{name}: {key}",
            )


def both(estimator, X, y, **kwargs):
    expected = sk_permutation_importance(estimator, X, y, **kwargs)
    got = permutation_importance(estimator, X, y, **kwargs)
    return expected, got


@pytest.fixture(scope="module")
def logreg(clf_data):
    X, y = clf_data
    return LogisticRegression().fit(X, y)


@pytest.mark.parametrize(
    "scoring",
    [
        None,
        "neg_log_loss",
        "accuracy",
        "roc_auc",
        "balanced_accuracy",
        ["accuracy", "neg_log_loss"],
        {"auc": "roc_auc", "brier": "neg_brier_score"},
        make_scorer(mean_absolute_error, greater_is_better=False),
    ],
)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"sample_weight": "w"},
        {"max_samples": 0.5},
        {"max_samples": 120, "sample_weight": "w"},
    ],
    ids=["plain", "weights", "max_samples_float", "max_samples_int_weights"],
)
def test_same_numbers_as_sklearn_classifier(logreg, clf_data, scoring, options):
    X, y = clf_data
    options = dict(options)
    if options.get("sample_weight") == "w":
        options["sample_weight"] = np.random.RandomState(0).uniform(0.5, 2, len(y))
    assert_same(
        *both(logreg, X, y, scoring=scoring, n_repeats=3, random_state=7, **options)
    )


@pytest.mark.parametrize(
    "scoring", [None, "r2", "neg_mean_squared_error", "neg_mean_absolute_error"]
)
def test_same_numbers_as_sklearn_regressor(reg_data, scoring):
    X, y = reg_data
    est = Ridge().fit(X, y)
    w = np.random.RandomState(1).uniform(0.5, 2, len(y))
    assert_same(*both(est, X, y, scoring=scoring, n_repeats=4, random_state=3))
    assert_same(
        *both(est, X, y, scoring=scoring, n_repeats=2, random_state=3, sample_weight=w)
    )


def test_callable_scorer_and_random_state_instance(logreg, clf_data):
    X, y = clf_data

    def scorer(est, X_, y_):
        return float(np.mean(est.predict(X_) == y_))

    expected = sk_permutation_importance(
        logreg, X, y, scoring=scorer, random_state=np.random.RandomState(4)
    )
    got = permutation_importance(
        logreg, X, y, scoring=scorer, random_state=np.random.RandomState(4)
    )
    assert_same(expected, got)


def test_callable_returning_dict(logreg, clf_data):
    X, y = clf_data

    def scorer(est, X_, y_):
        pred = est.predict(X_)
        return {"acc": float(np.mean(pred == y_)), "err": float(np.mean(pred != y_))}

    assert_same(*both(logreg, X, y, scoring=scorer, n_repeats=2, random_state=0))


def test_dataframe_with_mixed_dtypes_and_column_transformer():
    rng = np.random.RandomState(0)
    n = 240
    X = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "city": pd.Categorical(rng.choice(["a", "b", "c"], n)),
            "income": rng.lognormal(10, 1, n),
            "member": rng.choice(["yes", "no"], n),
        }
    )
    y = ((X["age"] > 40) ^ (X["city"] == "b")).astype(int).to_numpy()
    pipe = make_pipeline(
        ColumnTransformer(
            [
                ("num", StandardScaler(), ["age", "income"]),
                ("cat", OneHotEncoder(), ["city", "member"]),
            ]
        ),
        LogisticRegression(),
    ).fit(X, y)
    before = X.copy()
    for scoring in [None, "neg_log_loss", ["accuracy", "roc_auc"]]:
        assert_same(*both(pipe, X, y, scoring=scoring, n_repeats=3, random_state=0))
    assert_same(
        *both(pipe, X, y, scoring="neg_log_loss", max_samples=0.4, random_state=2)
    )
    pd.testing.assert_frame_equal(X, before)


# ---------------------------------------------------------------- Keras
@pytest.mark.parametrize("scoring", ["accuracy", "neg_log_loss", None])
def test_scikeras_classifier_matches_sklearn(scikeras_clf, clf_data, scoring):
    X, y = clf_data
    assert isinstance(make_responder(scikeras_clf), KerasResponder)
    expected, got = both(
        scikeras_clf,
        X,
        y,
        scoring=scoring,
        n_repeats=2,
        random_state=0,
        sample_weight=np.linspace(0.5, 1.5, len(y)),
    )
    # float32 network: compiled batches and model.predict round alike to ~1e-7
    assert_same(expected, got, rtol=1e-5, atol=1e-6)


def test_scikeras_multiclass_neg_log_loss_and_roc_auc(
    scikeras_multiclass, multiclass_data
):
    X, y = multiclass_data
    expected, got = both(
        scikeras_multiclass,
        X,
        y,
        scoring="neg_log_loss",
        n_repeats=2,
        random_state=0,
        max_samples=150,
    )
    assert_same(expected, got, rtol=1e-5, atol=1e-6)
    # sklearn's roc_auc fails on scikeras under sklearn >= 1.6 (lost estimator
    # type); ours works and equals the public-method path on the same proxy
    fast = permutation_importance(
        scikeras_multiclass, X, y, scoring="roc_auc_ovr", random_state=0
    )
    assert np.all(np.isfinite(fast.importances))
    assert fast.importances_mean.max() > 0.01


@pytest.mark.parametrize("scoring", ["r2", "neg_mean_squared_error", None])
def test_scikeras_regressor_matches_sklearn(scikeras_reg, reg_data, scoring):
    X, y = reg_data
    assert isinstance(make_responder(scikeras_reg), KerasResponder)
    expected, got = both(
        scikeras_reg,
        X,
        y,
        scoring=scoring,
        n_repeats=3,
        random_state=1,
        max_samples=0.7,
    )
    assert_same(expected, got, rtol=1e-5, atol=1e-6)


@pytest.mark.backend
def test_keras_wrappers_match_sklearn(keras_clf, keras_reg, clf_data, reg_data):
    X, y = clf_data
    assert isinstance(make_responder(keras_clf), KerasResponder)
    assert_same(
        *both(keras_clf, X, y, scoring="accuracy", n_repeats=2, random_state=0),
        rtol=1e-5,
        atol=1e-6,
    )
    X, y = reg_data
    assert_same(
        *both(keras_reg, X, y, scoring="r2", n_repeats=2, random_state=0),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.backend
def test_keras_wrapper_classifier_gets_probabilities(keras_clf, clf_data):
    """keras.wrappers.SKLearnClassifier has no predict_proba: a softmax head
    still gets neg_log_loss and roc_auc here (sklearn raises on both)."""
    X, y = clf_data
    assert not hasattr(keras_clf, "predict_proba")
    with pytest.raises((AttributeError, ValueError)):
        sk_permutation_importance(keras_clf, X, y, scoring="neg_log_loss")
    for scoring in ["neg_log_loss", "roc_auc"]:
        result = permutation_importance(keras_clf, X, y, scoring=scoring)
        assert np.all(np.isfinite(result.importances))
        assert result.importances_mean.max() > 0.01


def test_keras_at_end_of_pipeline(clf_data):
    from scikeras.wrappers import KerasClassifier

    from ..conftest import scikeras_clf_model

    X, y = clf_data
    pipe = make_pipeline(
        StandardScaler(), KerasClassifier(scikeras_clf_model, epochs=5, verbose=0)
    ).fit(X, y)
    assert isinstance(make_responder(pipe), PipelineResponder)
    assert_same(
        *both(pipe, X, y, scoring="neg_log_loss", n_repeats=2, random_state=0),
        rtol=1e-5,
        atol=1e-6,
    )


def test_fast_path_equals_public_methods(scikeras_multiclass, multiclass_data):
    from skimportance._importance.compute import ImportanceOptions, compute_importances

    X, y = multiclass_data
    results = [
        compute_importances(
            scikeras_multiclass,
            X,
            y,
            scoring=["neg_log_loss", "accuracy"],
            options=ImportanceOptions(n_repeats=2, random_seed=5, inference=inference),
        )[0]
        for inference in ("auto", "predict")
    ]
    assert_same(results[1], results[0], rtol=1e-5, atol=1e-6)


# ------------------------------------------------- measuring changes nothing
def test_x_and_weights_untouched_dropout_and_batchnorm_inactive(clf_data):
    from scikeras.wrappers import KerasClassifier

    from ..conftest import scikeras_clf_model

    X, y = clf_data
    clf = KerasClassifier(
        scikeras_clf_model,
        model__dropout=0.5,
        model__batchnorm=True,
        epochs=3,
        verbose=0,
    ).fit(X, y)
    weights = [w.copy() for w in clf.model_.get_weights()]  # includes BN moving stats
    X_before = X.copy()
    first = permutation_importance(clf, X, y, scoring="neg_log_loss", random_state=3)
    second = permutation_importance(clf, X, y, scoring="neg_log_loss", random_state=3)
    np.testing.assert_array_equal(first.importances, second.importances)
    np.testing.assert_array_equal(X, X_before)
    for before, after in zip(weights, clf.model_.get_weights()):
        np.testing.assert_array_equal(before, after)
    # with Dropout active the baseline would not match sklearn's predict_proba
    expected = sk_permutation_importance(
        clf, X, y, scoring="neg_log_loss", random_state=3
    )
    assert_same(expected, first, rtol=1e-5, atol=1e-6)


def test_readonly_input_accepted(logreg, clf_data):
    X, y = clf_data
    X = X.copy()
    X.setflags(write=False)
    assert_same(*both(logreg, X, y, n_repeats=2, random_state=0))


# ------------------------------------------------------- chunks and n_jobs
def test_chunking_and_parallel_do_not_change_results(logreg, clf_data):
    import sklearn

    X, y = clf_data
    reference = permutation_importance(
        logreg, X, y, scoring="neg_log_loss", random_state=0
    )
    # 0.01 MiB holds half a segment: segments are assembled from row pieces
    # 0.05 MiB: several blocks of whole segments, built into reused buffers
    for wm in (0.01, 0.05, 10):
        for n_jobs in (None, 2):
            with sklearn.config_context(working_memory=wm):
                got = permutation_importance(
                    logreg,
                    X,
                    y,
                    scoring="neg_log_loss",
                    random_state=0,
                    n_jobs=n_jobs,
                )
            assert_same(reference, got, rtol=1e-12, atol=0)


# ------------------------------------------------------------------ errors
def test_errors(logreg, clf_data):
    X, y = clf_data
    with pytest.raises(ValueError, match="n_repeats"):
        permutation_importance(logreg, X, y, n_repeats=0)
    with pytest.raises(ValueError, match="scoring"):
        permutation_importance(logreg, X, y, scoring="not_a_scorer")
    with pytest.raises(ValueError, match="max_samples"):
        permutation_importance(logreg, X, y, max_samples=10_000)
    with pytest.raises(ValueError, match="batch_size"):
        permutation_importance(logreg, X, y, batch_size=0)
