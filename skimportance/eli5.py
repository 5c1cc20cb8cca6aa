"""eli5 display: ``eli5.explain_weights(selector)`` and friends.

eli5 takes seconds to import, so it is never imported here. When skimportance
is imported, the selector is registered with eli5 at once if eli5 is already
imported, and otherwise right after eli5 finishes importing (a one-shot
post-import hook on ``sys.meta_path``).
"""

import importlib.abc
import importlib.util
import sys

_TARGET = "eli5.sklearn.explain_weights"

DESCRIPTION = """
skimportance: feature importances are the held-out drop in score when a
feature is permuted (KerasImportanceSelector, averaged over CV splits and
repeats). The +/- column is eli5's: 2 x the standard deviation of the measured
importances over splits and repeats, their spread (the "std" of
format_as_dataframe is the standard deviation itself); it is not a confidence
interval of the mean (see feature_importances_ci_ and pvalues_). Features whose
permutation improves the score have negative importance and are not kept.
""".lstrip()


def register():
    """Register :class:`KerasImportanceSelector` with ``eli5.explain_weights``."""
    from eli5.sklearn.explain_weights import (
        get_feature_importance_explanation,
    )
    from eli5.sklearn.explain_weights import register as eli5_register

    from ._estimators import estimator_type
    from ._selector import KerasImportanceSelector

    @eli5_register(KerasImportanceSelector)
    def explain_selector(
        estimator,
        vec=None,
        top=20,
        target_names=None,
        targets=None,
        feature_names=None,
        feature_re=None,
        feature_filter=None,
    ):
        if feature_names is None and vec is None:
            feature_names = getattr(estimator, "feature_names_in_", None)
            if feature_names is not None:
                feature_names = list(feature_names)
        return get_feature_importance_explanation(
            estimator,
            vec,
            estimator.feature_importances_,
            coef_std=estimator.feature_importances_std_,
            feature_names=feature_names,
            feature_filter=feature_filter,
            feature_re=feature_re,
            top=top,
            description=DESCRIPTION,
            is_regression=estimator_type(estimator.estimator) == "regressor",
        )

    return explain_selector


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs :func:`register` once ``eli5.sklearn.explain_weights`` is loaded."""

    def find_spec(self, name, path, target=None):
        if name != _TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module

        def exec_and_register(module):
            exec_module(module)
            register()

        loader.exec_module = exec_and_register
        return spec


def install():
    """Register now if eli5 is loaded, else when it is."""
    if _TARGET in sys.modules:
        register()
    elif not any(isinstance(f, _AfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport())
