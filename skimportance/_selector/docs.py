"""Parameter and attribute text of the selector's docstring kept apart
(``${cv_test}``, ``${split_results_}``), filled in with the shared text of
:mod:`skimportance._importance.params` by :func:`fill_selector_doc`."""

from .._importance.params import PARAM_DOCS, fill_doc

__all__ = ["SELECTOR_DOCS", "fill_selector_doc"]

SELECTOR_DOCS = {
    "cv_test": """cv_test : {"fold", "row"}, default="fold"
        The row-level test in CV mode (prefit is the same with both; neither
        trains anything extra). Each fold's rows trained the other folds'
        models, so the folds' tests are correlated. ``"fold"``: the folds'
        row-level z-scores summed, their correlation estimated from their
        spread over the quiet inputs (``|z| < 2``) and moderated by a prior of
        0.3 worth 8 degrees of freedom (with few or no quiet inputs, the
        prior decides), with a t reference of the prior's and the pool's
        degrees of freedom; the interval widened by the same correlation.
        Within binomial noise of alpha or below it in every cell of
        ``benchmarks/bench_calibration.py --cv-tests`` and ``--keras-cv``
        (MLPs, gradient boosting, logistic regression; 300 and 2,000 rows;
        cv=3 and 5; largest 6.0% [4.4, 8.2], a Keras MLP at 2,000 rows), with
        the row test's power on a weak input at the 5% level per input, less
        under Benjamini-Hochberg (stricter levels). ``"row"``: the rows'
        influence alone: more power under multiple testing, valid for linear
        models, above alpha for flexible ones (at 2,000 rows MLPClassifier
        10.5%, a Keras MLP 8.8%; gradient boosting 6-8%).""",
    "split_results_": """split_results_ : dict of ndarray
        Per split, one column per measured group (per feature without
        ``feature_groups``): ``"importances"`` (n_splits, n_groups), the
        split's importance (mean over its repeats and its evaluated rows);
        ``"variances"`` (n_splits, n_groups), the row-level variance of that
        mean (summed by cluster with ``groups``; NaN without a row-level
        test); ``"n_rows"`` (n_splits,), the evaluated rows;
        ``"n_effective"`` (n_splits,), Kish's effective number of rows under
        ``sample_weight`` (the clusters with ``groups``; NaN without a
        row-level test). What ``cv_test`` combines.""",
}


def fill_selector_doc(obj):
    """Put the shared and the selector's text into ``obj``'s docstring."""
    return fill_doc(obj, {**PARAM_DOCS, **SELECTOR_DOCS})
