"""``format_as_all(explanation, estimator)``, the helper eli5's tests import
from their package's ``utils`` (copied beside the test file as ``utils.py``):
the explanation as a dict (JSON-encodable), as text and as HTML."""

import json

from eli5.formatters import format_as_dict, format_as_html, format_as_text


def format_as_all(res, clf, **kwargs):
    json.dumps(format_as_dict(res))
    return format_as_text(res, **kwargs), format_as_html(res, **kwargs)
