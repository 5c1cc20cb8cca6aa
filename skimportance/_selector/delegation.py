"""Prediction through the selector's fitted ``estimator_``: ``predict``,
``predict_proba``, ``decision_function`` and ``score`` exist only when the
wrapped estimator has them (``available_if``, as in ``SelectFromModel``)."""

import numpy as np
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

__all__ = ["DelegateToEstimatorMixin"]


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "estimator_"):
            getattr(self.estimator_, attr)
        else:
            getattr(self.estimator, attr)
        return True

    return check


class DelegateToEstimatorMixin:
    """Methods answered by ``estimator_`` (fitted on all features)."""

    @available_if(_estimator_has("predict"))
    def predict(self, X, **predict_params):
        """Predict with ``estimator_`` (fitted on all features).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        **predict_params : dict
            Passed to ``estimator_.predict``.

        Returns
        -------
        y_pred : ndarray
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X, **predict_params)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_log_proba(self, X):
        """Log of the class probabilities from ``estimator_``: its own
        ``predict_log_proba`` when it has one, else the log of ``predict_proba``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        if hasattr(self.estimator_, "predict_log_proba"):
            return self.estimator_.predict_log_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(self.estimator_.predict_proba(X))

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    @available_if(_estimator_has("score"))
    def score(self, X, y, **score_params):
        """Score of ``estimator_`` on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        **score_params : dict
            Passed to ``estimator_.score``.

        Returns
        -------
        score : float
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.score(X, y, **score_params)

    @property
    def classes_(self):
        """Classes of ``estimator_``."""
        return self.estimator_.classes_
