"""A model with several inputs measured as one table.

:func:`flat_problem` turns ``(estimator, X)`` with X a dict or list of
inputs into the flat table of an :class:`~.several_inputs.InputLayout` and
:class:`SeveralInputsEstimator`, the model seen through that table: it takes
the flat table (or the dict/list itself) and hands the model its structure,
so every importance method, scorer and split works on it unchanged (the
plain path: the Keras fast paths see a scikit-learn estimator).
"""

from sklearn.base import BaseEstimator, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .fitted_model import as_fitted_estimator, check_trainable
from .several_inputs import InputLayout, is_several_inputs

__all__ = ["SeveralInputsEstimator", "flat_problem"]


def _inner_has(name):
    def check(self):
        getattr(self.estimator, name)
        return True

    return check


class SeveralInputsEstimator(BaseEstimator):
    """A model with several inputs seen through the flat table of an
    :class:`InputLayout`: each call splits the table into the model's dict
    or list of inputs (a dict or list given as it is passes through).

    Parameters
    ----------
    estimator : estimator
        Takes the dict or list of inputs (a :class:`FittedKerasModel`, a
        trainable network from ``make_trainable``).
    layout : InputLayout
    """

    def __init__(self, estimator, layout):
        self.estimator = estimator
        self.layout = layout

    def _inputs(self, X):
        return X if is_several_inputs(X) else self.layout.split(X)

    def fit(self, X, y, **fit_params):
        """Fit a clone of ``estimator`` on the inputs of X; sets ``estimator_``."""
        check_trainable(self.estimator)
        self.estimator_ = clone(self.estimator).fit(self._inputs(X), y, **fit_params)
        return self

    def _fitted(self):
        return getattr(self, "estimator_", self.estimator)

    @available_if(_inner_has("predict"))
    def predict(self, X):
        """The estimator's ``predict`` on the inputs of X."""
        return self._fitted().predict(self._inputs(X))

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X):
        """The estimator's ``predict_proba`` on the inputs of X."""
        return self._fitted().predict_proba(self._inputs(X))

    @available_if(_inner_has("decision_function"))
    def decision_function(self, X):
        """The estimator's ``decision_function`` on the inputs of X."""
        return self._fitted().decision_function(self._inputs(X))

    def score(self, X, y, sample_weight=None):
        """The estimator's ``score`` on the inputs of X."""
        if sample_weight is None:
            return self._fitted().score(self._inputs(X), y)
        return self._fitted().score(self._inputs(X), y, sample_weight=sample_weight)

    @property
    def classes_(self):
        """The estimator's classes."""
        return self._fitted().classes_

    @property
    def n_features_in_(self):
        """Columns of the flat table."""
        return self.layout.n_features

    def __sklearn_is_fitted__(self):
        try:
            check_is_fitted(self._fitted())
        except Exception:  # noqa: BLE001 - any reason it is not fitted
            return False
        return True

    def __sklearn_tags__(self):
        from sklearn.utils import get_tags

        return get_tags(self.estimator)


def flat_problem(estimator, X, y, feature_groups=None):
    """``(estimator, X, feature_groups, layout)`` to measure on one table.

    X a dict or list of inputs: the flat table, the estimator seen through
    it (a raw ``keras.Model`` as a :class:`FittedKerasModel`, classes from
    y), ``feature_groups="inputs"`` as one group per input, and the layout.
    Any other X: everything unchanged, and ``layout`` None.
    """
    if not is_several_inputs(X):
        if isinstance(feature_groups, str) and feature_groups == "inputs":
            raise ValueError(
                "feature_groups='inputs' groups the columns of each input of a "
                "model with several inputs; X is one table (pass a dict or a "
                "list of inputs, or other groups)."
            )
        return estimator, X, feature_groups, None
    inner = as_fitted_estimator(estimator, y)
    layout = InputLayout(X, _list_names(X, inner))
    if isinstance(feature_groups, str) and feature_groups == "inputs":
        feature_groups = layout.groups()
    wrapped = SeveralInputsEstimator(inner, layout)
    return wrapped, layout.flatten(X), feature_groups, layout


def _list_names(X, estimator):
    """A list's inputs named as the model names them (its ``keras.Input``
    names, in ``model.inputs`` order), when the estimator holds a model."""
    model = getattr(estimator, "model", None)
    if isinstance(X, dict) or model is None or callable(model) is False:
        return None
    try:
        names = [t.name for t in model.inputs]
    except (AttributeError, ValueError, TypeError):
        return None
    return names if len(names) == len(X) and len(set(names)) == len(names) else None
