"""Fast paths: exact shortcuts around stacking permuted copies.

* ``registry``: the ordered candidates, each saying why it does not apply.
* ``first_layer_graph``: a Keras graph read up to its first Dense layers (one
  input, or several inputs each reaching a Dense layer).
* ``first_layer``: exact first-layer updates for Dense-first networks.
* ``pipeline_prefix``: a Pipeline's per-column transformers applied once, then
  first-layer updates.
"""
