"""The prefit trap: a ``cv="prefit"`` selector fitted inside a Pipeline.

A Pipeline fits each of its steps on the training rows: the selector's
``fit_transform(X_train, y_train)``. With ``cv="prefit"`` the selector then
measures the trained model on X_train, the rows a model fitted beside the
Pipeline was (almost always) trained on, and in-sample importance keeps
inputs the model merely memorised. No model tells which rows it was trained
on, so the sound signal is the call itself: ``fit_transform`` on a prefit
selector measures rows and hands the same rows on, to train the next step.
That is what a Pipeline (and ``GridSearchCV`` or ``cross_val_score`` of one)
does; measuring held-out rows is ``fit(X_holdout, y_holdout)``, then
``transform`` of any rows. So ``fit_transform`` with ``cv="prefit"`` warns
(:class:`PrefitInPipelineWarning`, which a deliberate caller can filter) and
says to use ``cv``.
"""

import warnings

__all__ = ["PrefitInPipelineWarning", "WarnsPrefitFitTransform"]


class PrefitInPipelineWarning(UserWarning):
    """A prefit selector measured the rows it hands on for training.

    Raised by ``KerasImportanceSelector(..., cv="prefit").fit_transform``,
    the call a Pipeline makes on its training rows. Public as
    ``skimportance.PrefitInPipelineWarning``, to filter it where the rows are
    held out on purpose.
    """


PrefitInPipelineWarning.__module__ = "skimportance"  # its public name


class WarnsPrefitFitTransform:
    """``fit_transform`` that warns with ``cv="prefit"`` (see the module);
    the rest is ``TransformerMixin.fit_transform``, which must follow it."""

    def fit_transform(self, X, y=None, **fit_params):
        """Fit to (X, y), then keep the selected features of X.

        With ``cv="prefit"`` this warns: it is the call a Pipeline makes on
        its training rows, where a prefit model is measured on the rows it
        was trained on. Use ``cv=5`` inside a Pipeline (each split's model
        measured on rows it did not see), or measure a prefit model with
        ``fit(X_holdout, y_holdout)``.

        Parameters
        ----------
        X : array-like, DataFrame, or dict or list of inputs
        y : array-like of shape (n_samples,)
        **fit_params : dict
            Passed to ``fit``.

        Returns
        -------
        X_selected : array-like
        """
        if isinstance(self.cv, str) and self.cv == "prefit":
            warnings.warn(
                "fit_transform with cv='prefit' measures the trained model on the "
                "rows it transforms, which a Pipeline then trains its next step "
                "on: inside a Pipeline these are its training rows, most likely "
                "the rows the model was trained on, and in-sample importance "
                "keeps inputs the model only memorised. Inside a Pipeline (and "
                "in GridSearchCV or cross_val_score), use cv=5 with "
                "make_trainable(model): each split's copy is measured on rows it "
                "did not see. To measure this model, fit the selector on "
                "held-out rows: selector.fit(X_holdout, y_holdout).",
                PrefitInPipelineWarning,
                stacklevel=2,
            )
        return super().fit_transform(X, y, **fit_params)
