"""Keras wrappers that work with scikit-learn >= 1.6 where the originals don't.

scikeras 0.13 (its last release, unmaintained)
    scikit-learn >= 1.6 reads the estimator type from ``__sklearn_tags__``, and
    scikeras declares ``KerasClassifier(BaseWrapper, ClassifierMixin)``: there
    ``BaseEstimator``'s tags shadow the mixin's, so ``is_classifier`` is False,
    ``roc_auc`` scoring raises, ``cross_val_score`` stops stratifying,
    ``GridSearchCV`` reports NaN scores and ``CalibratedClassifierCV`` fails.
    :class:`KerasClassifier` and :class:`KerasRegressor` here are scikeras'
    classes with exactly these changes:

    * rebuilt with ``ClassifierMixin``/``RegressorMixin`` before
      ``BaseEstimator``: every method and attribute is scikeras' own, and the
      names both define resolve as in scikeras (``score`` is scikeras'
      ``scorer``), except ``__sklearn_tags__``. ``isinstance(est,
      scikeras.wrappers.BaseWrapper)`` holds; ``isinstance(est,
      scikeras.wrappers.KerasClassifier)`` does not (a subclass cannot reorder
      its parent's bases);
    * the tags scikeras declares in its old-style ``_tags`` (``poor_score``,
      ``multioutput``, ``multilabel``, a subclass's too) and sparse input, in
      ``__sklearn_tags__``;
    * a clear ValueError for ``y=None`` (``KerasRegressor`` raised
      AttributeError) and for a scalar or sparse y;
    * scipy sparse arrays reformatted as scikeras reformats sparse matrices
      (TensorFlow refused a ``csc_array``), a network fitted on sparse X
      predicting on dense X of that dtype, and scikit-learn's message for X
      with the wrong number of features;
    * ``random_state`` making TensorFlow deterministic for that fit only
      (scikeras' left it on for the whole process).

    ``check_estimator`` passes on both but for the checks that
    ``tests/test_scikeras_wrappers.py`` lists with their reasons; scikeras' own
    suite shows no failure from these changes (user guide, "Backends").

Keras 3 ``keras.wrappers``
    ``clone`` drops ``fit_kwargs``, so every clone (each CV fold, each grid
    point) trains with Keras' defaults: one epoch. ``SKLearnClassifier`` has no
    ``predict_proba``, so ``neg_log_loss`` cannot score it. :class:`SKLearnClassifier`
    and :class:`SKLearnRegressor` here clone with their ``fit_kwargs``, and the
    classifier has ``predict_proba`` when its network ends in a softmax.

Use them in place of the originals, with the same parameters::

    from skimportance.wrappers import KerasClassifier  # instead of scikeras'

skimportance's own functions and selector handle the originals without these.

A plain ``keras.Model``
    :class:`FittedKerasModel` is a trained model as a fitted scikit-learn
    estimator (task and classes from its output layer; skimportance wraps a
    raw model in it by itself). :func:`make_trainable` turns a compiled model
    into a trainable estimator (:class:`KerasModelClassifier`,
    :class:`KerasModelRegressor`, built on ``keras.wrappers``) whose every fit
    trains a fresh copy, for cross-validation.
"""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin

from ._keras.fitted_model import FittedKerasModel, KerasModelResponses
from ._keras.layers import (
    has_softmax_output,
    model_n_classes,
    output_activation,
)
from ._keras.scikeras_repair import RepairedWrapper, check_target, rebase
from ._keras.trainable import TrainsFreshNetwork, default_epochs, trainable_kind
from ._keras.training import keep_fit_kwargs

__all__ = [
    "FittedKerasModel",
    "KerasClassifier",
    "KerasModelClassifier",
    "KerasModelRegressor",
    "KerasRegressor",
    "SKLearnClassifier",
    "SKLearnRegressor",
    "make_trainable",
]


try:
    from scikeras import wrappers as _scikeras
except ImportError:  # pragma: no cover
    _scikeras = None

