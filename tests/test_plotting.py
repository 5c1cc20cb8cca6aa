"""PermutationImportanceDisplay in scikit-learn's Display style: built from
importances, a fitted estimator and X, y, a fitted selector (its intervals
drawn), or a result of permutation_importance."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance._reporting.table import importance_intervals

from .conftest import N_FEATURES

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skimportance.plotting import PermutationImportanceDisplay  # noqa: E402

IMPORTANCES = [[0.3, 0.5], [0.0, 0.02], [0.1, 0.2]]


def test_init_is_keyword_only():
    with pytest.raises(TypeError):
        PermutationImportanceDisplay(IMPORTANCES, ["a", "b", "c"])
    with pytest.raises(ValueError, match="feature names"):
        PermutationImportanceDisplay(importances=IMPORTANCES, feature_names=["a"])


def test_plot_passes_kwargs_stores_artists_and_keeps_the_users_layout():
    fig, ax = plt.subplots()
    before = (fig.get_layout_engine(), fig.subplotpars.left, fig.subplotpars.bottom)
    display = PermutationImportanceDisplay(
        importances=IMPORTANCES, feature_names=["a", "b", "c"], threshold=0.05
    ).plot(ax, kind="bar", color="tab:green", height=0.5)
    assert display.ax_ is ax and display.figure_ is fig
    assert len(display.bars_.patches) == 3 and display.boxes_ is None
    green = matplotlib.colors.to_rgba("tab:green")
    assert all(p.get_facecolor() == green for p in display.bars_.patches)
    assert display.bars_.patches[0].get_height() == pytest.approx(0.5)
    assert display.threshold_line_.get_xdata()[0] == pytest.approx(0.05)
    assert display.errorbar_ is not None  # bars: mean +- standard deviation
    after = (fig.get_layout_engine(), fig.subplotpars.left, fig.subplotpars.bottom)
    assert after == before  # no tight_layout on a figure the caller owns
    boxes = display.plot(plt.subplots()[1], kind="box", whis=(0, 100))
    assert len(boxes.boxes_["boxes"]) == 3 and boxes.bars_ is None
    plt.close("all")


def test_from_estimator_measures_a_fitted_estimator_on_X_y():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 2] > 0).astype(int)
    clf = LogisticRegression().fit(X, y)
    display = PermutationImportanceDisplay.from_estimator(
        clf, X, y, scoring="neg_log_loss", n_repeats=3, random_state=0
    )
    labels = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert labels[-1] == "x2"  # the feature y depends on, at the top
    assert display.importances.shape == (3, 3)
    assert "neg_log_loss" in display.ax_.get_xlabel()
    with pytest.raises(ValueError, match="needs y"):
        PermutationImportanceDisplay.from_estimator(clf, X)
    plt.close("all")


def test_display_draws_on_given_axis(fitted_selector):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skimportance.plotting import PermutationImportanceDisplay

    fig, ax = plt.subplots()
    display = PermutationImportanceDisplay.from_estimator(fitted_selector, ax=ax)
    assert display.ax_ is ax and display.figure_ is fig
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-2:] == ["b", "a"] or labels[-2:] == ["a", "b"]  # best at top
    assert "neg_log_loss" in ax.get_xlabel()
    bar = PermutationImportanceDisplay.from_estimator(
        fitted_selector, kind="bar", top=3, ax=plt.subplots()[1]
    )
    assert len(bar.ax_.patches) == 3
    X_new = pd.DataFrame(
        np.random.RandomState(1).normal(size=(50, 5)), columns=list("abcde")
    )
    result = permutation_importance(
        fitted_selector.estimator_, X_new, np.arange(50) % 2, random_state=0
    )
    d = PermutationImportanceDisplay.from_result(
        result, feature_names=list("vwxyz"), threshold=0.01
    )
    assert {t.get_text() for t in d.ax_.get_yticklabels()} == set("vwxyz")
    with pytest.raises(ValueError, match="kind"):
        display.plot(kind="pie")
    plt.close("all")


def test_plot_draws_the_intervals(fitted_selector):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skimportance.plotting import PermutationImportanceDisplay

    ci = importance_intervals(fitted_selector)
    for kind in ("box", "bar"):
        display = PermutationImportanceDisplay.from_estimator(
            fitted_selector, kind=kind, ax=plt.subplots()[1]
        )
        _, caplines, (bars,) = display.errorbar_
        # one horizontal segment per feature, from the lower to the upper bound
        spans = sorted(tuple(np.round(seg[:, 0], 9)) for seg in bars.get_segments())
        assert spans == sorted(tuple(np.round(row, 9)) for row in ci)
        labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
        assert "mean, 90% confidence interval" in labels  # alpha=0.05
    plt.close("all")


def test_from_estimator_on_a_selector_prefit_on_a_raw_keras_regressor(models):
    model, X, y, _ = models["regressor"]
    selector = KerasImportanceSelector(
        model, cv="prefit", n_repeats=2, random_state=0
    ).fit(X, y)
    display = PermutationImportanceDisplay.from_estimator(selector)
    assert len(display.ax_.get_yticklabels()) == N_FEATURES


USED, UNUSED = ["age", "income", "other[0]"], ["noise1", "other[1]"]


def _labels(display):
    return [t.get_text() for t in display.ax_.get_yticklabels()]


@pytest.mark.parametrize("structure", ["dict", "list"])
def test_from_estimator_on_a_two_input_model(two_input_model, structure):
    """X a dict or a list of inputs: one row per column of every input, named
    after the DataFrame's columns or ``input[j]``; unused columns below."""
    model, num, other, y = two_input_model
    X = {"num": num, "other": other} if structure == "dict" else [num, other]
    display = PermutationImportanceDisplay.from_estimator(
        model, X, y, n_repeats=4, random_state=0, kind="bar"
    )
    assert display.importances.shape == (5, 4)
    assert display.feature_names == ["age", "income", "noise1", "other[0]", "other[1]"]
    labels = _labels(display)  # best at the top: the last tick
    assert sorted(labels) == sorted(USED + UNUSED)
    assert set(labels[:2]) == set(UNUSED)
    means = dict(zip(display.feature_names, display.importances.mean(axis=1)))
    assert min(means[n] for n in USED) > max(means[n] for n in UNUSED)
    plt.close("all")


def test_from_estimator_on_a_selector_prefit_on_two_inputs(two_input_model):
    model, num, other, y = two_input_model
    selector = KerasImportanceSelector(
        model, cv="prefit", n_repeats=4, random_state=0
    ).fit({"num": num, "other": other}, y)
    display = PermutationImportanceDisplay.from_estimator(selector)
    assert display.feature_names == list(selector.feature_names_in_)
    assert display.importances.shape == (5, 4)
    np.testing.assert_array_equal(display.kept, selector.get_support())
    assert all(dict(zip(display.feature_names, display.kept))[n] for n in USED)
    assert set(_labels(display)[:2]) == set(UNUSED)
    plt.close("all")
