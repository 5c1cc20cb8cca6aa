"""Plots in scikit-learn's Display style. Needs matplotlib (``pip install
skimportance[plot]``), imported only when a plot is drawn."""

import numpy as np

__all__ = ["PermutationImportanceDisplay"]


class PermutationImportanceDisplay:
    """Ranked permutation importances with their spread, kept features marked.

    Build it with :meth:`from_estimator` (a fitted
    :class:`~skimportance.KerasImportanceSelector`) or :meth:`from_result` (the
    ``Bunch`` of :func:`~skimportance.permutation_importance`), then call
    :meth:`plot`; both classmethods plot at once.

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
    figure_ : matplotlib Figure
    """

    def __init__(
        self,
        importances,
        feature_names,
        *,
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
        cls, selector, *, feature_names=None, kind="box", top=None, ax=None
    ):
        """Plot a fitted :class:`~skimportance.KerasImportanceSelector`.

        Parameters
        ----------
        selector : fitted KerasImportanceSelector
        feature_names : list of str, default=None
            One per measured feature or group; defaults to
            ``selector.group_names_`` (the feature names without groups).
        kind : {"box", "bar"}, default="box"
            Box plot of all values, or bars of the mean; either way the mean
            and its confidence interval are drawn in black.
        top : int or None, default=None
            Show only the ``top`` most important features.
        ax : matplotlib Axes, default=None

        Returns
        -------
        display : PermutationImportanceDisplay
        """
        from sklearn.utils.validation import check_is_fitted

        from ._report import importance_intervals, interval_level

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
        if feature_names is None:
            feature_names = names
        scoring = getattr(selector, "scoring_", None)
        display = cls(
            values,
            feature_names,
            kept=kept,
            threshold=selector.threshold_,
            scoring=scoring if isinstance(scoring, str) else None,
            intervals=intervals,
            interval_level=None if intervals is None else interval_level(selector),
        )
        return display.plot(kind=kind, top=top, ax=ax)

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

        Returns
        -------
        display : PermutationImportanceDisplay
        """
        importances = np.asarray(result["importances"])
        if feature_names is None:
            feature_names = [f"x{i}" for i in range(importances.shape[0])]
        display = cls(importances, feature_names, threshold=threshold)
        return display.plot(kind=kind, top=top, ax=ax)

    def plot(self, *, kind="box", top=None, ax=None):
        """Draw the importances, best at the top.

        Parameters
        ----------
        kind : {"box", "bar"}, default="box"
        top : int or None, default=None
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        display : PermutationImportanceDisplay
        """
        import matplotlib.pyplot as plt

        if kind not in ("box", "bar"):
            raise ValueError(f"kind must be 'box' or 'bar'; got {kind!r}.")
        means = self.importances.mean(axis=1)
        order = np.argsort(-means, kind="stable")
        if top is not None:
            order = order[:top]
        order = order[::-1]  # barh draws bottom-up: best at the top
        if ax is None:
            height = max(2.5, 0.28 * len(order) + 1.2)
            _, ax = plt.subplots(figsize=(7, height))
        positions = np.arange(len(order))
        kept = self.kept[order] if self.kept is not None else np.zeros(len(order), bool)
        colors = np.where(kept, "tab:blue", "tab:gray")
        if kind == "bar":
            ax.barh(positions, means[order], color=colors)
        else:
            import matplotlib

            version = tuple(int(v) for v in matplotlib.__version__.split(".")[:2])
            # matplotlib 3.10 added orientation=, 3.11 deprecates vert=
            horizontal = (
                {"orientation": "horizontal"} if version >= (3, 10) else {"vert": False}
            )
            boxes = ax.boxplot(
                list(self.importances[order]),
                positions=positions,
                widths=0.6,
                patch_artist=True,
                showfliers=True,
                **horizontal,
            )
            for patch, color in zip(boxes["boxes"], colors):
                patch.set_facecolor(color)
                patch.set_alpha(0.7)
        self._draw_intervals(ax, positions, means[order], order, kind)
        ax.set_yticks(positions)
        ax.set_yticklabels([self.feature_names[j] for j in order])
        ax.axvline(0.0, color="black", linewidth=0.8)
        if self.threshold is not None and self.threshold != 0.0:
            ax.axvline(
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
        ax.figure.tight_layout()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

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
            return
        self.errorbar_ = ax.errorbar(
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
