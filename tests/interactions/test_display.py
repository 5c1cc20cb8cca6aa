"""``InteractionDisplay``: the heatmap of importance and interaction."""

import numpy as np
import pytest

from skimportance.plotting import InteractionDisplay


def test_from_estimator_marks_the_true_pair():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.ensemble import HistGradientBoostingRegressor

    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(500, 3))
    y = 2 * X[:, 0] * X[:, 1] + X[:, 2] + 0.1 * rng.normal(size=500)
    model = HistGradientBoostingRegressor(max_iter=60, random_state=0).fit(X, y)
    fig, ax = plt.subplots()
    display = InteractionDisplay.from_estimator(
        model, X, y, ax=ax, n_repeats=2, random_state=0
    )
    assert display.ax_ is ax and display.figure_ is fig
    marked = {
        (int(t.get_position()[1]), int(t.get_position()[0])) for t in display.marks_
    }
    assert marked == {(0, 1), (1, 0)}
    assert len(display.diagonal_) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x0", "x1", "x2"]
    drawn = display.image_.get_array()  # the diagonal is written, not coloured
    assert np.ma.getmaskarray(drawn)[0, 0]
    plt.close(fig)
