"""``fit`` and input preparation of the trainable Keras estimators
(:class:`skimportance.wrappers.KerasModelClassifier` and
``KerasModelRegressor``), for inputs of any rank.

``keras.wrappers``' own ``fit`` validates X as a 2-D table; sequences and
images are refused there. Here X is an array of any rank: each ``fit`` trains
a fresh network (:func:`~skimportance._keras.rebuild.fresh_network` for a
compiled model, rebuilt when the rows have another shape than the model was
built for; :func:`~skimportance._keras.rebuild.call_build_function` for a
build function; adapted preprocessing layers re-adapted on the training rows,
:func:`~skimportance._keras.preprocessing.readapt`) with ``fit_kwargs`` over
Keras' defaults, and ``verbose=0``
unless ``fit_kwargs`` asks for more: nothing is printed that was not asked
for.
"""

import warnings

import numpy as np
from sklearn.utils.validation import check_consistent_length, validate_data

from .layers import check_numeric, is_keras_model
from .preprocessing import readapt
from .rebuild import call_build_function, fresh_network
from .several_inputs import InputLayout, is_several_inputs, n_rows, prepare_inputs

__all__ = ["TrainsFreshNetwork", "trainable_kind"]


class TrainsFreshNetwork:
    """Fit a fresh network on each ``fit``; inputs of any rank.

    The class using it has ``model``, ``warm_start``, ``model_kwargs``,
    ``fit_kwargs`` and ``_process_target(y, reset)``, which reads the network
    being trained from ``model_``.
    """

    def _prepare(self, X):
        if is_several_inputs(X):
            return prepare_inputs(X, getattr(self, "model_", None))
        check_numeric(X)
        return np.asarray(validate_data(self, X, reset=False, allow_nd=True))

    def _check_fit_X(self, X):
        if is_several_inputs(X):
            # each input a table, the same rows
            self.n_features_in_ = InputLayout(X).n_features
            return prepare_inputs(X)
        check_numeric(X)
        return np.asarray(validate_data(self, X, reset=True, allow_nd=True))

    def _fresh_network(self, X, y):
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if is_keras_model(self.model):
            network = fresh_network(self.model, X)
            if network is not self.model and (
                isinstance(X, np.ndarray) or is_several_inputs(X)
            ):
                readapt(network, self.model, X)  # preprocessing state per split
            return network
        if callable(self.model):
            return call_build_function(self.model, X, y, self.model_kwargs)
        raise TypeError(
            "model must be a compiled keras.Model or a function that builds and "
            f"compiles one; got {type(self.model).__name__}."
        )

    def fit(self, X, y, **kwargs):
        """Train a fresh network on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or with more axes
            Sequences (n_samples, timesteps, n_features), images...; or, for
            a model with several inputs, a dict by input name or a list of
            2-D arrays or DataFrames.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        **kwargs : dict
            Passed to ``keras.Model.fit``, over ``fit_kwargs``.

        Returns
        -------
        self : object
        """
        X = self._check_fit_X(X)
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed.")
        check_consistent_length(np.zeros(n_rows(X)), y)
        if is_several_inputs(X) and is_keras_model(self.model):
            X = prepare_inputs(X, self.model)  # a list by the model's input order
        network = self._fresh_network(X, y)
        if is_several_inputs(X):
            X = prepare_inputs(X, network)
        previous = self.__dict__.get("model_")
        self.model_ = network
        try:
            target = self._process_target(y, reset=True)
            fit_kwargs = {"verbose": 0, **(self.fit_kwargs or {}), **kwargs}
            self.history_ = network.fit(X, target, **fit_kwargs)
        except BaseException:
            if previous is None:
                del self.model_
            else:
                self.model_ = previous
            raise
        return self


def _required_parameters(build):
    import inspect

    try:
        params = inspect.signature(build).parameters.values()
    except (TypeError, ValueError):
        return ["?"]
    return [
        p.name
        for p in params
        if p.default is inspect.Parameter.empty
        and p.kind
        not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]


def trainable_kind(model, task):
    """ "classifier" or "regressor": the estimator ``make_trainable`` makes.

    A compiled model's task is read from its output layer (``task="auto"``).
    A build function is called once, with no arguments, to read it, when it
    needs none; else ``task`` must say it.
    """
    from .fitted_model import FittedKerasModel
    from .rebuild import check_compiled

    if is_keras_model(model):
        check_compiled(model, "the model given to make_trainable")
        return FittedKerasModel(model, task=task)._task()
    if not callable(model):
        raise TypeError(
            "make_trainable takes a compiled keras.Model or a function that builds "
            f"and compiles one; got {type(model).__name__}."
        )
    if task != "auto":
        return FittedKerasModel(None, task=task)._task()
    required = _required_parameters(model)
    if required:
        raise ValueError(
            f"the build function needs {', '.join(required)} to build a model, so "
            "its task cannot be read before fit: give it, make_trainable(build, "
            "task='classification') or task='regression'."
        )
    probe = model()
    check_compiled(probe, "the model that the build function returned")
    return FittedKerasModel(probe)._task()


def default_epochs(model, fit_kwargs):
    """``fit_kwargs`` with the epochs each fresh copy trains for.

    Keras' ``fit`` trains one epoch unless told otherwise, and a copy trained
    for one epoch is measured correctly but is a weak network (its
    importances far smaller than the trained model's). Without ``epochs``,
    the epochs of ``model``'s last ``fit`` (``model.history.params``, set by
    Keras' History callback) are taken; when there is none to read (a model
    never trained here, a loaded one, a build function), a warning says so.
    """
    fit_kwargs = dict(fit_kwargs)
    if "epochs" in fit_kwargs:
        return fit_kwargs
    history = getattr(model, "history", None) if is_keras_model(model) else None
    epochs = getattr(history, "params", None) or {}
    if isinstance(epochs.get("epochs"), int) and epochs["epochs"] > 0:
        fit_kwargs["epochs"] = epochs["epochs"]
    else:
        warnings.warn(
            "make_trainable: no `epochs` given and none to read from the model's "
            "last fit, so each fresh copy trains for Keras' default of 1 epoch, "
            "usually far too few: pass epochs=... (and batch_size=...) as you "
            "trained the model.",
            UserWarning,
            stacklevel=3,
        )
    return fit_kwargs
