"""scikeras 0.13 under scikit-learn >= 1.6: what ``skimportance.wrappers``
builds its repaired ``KerasClassifier`` and ``KerasRegressor`` from.

* :func:`rebase`: a scikeras class rebuilt with its scikit-learn mixin before
  ``BaseEstimator`` (the order scikit-learn's tags need), the rest unchanged.
* :func:`scikeras_tags`: the tags scikeras declares in its old-style ``_tags``
  dict, written into ``__sklearn_tags__``'s.
* :func:`check_target`: a clear ValueError for a target that scikeras would
  fail on obscurely (``y=None`` gave an AttributeError in ``KerasRegressor``).

Nothing here imports scikeras: the classes come in as arguments.
"""

import types

import numpy as np
import scipy.sparse as sp

__all__ = [
    "RepairedWrapper",
    "check_target",
    "rebase",
    "scikeras_tags",
    "scope_op_determinism",
]

# Names every class body gets from Python itself: never pinned by rebase.
_CLASS_BODY_NAMES = frozenset(
    {
        "__module__",
        "__qualname__",
        "__doc__",
        "__dict__",
        "__weakref__",
        "__annotations__",
        "__firstlineno__",
        "__static_attributes__",
    }
)


def _rebind_class_cell(obj, cell):
    """``obj`` (a function, or a static/class method or property holding one)
    with its zero-argument ``super()`` cell replaced by ``cell``; ``obj``
    itself when it has none."""
    if isinstance(obj, (staticmethod, classmethod)):
        func = _rebind_class_cell(obj.__func__, cell)
        return obj if func is obj.__func__ else type(obj)(func)
    if isinstance(obj, property):
        old = (obj.fget, obj.fset, obj.fdel)
        new = [_rebind_class_cell(f, cell) for f in old]
        if all(n is o for n, o in zip(new, old)):
            return obj
        return property(*new, obj.__doc__)
    if not isinstance(obj, types.FunctionType):
        return obj
    code = obj.__code__
    if "__class__" not in code.co_freevars:
        return obj
    closure = tuple(
        cell if name == "__class__" else old
        for name, old in zip(code.co_freevars, obj.__closure__)
    )
    new = types.FunctionType(
        code, obj.__globals__, obj.__name__, obj.__defaults__, closure
    )
    new.__kwdefaults__ = obj.__kwdefaults__
    new.__dict__.update(obj.__dict__)
    for attr in ("__qualname__", "__doc__", "__module__", "__annotations__"):
        setattr(new, attr, getattr(obj, attr))
    return new


def rebase(cls, mixin, *, name, module):
    """scikeras' ``cls`` rebuilt on ``(mixin, <its other bases>)``, named
    ``module.name``.

    scikeras declares ``KerasClassifier(BaseWrapper, ClassifierMixin)``: there
    ``BaseEstimator.__sklearn_tags__`` shadows ``ClassifierMixin``'s, and the
    estimator type is lost. A subclass cannot put the mixin first (Python's
    method resolution order keeps the parent's order), so the class is rebuilt:

    * its namespace is ``cls``'s own, every method, property and class
      attribute ``cls`` defines, with the zero-argument ``super()`` inside
      them pointing at the new class (so ``fit`` still reaches
      ``BaseWrapper.fit``);
    * its bases are ``mixin`` then ``cls``'s others: ``BaseWrapper`` stays,
      and ``isinstance(est, BaseWrapper)`` holds;
    * each name that both ``mixin`` and ``cls``'s MRO define resolves as it
      did for ``cls`` (``score`` is ``BaseWrapper.score``, scikeras' ``scorer``
      with its routed parameters, not the mixin's), except
      ``__sklearn_tags__``, which now runs through the mixin: that is the
      repair.

    ``isinstance(est, cls)`` is False for the new class's instances.
    """
    cell = types.CellType()
    namespace = {
        key: _rebind_class_cell(value, cell)
        for key, value in vars(cls).items()
        if key not in ("__dict__", "__weakref__")
    }
    for key in vars(mixin).keys() - _CLASS_BODY_NAMES - {"__sklearn_tags__"}:
        if key not in namespace:
            owner = next(base for base in cls.__mro__ if key in vars(base))
            namespace[key] = vars(owner)[key]
    namespace["__module__"] = module
    namespace["__qualname__"] = name
    bases = (mixin, *(base for base in cls.__bases__ if base is not mixin))
    new = type(name, bases, namespace)
    cell.cell_contents = new
    return new


# scikit-learn < 1.6's X_types entries and the input tags they became
_X_TYPES = {
    "1darray": "one_d_array",
    "2darray": "two_d_array",
    "3darray": "three_d_array",
    "sparse": "sparse",
    "categorical": "categorical",
    "string": "string",
    "dict": "dict",
}


def _set_legacy_tag(tags, key, value):
    """One old-style tag written into ``tags``, as scikit-learn 1.6's own
    conversion of ``_more_tags`` did."""
    classifier, regressor = tags.classifier_tags, tags.regressor_tags
    if key == "poor_score":
        for sub in (classifier, regressor):
            if sub is not None:
                sub.poor_score = value
    elif key == "multilabel":
        if classifier is not None:  # a regressor has no such tag
            classifier.multi_label = value
    elif key == "binary_only":
        if classifier is not None:
            classifier.multi_class = not value
    elif key == "multioutput":
        tags.target_tags.multi_output = value
    elif key == "multioutput_only":
        tags.target_tags.multi_output = value or tags.target_tags.multi_output
        tags.target_tags.single_output = not value
    elif key == "requires_y":
        tags.target_tags.required = value
    elif key == "requires_positive_y":
        tags.target_tags.positive_only = value
    elif key == "requires_positive_X":
        tags.input_tags.positive_only = value
    elif key in ("allow_nan", "pairwise"):
        setattr(tags.input_tags, key, value)
    elif key in ("non_deterministic", "requires_fit", "no_validation"):
        setattr(tags, key, value)
    elif key == "X_types":
        for kind, attr in _X_TYPES.items():
            setattr(tags.input_tags, attr, kind in value)
    # "_xfail_checks" has no tag any more: the checks it names are passed as
    # expected_failed_checks where the estimator checks run.


