"""From the splits' importances to what the selector keeps: the significance
test over splits or rows, the fitted attributes, the support mask (the
threshold rules are in ``rules``), and ``transform`` /
``inverse_transform`` of N-D inputs along ``feature_axis``."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags
from sklearn.utils.validation import check_array, check_is_fitted

from .._scoring.no_skill import has_no_skill, no_skill_message, scorer_name
from .._scoring.records import ROW_SCORERS
from .._statistics import (
    adjust_pvalues,
    row_level_test,
    split_level_test,
    split_moments,
)
from .rules import forced_features, resolve_threshold, support_mask

__all__ = [
    "NDTransformMixin",
    "SelectionMixin",
    "is_missing",
    "owner_groups",
    "set_input_layout",
    "significance_test",
    "warn_if_no_skill",
]


def set_input_layout(selector, inputs):
    """Record X's inputs (``input_layout_``: None for one table) and name the
    columns of several inputs (``feature_names_in_``)."""
    selector.input_layout_ = inputs
    if inputs is not None:
        selector.feature_names_in_ = np.asarray(inputs.feature_names, dtype=object)


def significance_test(results, splits, alpha, variance="fold"):
    """``(pvalues, ci, test, split_results)`` of the groups from the splits'
    results (``split_results``: the selector's ``split_results_``).

    The row-level test when every split has row importances (a scorer that
    is a mean over rows), else the corrected t-test over splits; ``test`` is
    None when neither is valid (one split, another scorer). ``variance``:
    the selector's ``cv_test``, the row-level test in CV mode (``"fold"``
    or ``"row"``, see :func:`~skimportance._statistics.row_test.row_level_test`). With
    ``groups``, the row-level variance sums the rows' influence by group
    (cluster-robust). A split with fewer than two evaluated rows (or groups)
    gives no standard error: the p-values are NaN, with a warning.
    """
    if all(r.row_importances is not None for r in results):
        rows = [
            r.rows if train is None else np.asarray(test)[r.rows]
            for r, (train, test) in zip(results, splits)
        ]
        clusters = [r.get("row_groups") for r in results]
        clusters = None if any(c is None for c in clusters) else clusters
        drops = [r.row_importances for r in results]
        weights = [r.row_weights for r in results]
        moments = split_moments(drops, weights, rows, clusters)
        means, split_var, _, units, _ = moments
        _, se, pvalues, ci = row_level_test(
            drops,
            weights,
            rows,
            alpha=alpha,
            variance=variance,
            clusters=clusters,
            scale=float(np.mean([abs(r.baseline) for r in results])),
            moments=moments,
        )
        _warn_untested(clusters, units, se, pvalues)
        per_split = dict(importances=means, variances=split_var, n_effective=units[0])
        return pvalues, ci, "row", _split_results(results, per_split)
    group_imp = np.concatenate([r.importances for r in results], axis=1)
    ratios = [len(te) / len(tr) for tr, te in splits if tr is not None]
    pvalues, ci = split_level_test(
        group_imp,
        len(splits),
        float(np.mean(ratios)) if ratios else 0.0,
        alpha=alpha,
    )
    test = "split" if len(splits) > 1 else None
    return pvalues, ci, test, _split_results(results)


def _split_results(results, moments=None):
    """The selector's ``split_results_``: per split, the importance (mean over
    repeats), its row-level variance and the evaluated rows; the variances
    and effective rows are NaN without a row-level test."""
    n_splits = len(results)
    importances = np.stack([r.importances.mean(axis=1) for r in results])
    out = dict(
        importances=importances,
        variances=np.full(importances.shape, np.nan),
        n_rows=np.asarray([len(r.rows) for r in results], dtype=np.intp),
        n_effective=np.full(n_splits, np.nan),
    )
    out.update(moments or {})
    return out


def _warn_untested(clusters, units, se, pvalues):
    """Warn when the row-level test gave NaN p-values, and why (``units``:
    :func:`split_moments`' per-split counts)."""
    if not np.isnan(pvalues).any():
        return
    fewest = int(units[1].min())
    units = "groups" if clusters is not None else "rows"
    if np.isnan(se).all():
        why = (
            f"a split has {fewest} evaluated {units}; a standard error needs at "
            "least two in every split. Use fewer splits (not LeaveOneOut), a "
            "larger max_samples, or more groups"
        )
    else:
        why = (
            f"{int(np.isnan(pvalues).sum())} input(s) have a positive importance "
            "with no spread over the rows (at rounding level of the loss), so "
            "no standard error measures their uncertainty"
        )
    warnings.warn(
        f"The row-level test gives NaN p-values: {why}. Inputs with a NaN "
        "p-value are not kept by threshold=None.",
        UserWarning,
        stacklevel=5,
    )


def owner_groups(groups, importances, n_features):
    """For each feature, the group whose values it takes: its most important
    group (the first of equals), so a feature in overlapping groups reports
    the strongest evidence that it matters."""
    owner = np.full(n_features, -1, dtype=np.intp)
    for g in np.argsort(-np.asarray(importances), kind="stable"):
        members = np.asarray(groups[g], dtype=np.intp)
        members = members[owner[members] < 0]
        owner[members] = g
    return owner


def warn_if_no_skill(results, scoring):
    """One warning naming the splits whose baseline is no better than the
    no-skill reference on their evaluated rows (``result.no_skill``)."""
    bad = [
        i for i, r in enumerate(results) if has_no_skill(r.baseline, r.get("no_skill"))
    ]
    if not bad:
        return
    r = results[bad[0]]
    where = (
        "on the evaluated rows"
        if len(results) == 1
        else f"on split {bad[0] + 1}'s held-out rows ({len(bad)} of "
        f"{len(results)} splits)"
    )
    name = scoring if isinstance(scoring, str) else scorer_name(r.scorer)
    warnings.warn(
        no_skill_message(name, r.baseline, r.no_skill, where), UserWarning, stacklevel=5
    )


def is_missing(y):
    """Which entries of y are NaN (none for a y that is not float)."""
    y = np.asarray(y)
    if y.dtype.kind == "f":
        return np.isnan(y)
    return np.zeros(y.shape, dtype=bool)


class NDTransformMixin:
    """``transform`` / ``inverse_transform`` along ``feature_axis_`` for X with
    more than 2 axes; 2-D X goes to :class:`~sklearn.feature_selection.
    SelectorMixin`, which must follow this class in the bases."""

    def _check_nd(self, X):
        allow_nan = get_tags(self).input_tags.allow_nan
        X = check_array(
            X,
            dtype=None,
            allow_nd=True,
            input_name="X",
            estimator=self,
            ensure_all_finite="allow-nan" if allow_nan else True,
        )
        if X.ndim != self.x_ndim_:
            raise ValueError(
                f"X has {X.ndim} dimensions, but {type(self).__name__} was fitted "
                f"on {self.x_ndim_}."
            )
        if len(self.feature_axis_) != 1:
            raise ValueError(
                f"feature_axis={self.feature_axis!r} measures cells across several "
                "axes; no rectangular array can drop single cells, so there is "
                "nothing to transform. Use one axis to select."
            )
        axis = self.feature_axis_[0]
        if X.shape[axis] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[axis]} features along axis {axis}, but "
                f"{type(self).__name__} is expecting {self.n_features_in_}."
            )
        return X, axis

    def transform(self, X):
        """Keep the selected features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or with more axes
            For N-D input, features are dropped along ``feature_axis`` and the
            other axes are kept. Fitted on several inputs: the same dict or
            list of inputs.

        Returns
        -------
        X_selected : array-like
            For several inputs, the same structure with the kept columns
            (DataFrames stay DataFrames; an input with none kept is left out).
        """
        check_is_fitted(self, "feature_importances_")
        if getattr(self, "input_layout_", None) is not None:
            return self.input_layout_.select(X, self.get_support())
        if getattr(self, "x_ndim_", 2) == 2:
            return super().transform(X)
        X, axis = self._check_nd(X)
        return np.take(X, np.flatnonzero(self.get_support()), axis=axis)

    def inverse_transform(self, X):
        """Put the kept features back in place, zeros for the dropped ones.

        Parameters
        ----------
        X : array-like with the selected features

        Returns
        -------
        X_original : array-like
        """
        check_is_fitted(self, "feature_importances_")
        if getattr(self, "x_ndim_", 2) == 2:
            return super().inverse_transform(X)
        X = np.asarray(X)
        axis = self.feature_axis_[0]
        shape = list(X.shape)
        shape[axis] = self.n_features_in_
        out = np.zeros(shape, dtype=X.dtype)
        index = [slice(None)] * X.ndim
        index[axis] = np.flatnonzero(self.get_support())
        out[tuple(index)] = X
        return out


