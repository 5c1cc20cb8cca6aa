"""eli5's ``PermutationImportance`` names over :class:`KerasImportanceSelector`.

Only names are translated: eli5's parameters (``n_iter`` is ``n_repeats``,
``cv=None`` is eli5's "fit on X and measure on X", which is the selector's
``cv="prefit"`` on a clone fitted on X) and eli5's attributes
(``wrapped_estimator_``, ``scores_``, ``results_``, ``caveats_``). Everything
measured, every prediction, the estimator type and the classes come from the
selector. eli5's own ``explain_permutation_importance`` is registered for this
class, so ``eli5.explain_weights`` explains it as it explains its own.
"""

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if

from skimportance import KerasImportanceSelector


def _selector_has(name):
    def check(self):
        holder = getattr(self, "selector_", None)
        target = holder.estimator_ if holder is not None else self.estimator
        getattr(target, name)
        return True

    return check


class PermutationImportance(MetaEstimatorMixin, BaseEstimator):
    """eli5 0.16's ``PermutationImportance`` interface, measured by the selector."""

    def __init__(
        self,
        estimator,
        scoring=None,
        n_iter=5,
        random_state=None,
        cv="prefit",
        refit=True,
    ):
        if isinstance(cv, str) and cv != "prefit":  # eli5 checks here, not in fit
            raise ValueError(f"Invalid cv value: {cv!r}")
        self.estimator = estimator
        self.scoring = scoring
        self.n_iter = n_iter
        self.random_state = random_state
        self.cv = cv
        self.refit = refit

    def __sklearn_tags__(self):
        return get_tags(self._selector(self.estimator, self.cv))

    def _selector(self, estimator, cv):
        return KerasImportanceSelector(
            estimator,
            scoring=self.scoring,
            n_repeats=self.n_iter,
            random_state=self.random_state,
            cv=cv,
            refit=self.refit,
            min_features_to_select=0,  # eli5 selects nothing itself
        )

    def fit(self, X, y, groups=None, **fit_params):
        from eli5.sklearn import permutation_importance as eli5_pi

        if self.cv is None:  # eli5: fit on X, measure on the same X
            fitted = clone(self.estimator).fit(X, y, **fit_params)
            self.selector_ = self._selector(fitted, "prefit").fit(X, y)
            self.estimator_ = fitted
            self.caveats_ = eli5_pi.CAVEATS_CV_NONE
        elif self.cv == "prefit":
            self.selector_ = self._selector(self.estimator, "prefit").fit(X, y)
            self.caveats_ = eli5_pi.CAVEATS_PREFIT
        else:
            self.selector_ = self._selector(self.estimator, self.cv)
            self.selector_.fit(X, y, groups=groups, **fit_params)
            self.caveats_ = eli5_pi.CAVEATS_CV
        sel = self.selector_
        self.feature_importances_ = sel.feature_importances_
        self.feature_importances_std_ = sel.feature_importances_std_
        self.scores_ = list(sel.baseline_scores_)
        self.results_ = list(
            np.asarray(sel.importances_)
            .reshape(sel.n_features_in_, sel.n_splits_, -1)
            .transpose(1, 2, 0)
            .reshape(-1, sel.n_features_in_)
        )
        if self.cv not in (None, "prefit") and self.refit:
            self.estimator_ = sel.estimator_
        return self

    @property
    def wrapped_estimator_(self):
        if self.cv == "prefit" or (self.cv is not None and not self.refit):
            return self.estimator
        return self.estimator_

    @property
    def classes_(self):
        return self.selector_.classes_

    @available_if(_selector_has("predict"))
    def predict(self, X):
        return self.selector_.predict(X)

    @available_if(_selector_has("predict_proba"))
    def predict_proba(self, X):
        return self.selector_.predict_proba(X)

    @available_if(_selector_has("predict_proba"))
    def predict_log_proba(self, X):
        return self.selector_.predict_log_proba(X)

    @available_if(_selector_has("decision_function"))
    def decision_function(self, X):
        return self.selector_.decision_function(X)

    @available_if(_selector_has("score"))
    def score(self, X, y=None, *args, **kwargs):
        return self.selector_.score(X, y, *args, **kwargs)


def register_with_eli5():
    """Swap this class in for eli5's and explain it with eli5's own function."""
    import eli5.sklearn
    from eli5.sklearn.explain_weights import explain_permutation_importance, register

    eli5.sklearn.PermutationImportance = PermutationImportance
    register(PermutationImportance)(explain_permutation_importance)