def scikeras_tags(tags, legacy):
    """The tags of a repaired scikeras class.

    Parameters
    ----------
    tags : sklearn.utils.Tags
        From ``super().__sklearn_tags__()``: ``BaseEstimator``'s, then the
        mixin's (estimator type, classifier or regressor tags, y required).
    legacy : dict
        The class's old-style ``_tags`` (scikeras: ``poor_score``,
        ``multioutput``; ``KerasClassifier`` adds ``multilabel``), a
        subclass's additions included.

    Returns
    -------
    tags : sklearn.utils.Tags
        ``tags`` with ``legacy`` written in, and sparse input declared.
    """
    for key, value in legacy.items():
        _set_legacy_tag(tags, key, value)
    # scikeras validates X with accept_sparse=True and trains on it (TensorFlow
    # takes the scipy matrix as a SparseTensor); its old-style tags never said so.
    tags.input_tags.sparse = True
    return tags


def check_target(estimator, y):
    """Raise a clear ValueError for a ``y`` scikeras cannot train on.

    ``y=None`` (``KerasRegressor`` raised ``AttributeError: 'NoneType' object
    has no attribute 'dtype'``; the message is the one scikit-learn's
    ``check_requires_y_none`` expects), a sparse ``y`` and a scalar ``y``
    (TypeErrors before). Everything else goes to scikeras' own validation,
    which raises ValueErrors already (wrong length, NaN, a continuous target
    for a classifier...).
    """
    name = type(estimator).__name__
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    if sp.issparse(y):
        raise ValueError(
            f"{name} takes a dense target y; got a sparse {type(y).__name__}."
        )
    if isinstance(y, (str, bytes)) or np.isscalar(y) or getattr(y, "shape", 1) == ():
        raise ValueError(
            f"{name} takes y as an array-like of shape (n_samples,) or "
            f"(n_samples, n_outputs); got the scalar {y!r}."
        )


def scope_op_determinism():
    """Let scikeras' ``random_state`` turn TensorFlow's op determinism off again.

    scikeras seeds a fit by setting ``TF_DETERMINISTIC_OPS=1``, then asking
    TensorFlow whether determinism was on before enabling it. TensorFlow reads
    that variable on its first such question and keeps the answer: asked
    first inside scikeras' seeding, it says "on", scikeras never turns it off,
    and every later unseeded random op in the process raises "Random ops
    require a seed to be set when determinism is enabled". Asking once before
    (with the user's own environment) makes scikeras' seeding last for the
    seeded fit only, as scikeras intends.
    """
    global _DETERMINISM_SCOPED
    if _DETERMINISM_SCOPED:
        return
    from .._utils.compat import tensorflow_config  # what scikeras asks

    tensorflow_config.is_op_determinism_enabled()
    _DETERMINISM_SCOPED = True


_DETERMINISM_SCOPED = False


def _n_features(X):
    shape = getattr(X, "shape", None)
    if shape is None:
        try:
            shape = np.shape(X)
        except Exception:  # noqa: BLE001 - scikeras' validation will say
            return None
    return shape[1] if len(shape) == 2 else None


class RepairedWrapper:
    """What the repaired scikeras classes add, before the rebased class.

    * ``__sklearn_tags__``: :func:`scikeras_tags` over the mixin's.
    * ``_validate_data`` (scikeras' own validation, also used by
      ``predict``): scipy sparse arrays reformatted as scikeras reformats
      sparse matrices (scikeras 0.13 predates ``scipy.sparse`` arrays:
      TensorFlow rejected a ``csc_array``), scikit-learn's message for a wrong
      number of features, and ``X_dtype_`` the dtype of a sparse X rather than
      ``float32`` (a network fitted on sparse float64 refused dense float64).

    The classes' ``fit``, ``partial_fit`` and ``initialize`` call
    :func:`check_target` first.
    """

    def __sklearn_tags__(self):
        return scikeras_tags(super().__sklearn_tags__(), self._tags)

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        scope_op_determinism()
        if sp.issparse(X) and not sp.isspmatrix(X):
            X = sp.lil_matrix(X)  # what scikeras does with a sparse matrix
        if not reset and X is not None and getattr(self, "X_shape_", None):
            n_features = _n_features(X)
            if len(self.X_shape_) == 2 and n_features not in (None, self.X_shape_[1]):
                raise ValueError(
                    f"X has {n_features} features, but {type(self).__name__} is "
                    f"expecting {self.X_shape_[1]} features as input."
                )
        dtype = X.dtype if sp.issparse(X) and X.dtype.kind in "biuf" else None
        X_valid, y_valid = super()._validate_data(
            X=X, y=y, reset=reset, y_numeric=y_numeric
        )
        if reset and dtype is not None:
            self.X_dtype_ = dtype
        return X_valid, y_valid
