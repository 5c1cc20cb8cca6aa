"""``skimportance.wrappers.KerasClassifier``/``KerasRegressor``: scikeras 0.13
repaired for scikit-learn >= 1.6.

scikit-learn's estimator checks on both (``parametrize_with_checks``, each
expected failure with its reason), scikeras' declared tags, the same
behaviour as scikeras' classes, clear errors for bad targets, and scikeras'
own test suite (slow, where a copy of it is given).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

if keras.backend.backend() != "tensorflow":
    pytest.skip("scikeras runs on TensorFlow only", allow_module_level=True)

import scikeras.wrappers as scikeras  # noqa: E402

from skimportance.wrappers import KerasClassifier, KerasRegressor  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def clf_model(meta, compile_kwargs):
    """No hidden layer: one sigmoid (binary), a sigmoid per label
    (multilabel) or a softmax (multiclass)."""
    target, n_classes = meta["target_type_"], meta["n_classes_"]
    inputs = keras.Input((meta["n_features_in_"],))
    if target == "binary":
        outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)
        loss = "binary_crossentropy"
    elif target == "multilabel-indicator":
        outputs = keras.layers.Dense(n_classes, activation="sigmoid")(inputs)
        loss = "binary_crossentropy"
    else:
        outputs = keras.layers.Dense(n_classes, activation="softmax")(inputs)
        loss = "sparse_categorical_crossentropy"
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=compile_kwargs["optimizer"], loss=loss)
    return model


def reg_model(meta, compile_kwargs):
    inputs = keras.Input((meta["n_features_in_"],))
    model = keras.Model(inputs, keras.layers.Dense(meta["n_outputs_"])(inputs))
    model.compile(optimizer=compile_kwargs["optimizer"], loss="mse")
    return model


#: tiny networks, one full batch, few epochs (poor_score: no accuracy needed)
ESTIMATORS = [
    KerasClassifier(clf_model, epochs=2, batch_size=1000, verbose=0),
    KerasRegressor(reg_model, epochs=2, batch_size=1000, verbose=0),
]

#: The checks the repaired classes fail, each because Keras (or scikeras'
#: class, kept as a base) makes passing impossible.
EXPECTED_FAILED_CHECKS = {
    "check_estimator_tags_renamed": (
        "scikeras' BaseWrapper, kept as a base so that isinstance(est, "
        "scikeras.wrappers.BaseWrapper) holds (skimportance and other code "
        "detect scikeras estimators so), defines the legacy _more_tags; "
        "scikit-learn >= 1.6 never calls it, and the tags it declares are "
        "these classes' __sklearn_tags__ (test_scikeras_declared_tags_survive)"
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "Keras divides a weighted loss by the number of rows, not by the sum "
        "of the weights: a row of weight k is not k repeated rows (with a "
        "scale-invariant optimizer they agree to float32 rounding, never to "
        "the check's rtol=1e-7)"
    ),
    "check_sample_weight_equivalence_on_sparse_data": (
        "as on dense data: Keras' weighted loss and float32 training"
    ),
}
EXPECTED_FAILED_REGRESSOR_CHECKS = {
    "check_regressor_multioutput": (
        "Keras networks predict in keras.config.floatx() (float32); the check "
        "wants float64 predictions (scikeras lists it as an expected failure)"
    ),
}

#: checks cheap enough for the default test run (the rest are marked slow)
FAST_CHECKS = {
    "check_estimator_cloneable",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_mixin_order",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_requires_y_none",
    "check_estimator_sparse_tag",
    "check_supervised_y_2d",
    "check_n_features_in_after_fitting",
    "check_fit_score_takes_y",
}


def expected_failed_checks(estimator):
    """``{check name: reason}`` for ``estimator`` (imbalanced-learn's pattern)."""
    if is_regressor(estimator):
        return {**EXPECTED_FAILED_CHECKS, **EXPECTED_FAILED_REGRESSOR_CHECKS}
    return dict(EXPECTED_FAILED_CHECKS)


def _name(obj):
    func = getattr(obj, "func", obj)
    if isinstance(obj, BaseEstimator):
        return type(obj).__name__
    keywords = getattr(obj, "keywords", {})
    extra = ",".join(f"{k}={v}" for k, v in keywords.items())
    return f"{func.__name__}({extra})" if extra else func.__name__


def _check_params():
    """parametrize_with_checks' (estimator, check) pairs, the ones outside
    FAST_CHECKS marked slow."""
    mark = parametrize_with_checks(
        ESTIMATORS, expected_failed_checks=expected_failed_checks
    )
    for value in mark.args[1]:
        values, marks = (
            (value.values, list(value.marks))
            if hasattr(value, "marks")
            else (value, [])
        )
        estimator, check = values
        if getattr(check, "func", check).__name__ not in FAST_CHECKS:
            marks.append(pytest.mark.slow)
        yield pytest.param(estimator, check, marks=marks)


@pytest.mark.parametrize("estimator, check", list(_check_params()), ids=_name)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_every_expected_failure_is_a_check_that_runs():
    names = {
        getattr(check, "func", check).__name__
        for _, check in parametrize_with_checks(ESTIMATORS).args[1]
    }
    assert set(expected_failed_checks(ESTIMATORS[1])) <= names


# ------------------------------------------------------------------ tags
def test_scikeras_declared_tags_survive():
    """Every tag scikeras declares (its old-style ``_tags``) is in the
    repaired classes' ``__sklearn_tags__``, with the estimator type."""
    assert set(scikeras.KerasClassifier._tags) == {
        "poor_score",
        "multioutput",
        "multilabel",
        "_xfail_checks",  # expected failures now, not a tag
    }
    clf = get_tags(KerasClassifier(clf_model))
    assert clf.estimator_type == "classifier" and clf.regressor_tags is None
    assert clf.classifier_tags.poor_score and clf.classifier_tags.multi_label
    assert clf.classifier_tags.multi_class
    assert clf.target_tags.multi_output and clf.target_tags.single_output
    assert clf.target_tags.required and clf.input_tags.sparse
    reg = get_tags(KerasRegressor(reg_model))
    assert reg.estimator_type == "regressor" and reg.classifier_tags is None
    assert reg.regressor_tags.poor_score
    assert reg.target_tags.multi_output and reg.target_tags.required
    assert reg.input_tags.sparse


def test_a_subclass_declares_tags_the_scikeras_way():
    class NanTolerant(KerasRegressor):
        _tags = {**KerasRegressor._tags, "allow_nan": True, "poor_score": False}

    tags = get_tags(NanTolerant(reg_model))
    assert tags.input_tags.allow_nan and not tags.regressor_tags.poor_score
    assert tags.target_tags.multi_output


# ------------------------------------------------ class, same behaviour
@pytest.mark.parametrize(
    "ours, theirs, mixin",
    [
        (KerasClassifier, scikeras.KerasClassifier, ClassifierMixin),
        (KerasRegressor, scikeras.KerasRegressor, RegressorMixin),
    ],
)
def test_mixin_before_base_estimator_and_scikeras_namespace_kept(ours, theirs, mixin):
    mro = ours.__mro__
    assert mro.index(mixin) < mro.index(BaseEstimator)
    assert issubclass(ours, scikeras.BaseWrapper)
    assert not issubclass(ours, theirs)  # rebuilt, not derived
    rebuilt = mro[2]  # ours, RepairedWrapper, the rebuilt class
    # everything scikeras' class defines is there: the same object, or a copy
    # of its function with super() pointing at the rebuilt class
    for name, original in vars(theirs).items():
        if name in ("__dict__", "__weakref__", "__module__", "__qualname__"):
            continue
        if name == "__slotnames__":
            continue  # cached on a class by copyreg once it is pickled
        if name.startswith("set_") and name.endswith("_request"):
            continue  # made afresh by scikit-learn for each class
        mine = vars(rebuilt)[name]
        assert mine is original or _code(mine) is _code(original), name
    # names the mixin defines too resolve as in scikeras' class
    assert ours.score is theirs.score is scikeras.BaseWrapper.score
    assert ours.scorer is theirs.scorer


def _code(obj):
    func = getattr(obj, "__func__", getattr(obj, "fget", obj))
    return func.__code__


@pytest.mark.parametrize(
    "ours, theirs, model",
    [
        (KerasClassifier, scikeras.KerasClassifier, clf_model),
        (KerasRegressor, scikeras.KerasRegressor, reg_model),
    ],
)
def test_repaired_class_trains_and_predicts_as_scikeras(ours, theirs, model):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int) if ours is KerasClassifier else X[:, 0]
    out = []
    for cls in (ours, theirs):
        keras.utils.set_random_seed(0)
        est = cls(model, epochs=3, verbose=0).fit(X, y)
        out.append((est.predict(X), est.score(X, y), type(est).__name__))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    assert out[0][1:] == out[1][1:]
    assert is_classifier(ours(model)) == (ours is KerasClassifier)
    assert is_regressor(ours(model)) == (ours is KerasRegressor)


