"""Which inputs work together: interaction importance with a valid test.

* ``importance``: ``interaction_importance`` (what two inputs share, from the
  permutation engine, with the row-level test per pair).
* ``friedman``: Friedman and Popescu's H statistic, for comparison.
* ``display``: ``InteractionDisplay``, the heatmap of importance and
  interaction.
"""
