"""Checks of how a network is trained and chosen: the optimisers' states, learning-rate
decay, ``model()``'s data and settings, seeds and batch sizes, a run that diverged, and the
trials of a search.
"""

import math

import numpy as np

from _validation.network import (
    RUNNING,
    STANDARDIZE_PER,
    STANDARDIZER_KEYS,
    check_fitted_standardizer,
    check_parameter_arrays,
    trainable_keys,
)
from _validation.values import (
    check_number,
    check_positive,
    describe,
)

# model()'s full batch is mini_batch_size=None; the command line spells it 0.
FULL_BATCH_NOTE = " (or None for full batch; the command line's --mini-batch-size 0 is None)"


def check_mini_batch_size(mini_batch_size):
    """A positive integer, or None for full batch."""
    if mini_batch_size is None:
        return None
    return check_number(mini_batch_size, "mini_batch_size", 1, integer=True, note=FULL_BATCH_NOTE)


# --------------------------------------------------------------------------------------------
# The optimisers' arguments
# --------------------------------------------------------------------------------------------


def check_state_dict(state, name, parameters, non_negative=False):
    """``state`` must hold a finite floating array ``d{key}`` shaped like each trainable array."""
    if not isinstance(state, dict):
        raise TypeError(
            f"{name} must be a dict of arrays keyed like the gradients ('dW1', 'db1', ...), "
            f"got {type(state).__name__}"
        )
    expected = {f"d{key}" for key in trainable_keys(parameters)}
    extra = [key for key in state if key not in expected]
    if extra:
        raise ValueError(f"{name} has keys {extra} for no trainable parameter")
    for key in trainable_keys(parameters):
        value = state.get(f"d{key}")
        if value is None:
            raise ValueError(f"{name} is missing 'd{key}' for the parameter '{key}'")
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            kind = value.dtype if isinstance(value, np.ndarray) else type(value).__name__
            raise TypeError(f"{name}['d{key}'] must be a NumPy array of floats, got {kind}")
        if value.shape != parameters[key].shape:
            raise ValueError(
                f"{name}['d{key}'] has shape {value.shape}, "
                f"expected {parameters[key].shape} like parameters['{key}']"
            )
        if not np.isfinite(value).all():
            raise ValueError(f"{name}['d{key}'] contains NaN or infinite values")
        if non_negative and (value < 0).any():
            raise ValueError(f"{name}['d{key}'] must be >= 0 (an average of squared gradients)")


def check_update_inputs(parameters, grads, learning_rate, **states):
    """Validate an update's inputs; return the learning rate as a float, and ``grads`` and each
    state as dicts of arrays in the parameters' dtypes (a float32 network stays float32).

    Every trainable key needs a gradient (and an entry in each state dict) of its shape; the
    second-moment state ``s`` is an average of squares, so it cannot be negative.
    """
    check_parameter_arrays(parameters)
    learning_rate = check_positive(learning_rate, "learning_rate")
    checked = []
    for name, state in {"grads": grads, **states}.items():
        check_state_dict(state, name, parameters, non_negative=name == "s")
        dtypes = {f"d{key}": parameters[key].dtype for key in trainable_keys(parameters)}
        checked.append({key: np.asarray(a, dtypes[key]) for key, a in state.items()})
    return learning_rate, *checked


def check_decay_arguments(learning_rate0, epoch_num, decay_rate):
    """The arguments of a learning-rate decay function: ``alpha_0 > 0``, epoch and rate ``>= 0``."""
    return (
        check_positive(learning_rate0, "learning_rate0"),
        check_number(epoch_num, "epoch_num", 0, integer=True),
        check_number(decay_rate, "decay_rate", 0.0),
    )


def check_decay(decay, decay_rate, decay_every):
    """``model()``'s decay arguments: ``(decay, decay_rate, decay_every)`` checked.

    ``decay`` is None, a rate ``r >= 0`` (then ``decay_every`` may be an integer ``k >= 1``), or
    a function such as ``update_lr`` (then ``decay_rate``, default 1, is what it is called with).
    """
    if decay_every is not None:
        decay_every = check_number(decay_every, "decay_every", 1, integer=True)
    if callable(decay):
        if decay_every is not None:
            raise ValueError("decay_every goes with a numeric decay; a function decay decides")
        rate = 1.0 if decay_rate is None else check_number(decay_rate, "decay_rate", 0.0)
        return decay, rate, None
    if isinstance(decay, str):
        raise TypeError(
            f"decay must be a function such as update_lr (decay=update_lr, not the string "
            f"{decay!r}) or a decay rate >= 0"
        )
    if decay_rate is not None:
        raise ValueError("decay_rate goes with a function decay; a numeric decay is the rate")
    if decay is None:
        if decay_every is not None:
            raise ValueError("decay_every needs a decay rate: pass decay=r as well")
        return None, None, None
    note = " (an inverse-time decay rate), or a function such as update_lr"
    return check_number(decay, "decay", 0.0, note=note), None, decay_every


def check_decayed_learning_rate(value, epoch):
    """What a decay function returned for ``epoch``: a learning rate ``> 0``."""
    note = f" (decay returned it for epoch {epoch})"
    return check_number(value, "the learning rate", 0.0, low_open=True, note=note)


# --------------------------------------------------------------------------------------------
# model()'s data and settings
# --------------------------------------------------------------------------------------------