if _scikeras is not None:
    _KerasClassifierBase = rebase(
        _scikeras.KerasClassifier,
        ClassifierMixin,
        name="_KerasClassifierBase",
        module=__name__,
    )
    _KerasRegressorBase = rebase(
        _scikeras.KerasRegressor,
        RegressorMixin,
        name="_KerasRegressorBase",
        module=__name__,
    )

    class KerasClassifier(RepairedWrapper, _KerasClassifierBase):
        """scikeras' ``KerasClassifier``, repaired for scikit-learn >= 1.6.

        Same parameters and behaviour as
        :class:`scikeras.wrappers.KerasClassifier`, with:

        * ``ClassifierMixin`` before ``BaseEstimator`` in the MRO, so the
          estimator type is visible (``is_classifier`` is True);
        * scikeras' declared tags (``poor_score``, ``multioutput``,
          ``multilabel``) and sparse input in ``__sklearn_tags__``;
        * a clear ValueError for ``y=None`` and for a scalar or sparse y;
        * scipy sparse arrays taken as scikeras takes sparse matrices, and a
          network fitted on sparse X predicting on dense X of that dtype;
        * ``random_state`` making TensorFlow deterministic for that fit only.

        ``isinstance(est, scikeras.wrappers.BaseWrapper)`` is True;
        ``isinstance(est, scikeras.wrappers.KerasClassifier)`` is False (the
        class is rebuilt from scikeras', not derived from it).
        """

        def fit(self, X, y, sample_weight=None, **kwargs):
            check_target(self, y)
            return super().fit(X, y, sample_weight=sample_weight, **kwargs)

        def initialize(self, X, y):
            check_target(self, y)
            return super().initialize(X, y)

        def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
            check_target(self, y)
            return super().partial_fit(
                X, y, classes=classes, sample_weight=sample_weight, **kwargs
            )

    class KerasRegressor(RepairedWrapper, _KerasRegressorBase):
        """scikeras' ``KerasRegressor``, repaired for scikit-learn >= 1.6.

        Same parameters and behaviour as
        :class:`scikeras.wrappers.KerasRegressor`, with:

        * ``RegressorMixin`` before ``BaseEstimator`` in the MRO, so the
          estimator type is visible (``is_regressor`` is True);
        * scikeras' declared tags (``poor_score``, ``multioutput``) and sparse
          input in ``__sklearn_tags__``;
        * a clear ValueError for ``y=None`` (scikeras raised AttributeError)
          and for a scalar or sparse y;
        * sparse X and ``random_state`` as in :class:`KerasClassifier`.

        ``isinstance(est, scikeras.wrappers.BaseWrapper)`` is True;
        ``isinstance(est, scikeras.wrappers.KerasRegressor)`` is False.
        """

        def fit(self, X, y, sample_weight=None, **kwargs):
            check_target(self, y)
            return super().fit(X, y, sample_weight=sample_weight, **kwargs)

        def initialize(self, X, y=None):
            check_target(self, y)
            return super().initialize(X, y)

        def partial_fit(self, X, y, sample_weight=None, **kwargs):
            check_target(self, y)
            return super().partial_fit(X, y, sample_weight=sample_weight, **kwargs)

    for _cls, _base in (
        (KerasClassifier, _KerasClassifierBase),
        (KerasRegressor, _KerasRegressorBase),
    ):
        for _name in ("fit", "partial_fit", "initialize"):
            # scikeras' own documentation of the method
            getattr(_cls, _name).__doc__ = getattr(_base, _name).__doc__
    del _cls, _base, _name


from keras.wrappers import SKLearnClassifier as _SKLearnClassifier  # noqa: E402
from keras.wrappers import SKLearnRegressor as _SKLearnRegressor  # noqa: E402


class _CloneKeepsFitKwargs:
    def __sklearn_clone__(self):
        return keep_fit_kwargs(self, super().__sklearn_clone__())

    def fit(self, X, y, **kwargs):
        """Train the network on ``X``, ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        **kwargs : dict
            Passed to the model's ``fit`` with ``fit_kwargs`` (these win over
            it); ``fit_kwargs`` itself is left unchanged.

        Returns
        -------
        self : object
        """
        # keras' fit merges kwargs into self.fit_kwargs in place: a later fit
        # on other data would reuse this fit's sample_weight. Work on a copy.
        own = self.fit_kwargs
        self.fit_kwargs = dict(own or {})
        try:
            return super().fit(X, y, **kwargs)
        finally:
            self.fit_kwargs = own