class SelectionMixin:
    """The fitted attributes from the splits' results (``_collect``), and the
    features they keep (``group_support_``, ``threshold_``, the support mask
    :class:`~sklearn.feature_selection.SelectorMixin` reads)."""

    def _collect(self, results, splits):
        """Fitted attributes from the splits' results (``fit_and_measure``)."""
        group_imp = np.concatenate([r.importances for r in results], axis=1)
        self.n_splits_ = len(splits)
        self.baseline_scores_ = np.asarray([r.baseline for r in results], dtype=float)
        self.baseline_score_ = float(self.baseline_scores_.mean())
        self.scorer_ = results[-1].scorer
        warn_if_no_skill(results, self.scoring_)
        pvalues, ci, self.test_, self.split_results_ = significance_test(
            results, splits, self.alpha, self.cv_test
        )
        if self.test_ is None:
            warnings.warn(
                f"scoring={self.scoring_!r} is not a mean over rows, and one split "
                "gives no valid test of it: pvalues_ and the intervals are NaN "
                "and threshold=None keeps no input by the test. Use a scorer "
                f"that is a mean over rows ({', '.join(ROW_SCORERS)}), "
                "several splits (cv=3), or select by a threshold.",
                UserWarning,
                stacklevel=4,
            )
        self.group_importances_ = group_imp.mean(axis=1)
        self.group_importances_std_ = group_imp.std(axis=1)
        self.group_pvalues_ = pvalues
        self.group_importances_ci_ = ci
        owner = owner_groups(
            self.feature_groups_, self.group_importances_, self.n_features_in_
        )
        self._feature_owner = owner
        self.importances_ = group_imp[owner]
        self.feature_importances_ = self.group_importances_[owner]
        self.feature_importances_std_ = self.group_importances_std_[owner]
        self.pvalues_ = pvalues[owner]
        self.feature_importances_ci_ = ci[owner]

    def _max_features(self):
        """``max_features`` in force: a callable's answer on fit's X."""
        max_features = self.max_features
        if not callable(max_features):
            return max_features
        called, answer = getattr(self, "_max_features_at_fit", (None, None))
        if called is not max_features:
            raise NotFittedError(
                "max_features is a callable set after fit; it is called on the "
                "X given to fit: call fit again."
            )
        return answer

    def _check_selection_rule(self, X):
        """Validate the threshold and call a callable max_features on X, before
        training."""
        resolve_threshold(self.threshold, np.zeros(1))  # raises for a bad string
        max_features = self.max_features
        if callable(max_features):
            answer = max_features(X)
            if not isinstance(answer, Integral) or answer < 0:
                raise ValueError(
                    f"max_features callable returned {answer!r}; an int >= 0 "
                    "was expected."
                )
            self._max_features_at_fit = (max_features, answer)

    def _mask_for(self, warn=False):
        """Mask over groups (one per feature without groups)."""
        max_features = self._max_features()
        adjusted = self.group_pvalues_adjusted_
        mask, forced = support_mask(
            self.group_importances_,
            adjusted,
            threshold=self.threshold,
            alpha=self.alpha,
            max_features=max_features,
            min_features_to_select=self.min_features_to_select,
            return_forced=True,
        )
        if warn and forced:
            names = forced_features(
                self.group_importances_,
                self.group_pvalues_,
                forced,
                self.group_names_,
                None if self.multiple_testing == "none" else adjusted,
            )
            warnings.warn(
                f"min_features_to_select={self.min_features_to_select} kept "
                f"{len(forced)} input(s) that did not pass the selection rule: "
                f"{names}. Set min_features_to_select=0 to keep only the inputs "
                "that pass.",
                UserWarning,
                stacklevel=4,
            )
        return mask

    # The support and everything derived from the p-values follow the
    # selection parameters in force, as SelectFromModel's threshold does:
    # set_params(alpha=..., multiple_testing=..., threshold=...) after fit
    # changes them together, without measuring again.
    @property
    def group_pvalues_adjusted_(self):
        """The groups' p-values adjusted by the ``multiple_testing`` in force."""
        check_is_fitted(self, "feature_importances_")
        return adjust_pvalues(self.group_pvalues_, self.multiple_testing)

    @property
    def pvalues_adjusted_(self):
        """Each feature's (its group's) adjusted p-value."""
        return self.group_pvalues_adjusted_[self._feature_owner]

    @property
    def group_support_(self):
        """Which groups are kept (one per feature when there are no groups)."""
        check_is_fitted(self, "feature_importances_")
        return self._mask_for()

    def _get_support_mask(self):
        groups = self.group_support_
        mask = np.zeros(self.n_features_in_, dtype=bool)
        for keep, members in zip(groups, self.feature_groups_):
            if keep:
                mask[members] = True
        return mask

    @property
    def threshold_(self):
        """The importance threshold in force (0.0 when significance decides)."""
        check_is_fitted(self, "feature_importances_")
        cut = resolve_threshold(self.threshold, self.group_importances_)
        return 0.0 if cut is None else cut
