"""Where the selector's ``fit`` metadata goes: the estimator's ``fit``, the
scorer and the CV splitter, with and without metadata routing (as in
:class:`~sklearn.feature_selection.RFECV`)."""

from sklearn import get_config
from sklearn.metrics import get_scorer
from sklearn.model_selection import check_cv
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)

from .fit_params import scorer_weight_key

__all__ = ["route_fit_params", "selector_router"]


def _is_prefit(cv):
    return isinstance(cv, str) and cv == "prefit"


def selector_router(selector):
    """The :class:`~sklearn.utils.metadata_routing.MetadataRouter` of a
    selector: ``groups`` to the splitter's ``split``, other metadata to the
    estimator's ``fit`` and to a scorer that requests it."""
    router = MetadataRouter(owner=selector).add(
        estimator=selector.estimator,
        method_mapping=MethodMapping().add(caller="fit", callee="fit"),
    )
    if not _is_prefit(selector.cv):
        router.add(
            splitter=check_cv(selector.cv),
            method_mapping=MethodMapping().add(caller="fit", callee="split"),
        )
    scoring = selector.scoring
    scorer = scoring if callable(scoring) else None
    if scorer is None and isinstance(scoring, str):
        scorer = get_scorer(scoring)
    if scorer is not None and hasattr(scorer, "get_metadata_routing"):
        router.add(
            scorer=scorer,
            method_mapping=MethodMapping().add(caller="fit", callee="score"),
        )
    return router


def route_fit_params(selector, fit_params, groups=None):
    """(estimator fit params, scorer params, splitter params) for this call.

    Without metadata routing, ``groups`` go to ``cv.split`` and everything
    else to the estimator's ``fit``; ``sample_weight`` (or, for a Pipeline,
    the final step's ``<step>__sample_weight``) also weights the scorer.
    With routing, each goes where it is requested; the default scorer
    (``scoring=None``) is weighted by ``sample_weight`` whenever it is
    passed, as without routing.
    """
    prefit = _is_prefit(selector.cv)
    if groups is not None and prefit:
        raise ValueError(
            "groups are used to split X for cross-validation; cv='prefit' "
            "makes no splits. Pass a group splitter such as cv=GroupKFold(5)."
        )
    if get_config()["enable_metadata_routing"]:
        if groups is not None:
            fit_params = {**fit_params, "groups": groups}
        routed = process_routing(selector, "fit", **fit_params)
        # .get, not "in": without metadata, sklearn returns a stand-in on
        # which "in" never ends
        scorer, splitter = routed.get("scorer"), routed.get("splitter")
        score_params = {} if scorer is None else dict(scorer.score)
        if selector.scoring is None and fit_params.get("sample_weight") is not None:
            score_params["sample_weight"] = fit_params["sample_weight"]
        split_params = {} if splitter is None else dict(splitter.split)
        return dict(routed.estimator.fit), score_params, split_params
    weight_key = scorer_weight_key(selector.estimator, fit_params, trains=not prefit)
    score_params = {}
    if fit_params.get(weight_key) is not None:
        score_params["sample_weight"] = fit_params[weight_key]
    split_params = {} if groups is None else {"groups": groups}
    return dict(fit_params), score_params, split_params
