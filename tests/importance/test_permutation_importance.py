"""The drop-in permutation_importance: same numbers as scikit-learn, faster."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.inspection import permutation_importance as sk_permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
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


# ------------------------------------------------------- chunks and memory
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


def test_reused_buffers_give_the_exact_permuted_blocks():
    """Blocks rebuilt in place equal blocks built from scratch, cell for cell."""
    from skimportance._engine.blocks import BlockBuffer, build_block_array

    rng = np.random.RandomState(0)
    X = rng.normal(size=(7, 4, 3)).astype(np.float32)  # 3-D, features on axis 1
    perms = [rng.permutation(7) for _ in range(3)]
    groups = [[0], [2, 3], [1], [3], [0, 1, 2]]
    seg_groups = [g for g in groups for _ in perms]
    seg_perms = [p for _ in groups for p in perms]
    buf = BlockBuffer()
    tasks = [[(s, 0, 7) for s in range(i, min(i + 4, 15))] for i in range(0, 15, 4)]
    for pieces in tasks + tasks[::-1]:
        got = build_block_array(X, pieces, seg_groups, seg_perms, 1, buf).copy()
        fresh = build_block_array(X, pieces, seg_groups, seg_perms, 1)
        np.testing.assert_array_equal(got, fresh)
        for k, (s, _, _) in enumerate(pieces):
            expected = X.copy()
            expected[:, seg_groups[s]] = X[seg_perms[s]][:, seg_groups[s]]
            np.testing.assert_array_equal(fresh[7 * k : 7 * (k + 1)], expected)


def test_peak_memory_stays_near_working_memory():
    import tracemalloc

    import sklearn

    rng = np.random.RandomState(0)
    X = rng.normal(size=(20_000, 40))
    y = X[:, 0] + 0.1 * rng.normal(size=len(X))
    est = LinearRegression().fit(X, y)
    x_mib = X.nbytes / 2**20  # 6.1 MiB; all permuted copies: 1,220 MiB
    budget = 4
    with sklearn.config_context(working_memory=budget):
        tracemalloc.start()
        result = permutation_importance(est, X, y, n_repeats=5, random_state=0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    peak_mib = peak / 2**20
    assert result.importances_mean.argmax() == 0
    assert peak_mib < 2.5 * budget, f"peak {peak_mib:.1f} MiB for a {budget} MiB budget"
    assert peak_mib < x_mib * 5 * 40 / 50


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


def test_y_changed_in_place_between_calls_is_seen(clf_data):
    """The vectorised log loss caches y's class indices: by value, not identity."""
    X, y = clf_data
    clf = LogisticRegression().fit(X, y)
    y = y.copy()
    permutation_importance(clf, X, y, scoring="neg_log_loss", random_state=0)
    y[:100] = 1 - y[:100]  # same array object, other labels
    ours = permutation_importance(clf, X, y, scoring="neg_log_loss", random_state=0)
    theirs = sk_permutation_importance(
        clf, X, y, scoring="neg_log_loss", random_state=0
    )
    np.testing.assert_allclose(ours.importances, theirs.importances, atol=1e-12)


def test_class_index_cache_compares_y_by_value():
    from skimportance._scoring.metrics import _true_class_index

    y = np.array([0, 1, 1, 0])
    assert _true_class_index(y)[1].tolist() == [0, 1, 1, 0]
    y[:] = [1, 1, 1, 0]  # in place: a cache keyed on identity would miss this
    assert _true_class_index(y)[1].tolist() == [1, 1, 1, 0]
    assert _true_class_index(["b", "a", "b"])[1].tolist() == [1, 0, 1]
