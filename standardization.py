"""Input standardisation: a fitted pair of statistics, stored with the network.

``x_std = (x - mean) / scale``, with the mean and scale fitted on the training inputs only.
Merged into a network's ``parameters``, the pair makes the network standardise its own raw
inputs (``neural_network.forward_propagation`` applies :func:`standardize` first), so it is
saved with them and predicts on raw inputs.
"""

import numpy as np

import validation


def fit_standardizer(X, per="feature", channels=3):
    """Fit ``x_std = (x - mean) / scale`` on training inputs ``X: (n_x, m)``.

    Raw pixels are all positive, so every input to a first-layer unit pushes it the same way and
    many ReLUs start (and stay) dead; centring the inputs removes that bias.

    Args:
        X: ``(n_x, m)`` training inputs only: statistics fitted on data later scored would let
            it leak into the model.
        per: ``"feature"``, one mean and standard deviation per row of ``X`` (a "mean image");
            or ``"channel"``, one per colour channel, for images flattened in (H, W, C) order,
            where row ``i`` holds channel ``i % channels``.
        channels: the number of channels ``C`` for ``per="channel"``.

    Returns:
        ``{"input_mean": (n_x, 1), "input_scale": (n_x, 1)}`` in ``X``'s dtype. A constant
        feature has standard deviation 0 and gets scale 1, so it maps to 0 instead of NaN.
        Merged into ``parameters`` (``{**parameters, **stats}``), it makes the network
        standardise its own inputs, so it predicts on raw inputs and is saved with them.
    """
    X, per, channels = validation.check_standardizer_fit(X, per, channels)
    with np.errstate(over="ignore", invalid="ignore"):  # checked below
        return _fitted_standardizer(X, per, channels)


def _fitted_standardizer(X, per, channels):
    """The statistics of :func:`fit_standardizer` (its arguments checked)."""
    n_x = X.shape[0]
    if per == "feature":
        mean, std = X.mean(axis=1, keepdims=True), X.std(axis=1, keepdims=True)
    else:
        by_channel = X.reshape(n_x // channels, channels, X.shape[1])
        mean = np.tile(by_channel.mean(axis=(0, 2)), n_x // channels)[:, None]
        std = np.tile(by_channel.std(axis=(0, 2)), n_x // channels)[:, None]
    if not (np.isfinite(mean).all() and np.isfinite(std).all()):
        raise ValueError("X's values are too large to standardise: their variance overflows")
    scale = np.where(std > 0, std, 1.0).astype(X.dtype)
    return {"input_mean": mean.astype(X.dtype), "input_scale": scale}


def standardize(X, stats):
    """``(X - input_mean) / input_scale``: the inputs as the standardised network sees them.

    Args:
        X: ``(n_x, m)``; stats: from :func:`fit_standardizer`, or a ``parameters`` dict that
            holds one (without one, or with None, ``X`` is returned as it is).
    """
    if not validation.has_standardizer(stats, np.shape(X)[0]):
        return X
    return (X - stats["input_mean"]) / stats["input_scale"]