class SKLearnClassifier(_CloneKeepsFitKwargs, _SKLearnClassifier):
    """``keras.wrappers.SKLearnClassifier`` whose clones keep ``fit_kwargs``,
    with ``predict_proba`` for networks that end in a softmax.

    Same parameters as :class:`keras.wrappers.SKLearnClassifier`.
    """

    def predict_proba(self, X):
        """Class probabilities: the softmax outputs, one column per class.

        Raises AttributeError when the network does not end in a softmax
        (its outputs are then not probabilities).
        """
        from sklearn.utils.validation import check_is_fitted, validate_data

        check_is_fitted(self)
        if not has_softmax_output(self.model_):
            raise AttributeError(
                "predict_proba needs a network whose last layer is a softmax; "
                "this one's outputs are not probabilities."
            )
        X = validate_data(self, X, reset=False)
        return np.asarray(self.model_.predict(X, verbose=0))


class SKLearnRegressor(_CloneKeepsFitKwargs, _SKLearnRegressor):
    """``keras.wrappers.SKLearnRegressor`` whose clones keep ``fit_kwargs``.

    Same parameters as :class:`keras.wrappers.SKLearnRegressor`.
    """


# --------------------------------------------------------------------------
# a compiled keras.Model as a trainable estimator
# --------------------------------------------------------------------------
def _sparse_targets(model):
    """Whether the model's loss takes class indices (sparse) rather than one-hot."""
    loss = getattr(model, "loss", None)
    name = loss if isinstance(loss, str) else getattr(loss, "name", None)
    if name is None:
        name = getattr(loss, "__name__", type(loss).__name__)
    return "sparse" in str(name).lower()


class KerasModelClassifier(TrainsFreshNetwork, KerasModelResponses, SKLearnClassifier):
    """A compiled Keras classifier network as a trainable scikit-learn classifier.

    ``fit`` trains a fresh copy of ``model`` (``keras.models.clone_model``:
    same architecture and compile settings, new weights; rebuilt for rows of
    another shape), or the model a build function returns, with
    ``fit_kwargs``; clones (each cross-validation split) keep ``fit_kwargs``.
    X may have any rank. Targets are
    encoded as the network's output layer takes them: 0/1 for one sigmoid
    output, class indices for a softmax trained with a sparse loss, else
    one-hot. Built on :class:`keras.wrappers.SKLearnClassifier`; usually made
    with :func:`make_trainable`.

    Parameters
    ----------
    model : keras.Model or callable
        Compiled; ends in a sigmoid (one output, binary) or a softmax (one
        output per class). Never trained itself. Or a function returning a
        new compiled model (see :func:`make_trainable`).
    warm_start : bool, default=False
        As in :class:`keras.wrappers.SKLearnClassifier`.
    model_kwargs : dict or None, default=None
        Passed to ``model`` when it is a build function.
    fit_kwargs : dict or None, default=None
        Passed to ``keras.Model.fit`` (``epochs``, ``batch_size``...).

    Attributes
    ----------
    model_ : keras.Model
        The trained copy.
    classes_ : ndarray of shape (n_classes,)
        Sorted labels of y, in output order.
    n_features_in_ : int
        Length of X's second axis.
    history_ : keras.callbacks.History
    """

    def _task(self):
        return "classifier"

    def _process_target(self, y, reset=False):
        from sklearn.utils.multiclass import type_of_target

        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"a classifier needs class labels; y is {kind}.")
        if reset:
            self.classes_ = np.unique(y)
            n_classes = model_n_classes(self.model_)
            if len(self.classes_) != n_classes:
                raise ValueError(
                    f"y holds {len(self.classes_)} classes, but the model has "
                    f"outputs for {n_classes}."
                )
        index = np.searchsorted(self.classes_, y)
        if output_activation(self.model_) != "softmax":
            return index.astype("float32").reshape(-1, 1)
        if _sparse_targets(self.model_):
            return index
        return np.eye(len(self.classes_), dtype="float32")[index]


