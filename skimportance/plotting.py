"""Plots in scikit-learn's Display style. Needs matplotlib (``pip install
skimportance[plot]``), imported only when a plot is drawn."""

import numpy as np

from ._interactions.display import InteractionDisplay

__all__ = ["InteractionDisplay", "PermutationImportanceDisplay"]


class PermutationImportanceDisplay:
    """Ranked permutation importances with their spread, kept features marked.

    As scikit-learn's Displays: build it with :meth:`from_estimator` (a
    fitted :class:`~skimportance.KerasImportanceSelector`, or any fitted
    estimator with held-out ``X, y``) or :meth:`from_result` (the ``Bunch`` of
    :func:`~skimportance.permutation_importance`), which plot at once; or
    create it with keywords and call :meth:`plot`.

    Parameters
    ----------
    importances : ndarray of shape (n_features, n_values)
        Every measured importance of each feature.
    feature_names : list of str
        Names, one per feature.
    kept : ndarray of bool of shape (n_features,) or None, default=None
        Selected features, drawn in the highlight colour.
    threshold : float or None, default=None
        Importance threshold, drawn as a vertical line.
    scoring : str or None, default=None
        The scorer's name, for the axis label.
    intervals : ndarray of shape (n_features, 2) or None, default=None
        A confidence interval of each mean importance (lower, upper), drawn
        as a black error bar through the mean; ``from_estimator`` passes the
        selector's intervals (level ``1 - 2 * alpha``).
    interval_level : float or None, default=None
        The level of ``intervals``, for the legend.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure holding ``ax_``.
    boxes_ : dict of matplotlib artists or None
        What ``Axes.boxplot`` returned (``kind="box"``).
    bars_ : matplotlib BarContainer or None
        The bars (``kind="bar"``).
    errorbar_ : matplotlib ErrorbarContainer or None
        The means with their intervals (or, for bars without intervals,
        their standard deviations).
    threshold_line_ : matplotlib Line2D or None
        The threshold, when it is not 0.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skimportance.plotting import PermutationImportanceDisplay
    >>> display = PermutationImportanceDisplay(
    ...     importances=[[0.2, 0.3], [0.0, 0.01]], feature_names=["a", "b"]
    ... ).plot(kind="bar", color="tab:green")
    >>> [t.get_text() for t in display.ax_.get_yticklabels()]
    ['b', 'a']
    """

    def __init__(
        self,
        *,
        importances,
        feature_names,
        kept=None,
        threshold=None,
        scoring=None,
        intervals=None,
        interval_level=None,
    ):
        self.interval_level = interval_level
        self.importances = np.asarray(importances, dtype=float)
        if self.importances.ndim == 1:
            self.importances = self.importances[:, np.newaxis]
        self.feature_names = [str(n) for n in feature_names]
        if len(self.feature_names) != self.importances.shape[0]:
            raise ValueError(
                f"{len(self.feature_names)} feature names for "
                f"{self.importances.shape[0]} features."
            )
        self.kept = None if kept is None else np.asarray(kept, dtype=bool)
        self.threshold = threshold
        self.scoring = scoring
        self.intervals = None if intervals is None else np.asarray(intervals, float)
        if self.intervals is not None and self.intervals.shape != (
            self.importances.shape[0],
            2,
        ):
            raise ValueError(
                f"intervals must have shape ({self.importances.shape[0]}, 2); got "
                f"{self.intervals.shape}."
            )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X=None,
        y=None,
        *,
        scoring=None,
        n_repeats=5,
        random_state=None,
        feature_names=None,
        kind="box",
        top=None,
        ax=None,
        **kwargs,
    ):
        """Plot a fitted selector's importances, or measure a fitted estimator.

        Parameters
        ----------
        estimator : fitted KerasImportanceSelector or fitted estimator
            With ``X=None``: a fitted
            :class:`~skimportance.KerasImportanceSelector`, whose held-out
            importances, selection and intervals are drawn. With ``X`` and
            ``y``: any fitted estimator (or trained ``keras.Model``), measured
            by :func:`~skimportance.permutation_importance` on them.
        X : array-like of shape (n_samples, n_features), default=None
            Held-out data to measure ``estimator`` on; for a model with
            several inputs, a dict by input name or a list of inputs (columns
            named after their DataFrames, or ``input[j]``).
        y : array-like of shape (n_samples,), default=None
            Targets of ``X``.
        scoring, n_repeats, random_state : default=None, 5, None
            For :func:`~skimportance.permutation_importance` (with ``X``).
        feature_names : list of str, default=None
            One per measured feature or group; defaults to
            ``selector.group_names_`` (the feature names without groups), or
            to the columns of a DataFrame ``X``.
        kind : {"box", "bar"}, default="box"
            Box plot of all values, or bars of the mean; either way the mean
            and its confidence interval are drawn in black.
        top : int or None, default=None
            Show only the ``top`` most important features.
        ax : matplotlib Axes, default=None
        **kwargs : dict
            Passed to matplotlib's ``boxplot`` or ``barh``.

        Returns
        -------
        display : PermutationImportanceDisplay
        """
        if X is not None:
            from ._importance.permutation_importance import permutation_importance

            if y is None:
                raise ValueError("from_estimator with X needs y too.")
            result = permutation_importance(
                estimator,
                X,
                y,
                scoring=scoring,
                n_repeats=n_repeats,
                random_state=random_state,
            )
            if feature_names is None and hasattr(X, "columns"):
                feature_names = [str(c) for c in X.columns]
            return cls.from_result(
                result,
                feature_names=feature_names,
                kind=kind,
                top=top,
                ax=ax,
                scoring=scoring if isinstance(scoring, str) else None,
                **kwargs,
            )
        params = _selector_params(estimator)
        if feature_names is not None:
            params["feature_names"] = feature_names
        display = cls(**params)
        return display.plot(ax, kind=kind, top=top, **kwargs)

    @classmethod
    def from_result(
        cls,
        result,
        *,
        feature_names=None,
        kind="box",
        top=None,
        threshold=None,
        ax=None,
        scoring=None,
        **kwargs,
    ):
        """Plot the result of :func:`~skimportance.permutation_importance`.

        Parameters
        ----------
        result : Bunch
            With ``importances`` of shape (n_features, n_repeats).
        feature_names : list of str, default=None
        kind : {"box", "bar"}, default="box"
        top : int or None, default=None
        threshold : float or None, default=None
        ax : matplotlib Axes, default=None
        scoring : str or None, default=None
            The scorer's name, for the axis label.
        **kwargs : dict
            Passed to matplotlib's ``boxplot`` or ``barh``.

        Returns
        -------
        display : PermutationImportanceDisplay
        """
        importances = np.asarray(result["importances"])
        if feature_names is None:  # several inputs: the result names them
            feature_names = result.get("feature_names")
        if feature_names is None:
            feature_names = [f"x{i}" for i in range(importances.shape[0])]
        display = cls(
            importances=importances,
            feature_names=feature_names,
            threshold=threshold,
            scoring=scoring,
        )
        return display.plot(ax, kind=kind, top=top, **kwargs)

    def plot(self, ax=None, *, kind="box", top=None, **kwargs):
        """Draw the importances, best at the top.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure (constrained layout) when None. A
            figure passed in keeps its layout.
        kind : {"box", "bar"}, default="box"
        top : int or None, default=None
            Show only the ``top`` most important features.
        **kwargs : dict
            Passed to matplotlib: ``Axes.boxplot`` (``kind="box"``) or
            ``Axes.barh`` (``kind="bar"``), overriding the defaults here.

        Returns
        -------
        display : PermutationImportanceDisplay
        """
        if kind not in ("box", "bar"):
            raise ValueError(f"kind must be 'box' or 'bar'; got {kind!r}.")
        means = self.importances.mean(axis=1)
        order = np.argsort(-means, kind="stable")
        if top is not None:
            order = order[:top]
        order = order[::-1]  # barh draws bottom-up: best at the top
        if ax is None:
            import matplotlib.pyplot as plt

            height = max(2.5, 0.28 * len(order) + 1.2)
            _, ax = plt.subplots(figsize=(7, height), layout="constrained")
        positions = np.arange(len(order))
        kept = self.kept[order] if self.kept is not None else np.zeros(len(order), bool)
        colors = np.where(kept, "tab:blue", "tab:gray")
        self.bars_ = self.boxes_ = None
        if kind == "bar":
            self.bars_ = ax.barh(positions, means[order], **{"color": colors, **kwargs})
        else:
            self.boxes_ = _boxplot(ax, self.importances[order], positions, kwargs)
            if kwargs.get("patch_artist", True):
                for patch, color in zip(self.boxes_["boxes"], colors):
                    patch.set_facecolor(color)
                    patch.set_alpha(0.7)
        self.errorbar_ = self._draw_intervals(ax, positions, means[order], order, kind)
        self._label(ax, order)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _label(self, ax, order):
        """Tick labels, the zero and threshold lines, legend, axis and title."""
        ax.set_yticks(np.arange(len(order)))
        ax.set_yticklabels([self.feature_names[j] for j in order])
        ax.axvline(0.0, color="black", linewidth=0.8)
        self.threshold_line_ = None
        if self.threshold is not None and self.threshold != 0.0:
            self.threshold_line_ = ax.axvline(
                self.threshold,
                color="tab:red",
                linestyle="--",
                label=f"threshold {self.threshold:.3g}",
            )
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="lower right", fontsize="small")
        label = "drop in score when permuted"
        if self.scoring:
            label = f"drop in {self.scoring} when permuted"
        ax.set_xlabel(label)
        if self.kept is not None:
            ax.set_title(
                f"Permutation importance ({int(self.kept.sum())} of "
                f"{len(self.kept)} features kept, in blue)"
            )
        else:
            ax.set_title("Permutation importance")

    def _draw_intervals(self, ax, positions, means, order, kind):
        """The mean and its confidence interval (or, without intervals, the
        standard deviation of the values for bars) as a black error bar."""
        if self.intervals is not None:
            low, high = self.intervals[order, 0], self.intervals[order, 1]
            xerr = np.vstack([means - low, high - means]).clip(min=0)
            level = self.interval_level
            label = "mean, confidence interval"
            if level is not None:
                label = f"mean, {100 * level:.0f}% confidence interval"
        elif kind == "bar":
            xerr = self.importances[order].std(axis=1)
            label = "mean +- standard deviation"
        else:
            return None
        return ax.errorbar(
            means,
            positions,
            xerr=xerr,
            fmt="o",
            color="black",
            markersize=3,
            capsize=3,
            linewidth=1.2,
            label=label,
            zorder=3,
        )


