"""The gallery's order: a newcomer's path, from their own trained model to the
finer questions (sphinx-gallery's ``within_subsection_order``)."""

ORDER = [
    "plot_trained_keras_model.py",
    "plot_first_layer_weights.py",
    "plot_eli5_route.py",
    "plot_pipeline_gridsearch.py",
    "plot_calibration.py",
    "plot_correlated_conditional.py",
    "plot_interactions.py",
    "plot_sequences_gru.py",
]


class ExampleOrder:
    """Sort key: the examples of ``ORDER`` first, in its order, then the rest
    by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        if filename in ORDER:
            return (ORDER.index(filename), filename)
        return (len(ORDER), filename)

    def __repr__(self):
        return f"<{self.__class__.__name__}>"
