"""Which ``fit`` parameter weights the scorer, and a clear error for a Pipeline.

scikit-learn's ``Pipeline.fit`` takes no ``sample_weight``: without metadata
routing, a step's weights are passed as ``<step>__sample_weight``. The selector
follows that rule, and scores with the weights the predicting (final) step
trains with, so that a weighted fit is also measured with weights.
"""

__all__ = ["scorer_weight_key"]


def _is_pipeline(estimator):
    from sklearn.pipeline import Pipeline

    return isinstance(estimator, Pipeline)


def final_step_prefix(estimator):
    """``"a__b__"`` for the final step ``b`` of a Pipeline whose final step
    ``a`` is a Pipeline; ``""`` for an estimator that is not a Pipeline."""
    prefix = ""
    while _is_pipeline(estimator):
        name, estimator = estimator.steps[-1]
        prefix += f"{name}__"
    return prefix


def scorer_weight_key(estimator, fit_params, *, trains=True):
    """The ``fit_params`` key whose weights also weight the scorer.

    ``"sample_weight"`` for an estimator, ``"<final step>__sample_weight"``
    for a Pipeline. A Pipeline that is trained (``trains``) and given
    ``sample_weight`` raises a ValueError saying how to pass the weights.
    """
    prefix = final_step_prefix(estimator)
    if not prefix:
        return "sample_weight"
    key = f"{prefix}sample_weight"
    if trains and "sample_weight" in fit_params:
        final = estimator
        while _is_pipeline(final):
            final = final.steps[-1][1]
        raise ValueError(
            f"{type(estimator).__name__}.fit does not accept sample_weight. Pass "
            f"{key}=sample_weight to weight the training of its final step "
            f"({type(final).__name__}); the scorer is then weighted too. Or enable "
            "metadata routing (sklearn.set_config(enable_metadata_routing=True)) "
            "and request the weights from the steps that take them, e.g. "
            f"{type(final).__name__}().set_fit_request(sample_weight=True)."
        )
    if "sample_weight" in fit_params:  # prefit: nothing trains, only scoring
        return "sample_weight"
    return key