def _boxplot(ax, values, positions, kwargs):
    """``ax.boxplot`` drawn horizontally, ``kwargs`` over the defaults."""
    import matplotlib

    # matplotlib 3.10 added orientation=, 3.11 deprecates vert=
    horizontal = (
        {"orientation": "horizontal"}
        if matplotlib.__version_info__ >= (3, 10)
        else {"vert": False}
    )
    options = dict(widths=0.6, patch_artist=True, showfliers=True, **horizontal)
    return ax.boxplot(list(values), positions=positions, **{**options, **kwargs})


def _selector_params(selector):
    """The display's parameters from a fitted selector: its importances,
    names, kept features, threshold, scoring and intervals."""
    from sklearn.utils.validation import check_is_fitted

    from ._reporting.table import importance_intervals, interval_level

    check_is_fitted(selector, "feature_importances_")
    values = np.asarray(selector.importances_)
    names = getattr(selector, "group_names_", None)
    kept = selector.group_support_
    intervals = importance_intervals(selector)
    if names is not None and values.shape[0] != len(names):
        # one row of importances_ per feature although there are groups
        names = getattr(selector, "feature_names_in_", None)
        if names is None:
            names = [f"x{i}" for i in range(values.shape[0])]
        kept = selector.get_support()
        ci = getattr(selector, "feature_importances_ci_", None)
        intervals = None if ci is None else np.asarray(ci)
    scoring = getattr(selector, "scoring_", None)
    return dict(
        importances=values,
        feature_names=names,
        kept=kept,
        threshold=selector.threshold_,
        scoring=scoring if isinstance(scoring, str) else None,
        intervals=intervals,
        interval_level=None if intervals is None else interval_level(selector),
    )
