"""The sampler contract (``_methods.base``): every sampler shipped passes
:func:`skimportance.estimator_checks.check_sampler`."""

import pytest
from sklearn.linear_model import LogisticRegression, Ridge

from skimportance import ConditionalSampler, PermutationSampler
from skimportance.estimator_checks import check_sampler


@pytest.mark.parametrize(
    "sampler",
    [
        PermutationSampler(),
        ConditionalSampler(),
        ConditionalSampler(continuous=Ridge(), categorical=LogisticRegression()),
        ConditionalSampler(feature_types="continuous"),
    ],
    ids=["permutation", "conditional", "user_models", "all_continuous"],
)
def test_samplers_pass_check_sampler(sampler):
    check_sampler(sampler)
