"""Preprocessing layers in the training copies of :func:`make_trainable`.

``keras.models.clone_model`` rebuilds a network from its configuration: an
adapted ``Normalization`` comes back with mean 0 and variance 1, an adapted
``StringLookup``/``IntegerLookup`` with no vocabulary, and a trained copy
then learns on inputs that the original never saw. :func:`readapt` gives each
copy's adaptable layers their state back:

* a layer that learns its state from data (``Normalization`` without a given
  ``mean``, a lookup without a given ``vocabulary``, ``Discretization`` with
  ``num_bins``, any other layer with ``adapt``) is **re-adapted on the copy's
  training rows** (each cross-validation split's own: no statistic of a
  held-out row reaches the network measured on it);
* where that is impossible (a layer fed by layers with trained weights, or an
  ``adapt`` that fails on these rows) it **keeps the original's state**;
* a state given in the constructor is in the configuration, and the copy has
  it already. So is an adapted lookup's vocabulary (Keras 3 writes it into
  ``get_config``), and a lookup given a vocabulary cannot re-adapt: a
  ``StringLookup``/``IntegerLookup`` copy keeps the original's vocabulary
  (which categories exist, possibly learnt from all rows; no statistic).

A ``Normalization`` given its state by ``set_weights`` keeps normalising with
its old mean and variance until ``finalize_state`` (which Keras calls after
loading weights): :func:`finalize_states` does that for a copy.
"""

import numpy as np

__all__ = ["adaptable_layers", "finalize_states", "readapt"]


def _learns_state(layer):
    """Whether ``layer`` takes its state from ``adapt`` (not the constructor)."""
    import keras

    if not hasattr(layer, "adapt"):
        return False
    if isinstance(layer, keras.layers.Normalization):
        return getattr(layer, "input_mean", None) is None
    if isinstance(layer, (keras.layers.StringLookup, keras.layers.IntegerLookup)):
        return getattr(layer, "input_vocabulary", None) is None
    if isinstance(layer, keras.layers.Discretization):
        return getattr(layer, "num_bins", None) is not None
    return True


def adaptable_layers(model):
    """Positions in ``model.layers`` of the layers whose state comes from
    ``adapt``."""
    return [i for i, layer in enumerate(model.layers) if _learns_state(layer)]


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _all_layers(layer)


def finalize_states(model):
    """Each adapted ``Normalization`` of ``model`` (a layer, or a model and
    the models nested in it) takes
    its mean and variance from its variables, as Keras does after loading
    weights: ``set_weights`` alone leaves it normalising with the mean and
    variance it had before (0 and 1 on a ``clone_model``)."""
    import keras

    for layer in [model, *_all_layers(model)]:
        if isinstance(layer, keras.layers.Normalization) and layer.built:
            layer.finalize_state()
    return model


def _keep_state(copy_layer, original_layer):
    """The original's state on the copy's layer."""
    if hasattr(original_layer, "get_vocabulary") and hasattr(
        copy_layer, "set_vocabulary"
    ):
        vocabulary = original_layer.get_vocabulary(include_special_tokens=False)
        copy_layer.set_vocabulary(vocabulary)
        return
    copy_layer.set_weights(original_layer.get_weights())
    finalize_states(copy_layer)


def _layer_input(copy, position, X):
    """What the copy's layer at ``position`` receives for the rows X, or None
    when layers with trained weights come before it."""
    import keras

    before = copy.layers[:position]
    if any(layer.trainable_weights for layer in before):
        return None
    if isinstance(X, (dict, list, tuple)):  # several inputs: the one it takes
        return _input_part(copy, copy.layers[position].input, X)
    if all(isinstance(layer, keras.layers.InputLayer) for layer in before):
        return X
    sub = keras.Model(copy.inputs, copy.layers[position].input)
    return np.asarray(sub.predict(X, verbose=0))


def _input_part(copy, tensor, X):
    """The part of X (a dict or list of inputs) that feeds the model input
    ``tensor``, or None when ``tensor`` is not one of the copy's inputs."""
    positions = [i for i, t in enumerate(copy.inputs) if t is tensor]
    if not positions:
        return None
    structure = copy.input
    if isinstance(X, dict):
        if not isinstance(structure, dict):
            return None
        keys = [k for k, t in structure.items() if t is tensor]
        return X.get(keys[0]) if keys else None
    return X[positions[0]] if len(X) == len(copy.inputs) else None


def readapt(copy, original, X):
    """Re-adapt ``copy``'s adaptable layers on the training rows ``X`` (or
    keep ``original``'s state where impossible); ``original`` is unchanged.

    Parameters
    ----------
    copy : keras.Model
        A ``clone_model`` of ``original``, not trained yet.
    original : keras.Model
    X : ndarray of shape (n_samples, ...), or dict or list of arrays
        The copy's training rows, as the network takes them (several
        inputs: a layer on one input is re-adapted on that input's rows).

    Returns
    -------
    copy : keras.Model
    """
    if len(copy.layers) != len(original.layers):
        return copy
    for i in adaptable_layers(original):
        layer, source = copy.layers[i], original.layers[i]
        data = _layer_input(copy, i, X)
        try:
            if data is None:
                raise ValueError("trained layers come first")
            layer.adapt(data)
        except Exception:  # noqa: BLE001 - adapt refuses these rows: keep state
            _keep_state(layer, source)
    return copy
