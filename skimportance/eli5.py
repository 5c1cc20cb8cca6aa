"""eli5 support: ``eli5.explain_weights(selector)``, ``eli5.show_weights``...

Registration is explicit. ``import skimportance.eli5`` (or calling
:func:`register`) imports eli5 and registers
:class:`~skimportance.KerasImportanceSelector` with
``eli5.explain_weights``::

    import eli5
    import skimportance.eli5  # registers the selector with eli5

    eli5.show_weights(selector)

``import skimportance`` never imports eli5 (it takes seconds) and installs no
import hooks; it registers the selector only when eli5 is already imported.
"""

__all__ = ["DESCRIPTION", "register"]

_REGISTERED = []

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
    """Register :class:`KerasImportanceSelector` with ``eli5.explain_weights``.

    Imports eli5; calling it again does nothing.

    Returns
    -------
    explain : callable
        The function eli5 now calls for a selector.
    """
    if _REGISTERED:
        return _REGISTERED[0]
    from eli5.sklearn.explain_weights import (
        get_feature_importance_explanation,
    )
    from eli5.sklearn.explain_weights import register as eli5_register

    from ._keras.fitted_model import as_fitted_estimator
    from ._selector.estimator import KerasImportanceSelector
    from ._utils.estimators import estimator_type

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
            is_regression=estimator_type(as_fitted_estimator(estimator.estimator))
            == "regressor",
        )

    _REGISTERED.append(explain_selector)
    return explain_selector


register()  # importing this module is the explicit registration