def check_standardizer(standardize, n_x):
    """None, ``"feature"``, ``"channel"`` or a fitted ``{"input_mean", "input_scale"}``."""
    if standardize is None or (isinstance(standardize, str) and standardize in STANDARDIZE_PER):
        return standardize
    if not isinstance(standardize, dict) or set(standardize) != set(STANDARDIZER_KEYS):
        raise TypeError(
            "standardize must be None, 'feature', 'channel' or the dict of fit_standardizer, "
            f"got {describe(standardize)}"
        )
    try:
        check_fitted_standardizer(standardize, n_x)
    except (TypeError, ValueError) as error:
        raise type(error)(f"standardize is not a valid fitted standardizer: {error}") from None
    return standardize


def check_dev_set(X_dev, Y_dev, early_stopping):
    """Both of ``X_dev`` and ``Y_dev`` or neither; early stopping needs them."""
    if (X_dev is None) != (Y_dev is None):
        raise ValueError("give both X_dev and Y_dev, or neither")
    if early_stopping is not None and X_dev is None:
        raise ValueError("early_stopping needs a dev set: pass X_dev and Y_dev")


def check_seeds(seeds):
    """A non-empty list of distinct integer seeds >= 0."""
    if isinstance(seeds, (str, bytes, dict)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list of integer seeds, got {describe(seeds)}")
    seeds = [check_number(seed, f"seeds[{i}]", 0, integer=True) for i, seed in enumerate(seeds)]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be a non-empty list of distinct seeds, got {seeds}")
    return seeds


def check_batch_size(mini_batch_size, m, batch_norm):
    """The examples per update (``m`` for full batch, ``mini_batch_size=None``). Batch norm in
    training mode needs at least 2 examples in every batch: the variance of one value is 0."""
    batch_size = min(m, mini_batch_size or m)
    if batch_norm and batch_size < 2:
        raise ValueError(
            f"batch_norm=True needs at least 2 examples per mini-batch (the variance of one "
            f"value is 0), got m = {m} and mini_batch_size = {mini_batch_size}"
        )
    return batch_size


def check_training_finite(epoch_cost, parameters, epoch, learning_rate):
    """Raise FloatingPointError once the training cost or the running statistics are NaN or inf.

    Batch norm's running statistics are watched too: they are not part of the training cost
    (which uses batch statistics) and can overflow while it looks fine. Weights that overflow
    make the cost non-finite at the next step; the final weights are checked once, at the end,
    by :func:`check_trained_finite` (a pass over ``W1`` every epoch would cost about 2% of a
    full-batch run).
    """
    running = (value for key, value in parameters.items() if key.startswith(RUNNING))
    if not (math.isfinite(epoch_cost) and all(np.isfinite(a).all() for a in running)):
        raise FloatingPointError(
            f"the training cost (or batch norm's running statistics) became non-finite "
            f"(cost {epoch_cost}) in epoch {epoch}: the learning rate {learning_rate:g} is "
            "probably too large; try a smaller one"
        )


def check_trained_finite(parameters):
    """Raise FloatingPointError if a trained array holds NaN or inf."""
    if not all(np.isfinite(value).all() for value in parameters.values()):
        raise FloatingPointError(
            "the parameters became non-finite during training: the learning rate is probably "
            "too large; try a smaller one"
        )


def check_update_finite(*states):
    """Raise ValueError if an update rule's results (dicts of arrays) hold NaN or inf."""
    if not all(np.isfinite(a).all() for state in states for a in state.values()):
        raise ValueError(
            "the update overflowed: the gradients or the learning rate are too large for the "
            "parameters' dtype"
        )


def _is_score(value):
    """A metric's value in a trial: a real number (NaN for a rejected trial) or None (JSON's)."""
    real = isinstance(value, (int, float, np.integer, np.floating))
    return value is None or (real and not isinstance(value, (bool, np.bool_)))


def _is_finite(number):
    try:
        return math.isfinite(number)
    except OverflowError:  # a 400-digit integer: no float holds it
        return False


def check_trials(trials, name="trials", metrics=(), keys=()):
    """``trials`` as ``model_selection.random_search`` returns them: a non-empty list of dicts,
    each with ``rejected`` (None, or why the trial was rejected), every key of ``keys``, and each
    metric of ``metrics`` (and its standard error ``{metric}_se``, if there) a number or None; a
    trial that was not rejected has a finite value of each metric."""
    if not isinstance(trials, list) or not trials:
        raise ValueError(f"{name} must be a non-empty list of trials (dicts)")
    needed = (*metrics, "rejected", *keys)
    every = (
        f"every trial must be a dict with {', '.join(map(repr, needed[:-1]))} and {needed[-1]!r}"
    )
    for i, trial in enumerate(trials):
        where = f"{name}[{i}]"
        if not isinstance(trial, dict):
            raise ValueError(f"{every} ({where} is {describe(trial)})")
        missing = [key for key in needed if key not in trial]
        if missing:
            raise ValueError(f"{every} ({where} has no {missing})")
        if trial["rejected"] is not None and not isinstance(trial["rejected"], str):
            raise ValueError(f"{where}['rejected'] must be None or the reason, a str")
        for key in [k for m in metrics for k in (m, f"{m}_se") if k in trial]:
            if not _is_score(trial[key]):
                raise ValueError(f"{where}['{key}'] must be a number, got {describe(trial[key])}")
        for metric in metrics if trial["rejected"] is None else ():
            if trial[metric] is None or not _is_finite(trial[metric]):
                raise ValueError(f"{where}['{metric}'] must be finite: the trial was not rejected")
    return trials