class KerasModelRegressor(TrainsFreshNetwork, KerasModelResponses, SKLearnRegressor):
    """A compiled Keras regression network as a trainable scikit-learn regressor.

    ``fit`` trains a fresh copy of ``model`` (``keras.models.clone_model``:
    same architecture and compile settings, new weights; rebuilt for rows of
    another shape), or the model a build function returns, with
    ``fit_kwargs``; clones keep ``fit_kwargs``. X may have any rank. Built on
    :class:`keras.wrappers.SKLearnRegressor`; usually made with
    :func:`make_trainable`.

    Parameters
    ----------
    model : keras.Model or callable
        Compiled. Never trained itself. Or a function returning a new
        compiled model (see :func:`make_trainable`).
    warm_start : bool, default=False
    model_kwargs : dict or None, default=None
        Passed to ``model`` when it is a build function.
    fit_kwargs : dict or None, default=None
        Passed to ``keras.Model.fit``.

    Attributes
    ----------
    model_ : keras.Model
        The trained copy.
    n_features_in_ : int
        Length of X's second axis.
    history_ : keras.callbacks.History
    """

    def _task(self):
        return "regressor"


def make_trainable(model, *, task="auto", **fit_kwargs):
    """A trainable scikit-learn estimator from a compiled Keras model, or from
    a function that builds and compiles one.

    Each ``fit`` (each cross-validation split of
    :class:`~skimportance.KerasImportanceSelector`, each ``cross_val_score``
    fold) trains a fresh network; ``model`` itself is never trained:

    * a compiled model: ``keras.models.clone_model`` (the same architecture
      and compile settings: optimizer, loss) with new weights. Inputs of any
      rank (tables, sequences, images). When the rows of X have another shape
      than the model was built for (the columns a feature selector kept),
      the model is rebuilt on inputs of that shape: the same layers after the
      inputs, built anew, and the same compile and fit settings;
    * a function (for models Keras cannot clone, such as subclassed ones, or
      to build per shape): called on each fit, it returns a new compiled
      model. It gets ``input_shape`` (the shape of one row of X, without the
      batch axis), ``X`` and ``y`` when its signature names them, as
      scikeras' ``model=`` callable does.

    Parameters
    ----------
    model : keras.Model or callable
        A compiled Sequential or functional model, or a function returning a
        new compiled model.
    task : {"auto", "classification", "regression"}, default="auto"
        ``"auto"``: classification when the last layer's activation is a
        sigmoid or a softmax, else regression. A function that needs
        arguments (``input_shape``) is not called before fit: give the task.
    **fit_kwargs : dict
        Passed to ``keras.Model.fit``: ``epochs``, ``batch_size``,
        ``callbacks``... (``verbose=0`` unless given). No ``epochs``: those
        of ``model``'s last ``fit`` (``model.history``), else a warning.

    Returns
    -------
    estimator : KerasModelClassifier or KerasModelRegressor
        Unfitted.

    Examples
    --------
    >>> import keras
    >>> from skimportance.wrappers import make_trainable
    >>> model = keras.Sequential([keras.Input((4,)),
    ...                           keras.layers.Dense(8, activation="relu"),
    ...                           keras.layers.Dense(1, activation="sigmoid")])
    >>> model.compile(optimizer="adam", loss="binary_crossentropy")
    >>> clf = make_trainable(model, epochs=20, batch_size=32)
    >>> type(clf).__name__, clf.fit_kwargs
    ('KerasModelClassifier', {'epochs': 20, 'batch_size': 32})

    A build function, given the shape of one row:

    >>> def build(input_shape):
    ...     model = keras.Sequential([keras.Input(input_shape),
    ...                               keras.layers.Dense(1, activation="sigmoid")])
    ...     model.compile(optimizer="adam", loss="binary_crossentropy")
    ...     return model
    >>> type(make_trainable(build, task="classification", epochs=5)).__name__
    'KerasModelClassifier'
    """
    kind = trainable_kind(model, task)
    cls = KerasModelClassifier if kind == "classifier" else KerasModelRegressor
    return cls(model=model, fit_kwargs=default_epochs(model, fit_kwargs))
