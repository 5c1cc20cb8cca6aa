"""scikit-learn's estimator checks on the selector."""

from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from skimportance import KerasImportanceSelector


def _expected_failed_checks(estimator):
    # every check passes; a check expected to fail is listed here with its reason
    return {}


@parametrize_with_checks(
    [
        KerasImportanceSelector(
            LogisticRegression(),
            cv=3,
            n_repeats=2,
            threshold="median",
            random_state=0,
        ),
        KerasImportanceSelector(Ridge(), cv=3, n_repeats=2, random_state=0),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