def test_clone_and_pickle_keep_the_repaired_class():
    import pickle

    X, y = np.random.RandomState(0).normal(size=(30, 3)), np.arange(30) % 2
    est = KerasClassifier(clf_model, epochs=1, verbose=0).fit(X, y)
    assert type(clone(est)) is KerasClassifier
    back = pickle.loads(pickle.dumps(est))
    assert type(back) is KerasClassifier
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize("cls", [KerasClassifier, KerasRegressor])
@pytest.mark.parametrize("method", ["fit", "partial_fit", "initialize"])
@pytest.mark.parametrize(
    "y, message",
    [
        (None, "requires y to be passed, but the target y is None"),
        (1.0, "got the scalar 1.0"),
        ("abc", "got the scalar 'abc'"),
        (sp.csr_matrix(np.ones((20, 1))), "dense target y; got a sparse"),
        (np.arange(19) % 2, "inconsistent numbers of samples"),
        (np.r_[np.nan, np.zeros(19)], "contains NaN"),
    ],
    ids=["None", "scalar", "string", "sparse", "short", "nan"],
)
def test_bad_targets_raise_a_clear_value_error(cls, method, y, message):
    est = cls(clf_model if cls is KerasClassifier else reg_model, verbose=0)
    X = np.random.RandomState(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match=message):
        getattr(est, method)(X, y)


