"""``skimportance.eli5``: registered explicitly (no import hook), eli5's
functions show the selector's importances, and its +/- column is labelled."""

import subprocess
import sys

import numpy as np
import pytest

from skimportance import KerasImportanceSelector


def test_eli5_functions_show_the_selectors_importances(fitted_selector):
    import eli5

    import skimportance.eli5  # noqa: F401 - registers the selector

    explanation = eli5.explain_weights(fitted_selector)
    frame = eli5.format_as_dataframe(explanation)
    by_name = dict(zip(frame["feature"], frame["weight"]))
    for name, value in zip(
        fitted_selector.feature_names_in_, fitted_selector.feature_importances_
    ):
        assert by_name[name] == pytest.approx(value)
    stds = dict(zip(frame["feature"], frame["std"]))
    assert stds["a"] == pytest.approx(fitted_selector.feature_importances_std_[0])
    assert "held-out drop in score" in explanation.description
    html = eli5.show_weights(fitted_selector, feature_names=list("VWXYZ")).data
    top = f"{fitted_selector.feature_importances_.max():.4f}"
    assert (
        top in html and "VWXYZ"[fitted_selector.feature_importances_.argmax()] in html
    )


def test_eli5_label_says_what_the_column_is(fitted_selector):
    import eli5

    import skimportance.eli5  # noqa: F401 - registers the selector

    explanation = eli5.explain_weights(fitted_selector)
    assert "2 x the standard deviation" in explanation.description
    text = eli5.format_as_text(explanation)
    j = int(np.argmax(fitted_selector.feature_importances_))
    expected = f"{fitted_selector.feature_importances_[j]:.4f} ± "
    expected += f"{2 * fitted_selector.feature_importances_std_[j]:.4f}"
    assert expected in text


def test_import_installs_no_hook_and_eli5_registers_explicitly():
    code = (
        "import sys, skimportance\n"
        "assert 'eli5' not in sys.modules\n"
        "assert not any('skimportance' in type(f).__module__ for f in sys.meta_path)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    import skimportance.eli5 as support

    assert support.register() is support.register()  # once only


def test_eli5_explains_a_selector_prefit_on_a_raw_keras_regressor(models):
    model, X, y, _ = models["regressor"]
    selector = KerasImportanceSelector(
        model, cv="prefit", n_repeats=2, random_state=0
    ).fit(X, y)
    eli5 = pytest.importorskip("eli5")
    pytest.importorskip("skimportance.eli5")  # registers the selector
    text = eli5.format_as_text(eli5.explain_weights(selector))
    assert "x0" in text


@pytest.mark.parametrize("structure", ["dict", "list"])
def test_eli5_explains_a_selector_on_a_two_input_model(two_input_model, structure):
    """Names of every input's columns (the DataFrame's, ``other[j]`` for the
    array), the selector's numbers, the unused columns at the bottom."""
    eli5 = pytest.importorskip("eli5")
    import skimportance.eli5  # noqa: F401 - registers the selector

    model, num, other, y = two_input_model
    X = {"num": num, "other": other} if structure == "dict" else [num, other]
    selector = KerasImportanceSelector(
        model, cv="prefit", n_repeats=4, random_state=0
    ).fit(X, y)
    frame = eli5.format_as_dataframe(eli5.explain_weights(selector))
    assert len(frame) == 5
    assert sorted(frame["feature"]) == sorted(
        ["age", "income", "noise1", "other[0]", "other[1]"]
    )
    by_name = dict(zip(frame["feature"], frame["weight"]))
    for name, value in zip(selector.feature_names_in_, selector.feature_importances_):
        assert by_name[name] == pytest.approx(value)
    assert set(frame["feature"][-2:]) == {"noise1", "other[1]"}  # ranked last
