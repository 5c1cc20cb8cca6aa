"""What is shown to people.

* ``table``: the ranked importance table, its text, CSV and JSON, the reasons.
* ``demo``: the built-in example (a Keras network on breast cancer data).
"""