def test_regressor_fit_y_none_was_an_attribute_error_in_scikeras():
    X = np.zeros((5, 2))
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute"):
        scikeras.KerasRegressor(reg_model, verbose=0).fit(X, None)


def test_sparse_arrays_and_dense_after_sparse():
    """A csc_array reached TensorFlow unsorted (scikeras reformats only sparse
    matrices); a network fitted on sparse float64 refused dense float64."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 3))
    X[X < 0.6] = 0
    y = np.arange(40) % 2
    est = KerasClassifier(clf_model, epochs=1, verbose=0).fit(sp.csc_array(X), y)
    assert est.X_dtype_ == np.float64
    assert est.predict(X).shape == (40,)
    assert est.predict(sp.csr_array(X)).shape == (40,)
    with pytest.raises(ValueError, match="X has 2 features, but KerasClassifier"):
        est.predict(X[:, :2])


@pytest.mark.parametrize(
    "module, after",
    [
        ("skimportance.wrappers", False),
        pytest.param("scikeras.wrappers", True, marks=pytest.mark.slow),
    ],
    ids=["repaired", "scikeras"],
)
def test_random_state_keeps_determinism_to_its_fit(module, after):
    """In a fresh process (TensorFlow reads TF_DETERMINISTIC_OPS once): after
    a seeded fit, TensorFlow's op determinism is off again with the repaired
    class; scikeras' left it on (every later unseeded random op raised
    'Random ops require a seed to be set when determinism is enabled')."""
    code = f"""
import numpy as np, keras
from tensorflow.python.framework import config
from {module} import KerasClassifier

def model(meta):
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, "sigmoid")])
    m.compile(loss="binary_crossentropy")
    return m

X, y = np.random.RandomState(0).normal(size=(20, 3)), np.arange(20) % 2
KerasClassifier(model, epochs=1, verbose=0, random_state=0).fit(X, y)
print("determinism after seeded fit:", config.is_op_determinism_enabled())
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("TF_DETERMINISTIC_OPS", None)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    last = proc.stdout.strip().splitlines()[-1]
    assert last == f"determinism after seeded fit: {after}"


# ------------------------------------------------------- scikeras' suite
@pytest.mark.slow
def test_scikeras_own_suite_shows_no_failure_from_the_repair():
    """scikeras v0.13.0's own tests (benchmarks/bench_scikeras_suite.py),
    where SKIMPORTANCE_SCIKERAS_SUITE names a copy: ~25 minutes."""
    suite = os.environ.get("SKIMPORTANCE_SCIKERAS_SUITE")
    if not suite:
        pytest.skip("SKIMPORTANCE_SCIKERAS_SUITE does not name scikeras' tests")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_scikeras_suite

    rows = bench_scikeras_suite.main(["--suite", suite])
    assert [r for r in rows if r[1] in ("repair", "unclassified")] == []
    left = {
        m.group() if (m := re.search(r"check_\w+", test_id)) else test_id
        for test_id, cls, _ in rows
        if cls != "environment"
    }
    # neither is a wrapper's to fix (docs/user_guide/backends.md, "Keras wrappers
    # and scikit-learn >= 1.6")
    assert left <= {"check_estimator_tags_renamed", "check_no_attributes_set_in_init"}
