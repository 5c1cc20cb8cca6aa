"""Keras wrappers that work with scikit-learn >= 1.6 where the originals don't.

scikeras 0.13 (its last release)
    scikit-learn >= 1.6 reads the estimator type from ``__sklearn_tags__``, which
    scikeras does not define: ``is_classifier(KerasClassifier(...))`` is False,
    so ``roc_auc`` scoring raises, ``cross_val_score`` stops stratifying and
    ``GridSearchCV`` reports NaN scores. :class:`KerasClassifier` and
    :class:`KerasRegressor` here are the scikeras classes with their tags
    restored, nothing else changed.

Keras 3 ``keras.wrappers``
    ``clone`` drops ``fit_kwargs``, so every clone (each CV fold, each grid
    point) trains with Keras' defaults: one epoch. ``SKLearnClassifier`` has no
    ``predict_proba``, so ``neg_log_loss`` cannot score it. :class:`SKLearnClassifier`
    and :class:`SKLearnRegressor` here clone with their ``fit_kwargs``, and the
    classifier has ``predict_proba`` when its network ends in a softmax.

Use them in place of the originals, with the same parameters::

    from skimportance.wrappers import KerasClassifier  # instead of scikeras'

skimportance's own functions and selector handle the originals without these.
"""

import copy

import numpy as np
from sklearn.utils._tags import ClassifierTags, RegressorTags

from ._keras import _has_softmax_output

__all__ = ["KerasClassifier", "KerasRegressor", "SKLearnClassifier", "SKLearnRegressor"]


def _classifier_tags(tags):
    tags.estimator_type = "classifier"
    tags.classifier_tags = ClassifierTags()
    tags.regressor_tags = None
    tags.target_tags.required = True
    return tags


def _regressor_tags(tags):
    tags.estimator_type = "regressor"
    tags.regressor_tags = RegressorTags()
    tags.classifier_tags = None
    tags.target_tags.required = True
    return tags


try:
    from scikeras import wrappers as _scikeras
except ImportError:  # pragma: no cover
    _scikeras = None

if _scikeras is not None:

    class KerasClassifier(_scikeras.KerasClassifier):
        """scikeras ``KerasClassifier`` with its estimator type visible to
        scikit-learn >= 1.6 (``is_classifier`` is True again).

        Same parameters and behaviour as
        :class:`scikeras.wrappers.KerasClassifier`.
        """

        def __sklearn_tags__(self):
            return _classifier_tags(super().__sklearn_tags__())

    class KerasRegressor(_scikeras.KerasRegressor):
        """scikeras ``KerasRegressor`` with its estimator type visible to
        scikit-learn >= 1.6 (``is_regressor`` is True again).

        Same parameters and behaviour as :class:`scikeras.wrappers.KerasRegressor`.
        """

        def __sklearn_tags__(self):
            return _regressor_tags(super().__sklearn_tags__())


from keras.wrappers import SKLearnClassifier as _SKLearnClassifier  # noqa: E402
from keras.wrappers import SKLearnRegressor as _SKLearnRegressor  # noqa: E402


class _CloneKeepsFitKwargs:
    def __sklearn_clone__(self):
        new = super().__sklearn_clone__()
        new.fit_kwargs = copy.deepcopy(self.fit_kwargs)
        return new

    def fit(self, X, y, **kwargs):
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
        from keras.src.wrappers.fixes import _validate_data
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        if not _has_softmax_output(self.model_):
            raise AttributeError(
                "predict_proba needs a network whose last layer is a softmax; "
                "this one's outputs are not probabilities."
            )
        X = _validate_data(self, X, reset=False)
        return np.asarray(self.model_.predict(X, verbose=0))


class SKLearnRegressor(_CloneKeepsFitKwargs, _SKLearnRegressor):
    """``keras.wrappers.SKLearnRegressor`` whose clones keep ``fit_kwargs``.

    Same parameters as :class:`keras.wrappers.SKLearnRegressor`.
    """
