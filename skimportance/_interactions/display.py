"""``InteractionDisplay``: importance on the diagonal, interaction off it, as
R's ``vivid`` draws it; significant pairs marked. Needs matplotlib."""

import numpy as np

__all__ = ["InteractionDisplay"]


class InteractionDisplay:
    """Heatmap of single importances (diagonal) and shared importances of
    pairs (off the diagonal), significant pairs marked.

    As scikit-learn's Displays: build it with :meth:`from_estimator` (a fitted
    estimator and held-out ``X, y``: it calls
    :func:`~skimportance.interaction_importance`) or :meth:`from_result` (the
    ``Bunch`` that function returns), which plot at once; or create it with
    keywords and call :meth:`plot`.

    Parameters
    ----------
    importances : ndarray of shape (n_inputs,)
        Single importances, drawn on the diagonal.
    interactions : ndarray of shape (n_inputs, n_inputs)
        Shared importance of each pair (NaN: not measured).
    feature_names : list of str
    pvalues : ndarray of shape (n_inputs, n_inputs) or None, default=None
        Adjusted p-values: pairs below ``alpha`` are marked with a star.
    alpha : float, default=0.05

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    image_ : matplotlib AxesImage
        The heatmap of the interactions.
    diagonal_ : list of matplotlib Text
        The single importances, written on the diagonal.
    marks_ : list of matplotlib Text
        The stars of the significant pairs.
    colorbar_ : matplotlib Colorbar

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skimportance.plotting import InteractionDisplay
    >>> display = InteractionDisplay(
    ...     importances=np.array([0.4, 0.3, 0.0]),
    ...     interactions=np.array([[np.nan, 0.2, 0.0], [0.2, np.nan, 0.0],
    ...                            [0.0, 0.0, np.nan]]),
    ...     feature_names=["a", "b", "c"],
    ...     pvalues=np.array([[np.nan, 0.001, 0.9], [0.001, np.nan, 0.8],
    ...                       [0.9, 0.8, np.nan]]),
    ... ).plot()
    >>> len(display.marks_)
    2
    """

    def __init__(
        self, *, importances, interactions, feature_names, pvalues=None, alpha=0.05
    ):
        self.importances = importances
        self.interactions = interactions
        self.feature_names = feature_names
        self.pvalues = pvalues
        self.alpha = alpha

    @classmethod
    def from_result(cls, result, *, alpha=0.05, ax=None, **kwargs):
        """Plot the ``Bunch`` of :func:`~skimportance.interaction_importance`.

        Parameters
        ----------
        result : Bunch
        alpha : float, default=0.05
            Pairs whose adjusted p-value is below it are marked.
        ax : matplotlib Axes or None, default=None
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : InteractionDisplay
        """
        display = cls(
            importances=result.importances_mean,
            interactions=result.interactions_mean,
            feature_names=result.feature_names,
            pvalues=result.pvalues_adjusted,
            alpha=alpha,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, alpha=0.05, ax=None, plot_kwargs=None, **kwargs
    ):
        """Measure a fitted estimator on held-out ``X, y`` and plot.

        Parameters
        ----------
        estimator : fitted estimator or keras.Model
        X, y : held-out data
        alpha : float, default=0.05
        ax : matplotlib Axes or None, default=None
        plot_kwargs : dict or None, default=None
            Passed to :meth:`plot`.
        **kwargs : dict
            Passed to :func:`~skimportance.interaction_importance`.

        Returns
        -------
        display : InteractionDisplay
        """
        from .importance import interaction_importance

        result = interaction_importance(estimator, X, y, **kwargs)
        return cls.from_result(result, alpha=alpha, ax=ax, **(plot_kwargs or {}))

    def plot(self, ax=None, *, cmap="RdBu_r", **kwargs):
        """Draw the heatmap.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw (None: a new figure).
        cmap : str, default="RdBu_r"
            Colours of the interactions, centred on zero.
        **kwargs : dict
            Passed to ``Axes.imshow``.

        Returns
        -------
        self : InteractionDisplay
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        M = np.array(self.interactions, dtype=float)
        n = len(self.feature_names)
        off = M[~np.eye(n, dtype=bool)]
        bound = np.nanmax(np.abs(off)) if np.isfinite(off).any() else 1.0
        bound = bound if bound > 0 else 1.0
        kwargs = {"vmin": -bound, "vmax": bound, **kwargs}
        self.image_ = ax.imshow(
            np.where(np.eye(n, dtype=bool), np.nan, M), cmap=cmap, **kwargs
        )
        self.colorbar_ = ax.figure.colorbar(self.image_, ax=ax)
        self.colorbar_.set_label("shared importance (interaction)")
        self.diagonal_ = [
            ax.text(i, i, f"{v:.2g}", ha="center", va="center", fontweight="bold")
            for i, v in enumerate(np.asarray(self.importances, dtype=float))
        ]
        self.marks_ = []
        if self.pvalues is not None:
            P = np.asarray(self.pvalues, dtype=float)
            for i, j in zip(*np.nonzero(np.nan_to_num(P, nan=1.0) < self.alpha)):
                if i != j:
                    self.marks_.append(ax.text(j, i, "*", ha="center", va="center"))
        ax.set_xticks(range(n), self.feature_names, rotation=45, ha="right")
        ax.set_yticks(range(n), self.feature_names)
        ax.set_title("importance (diagonal) and interactions; * significant")
        self.ax_, self.figure_ = ax, ax.figure
        return self
