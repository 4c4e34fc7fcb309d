"""How to train the network of ``neural_network.py``: optimisers, mini-batches and one ``model()``.

The network's math (forward and backward passes, the cost) lives in ``neural_network``; this module
only decides *how to walk downhill*:

* plain gradient descent, ``theta <- theta - alpha * g``;
* momentum, an exponentially weighted average of the gradients, ``v <- beta v + (1 - beta) g``;
* RMSprop, which divides by the root of an average of squared gradients, ``s <- beta2 s +
  (1 - beta2) g^2``, ``theta <- theta - alpha g / (sqrt(s) + eps)``;
* Adam, momentum and RMSprop together with bias correction ``v_hat = v / (1 - beta1^t)``;
* learning-rate decay and mini-batches, early stopping on a dev set, and saving a trained network.

Every optimiser state (``v``, ``s``) is a plain dict keyed like ``grads`` (``dW1``, ``db1``, ...).
No function modifies its arguments: updates return new dicts.

Choosing hyperparameters (metrics, folds, random search) is the job of ``model_selection``, the
cat images that of ``cat_data``, and ``python -m neural_net_optimized`` (the command line,
``cat_cli``) trains the chosen cat classifier.
"""

import importlib
import inspect
import itertools
import json
import math
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

import neural_network as nn
import validation

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
DEFAULT_LEARNING_RATES = {"gd": 0.0075, "momentum": 0.0075, "rmsprop": 0.001, "adam": 0.001}
MAX_EPOCHS = 10_000_000  # a sanity bound: more is a typing mistake, not a plan
_FILE_FORMAT = "neural_network.parameters/1"


# --------------------------------------------------------------------------------------------
# Mini-batches
# --------------------------------------------------------------------------------------------


def mini_batch_indices(m, mini_batch_size, rng):
    """Split a random permutation of ``range(m)`` into consecutive blocks of ``mini_batch_size``.

    There are ``floor(m / mini_batch_size)`` full blocks and, when ``m`` is not a multiple of the
    size, one smaller last block made of the last entries of the *same* permutation, so every
    example appears exactly once per epoch.

    Returns:
        a list of int arrays, the column indices of each mini-batch.
    """
    m = nn.check_number(m, "m", 1, integer=True)
    mini_batch_size = nn.check_number(mini_batch_size, "mini_batch_size", 1, integer=True)
    return _permuted_blocks(m, mini_batch_size, validation.as_generator(rng))


def _permuted_blocks(m, mini_batch_size, rng):
    """:func:`mini_batch_indices` without the checks, for model()'s loop (checked before it)."""
    permutation = rng.permutation(m)
    return [permutation[k : k + mini_batch_size] for k in range(0, m, mini_batch_size)]


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle the examples and cut them into mini-batches.

    Args:
        X: ``(n_x, m)``; Y: ``(1, m)``: one shared permutation is applied to both.
        mini_batch_size: the size of every batch but possibly the last.
        seed: an int or a ``numpy.random.Generator``.

    Returns:
        a list of ``(X_batch: (n_x, size), Y_batch: (1, size))`` pairs covering every example once.
    """
    X = nn.check_X(X)
    Y = nn.check_Y(Y, m=X.shape[1], dtype=None)
    mini_batch_size = nn.check_number(mini_batch_size, "mini_batch_size", 1, integer=True)
    batches = mini_batch_indices(X.shape[1], mini_batch_size, validation.as_generator(seed, "seed"))
    return [(X[:, idx], Y[:, idx]) for idx in batches]


# --------------------------------------------------------------------------------------------
# Optimisers. Each takes and returns plain dicts and never modifies its arguments.
# --------------------------------------------------------------------------------------------


# Each update rule is written once, as a step on one parameter array ``theta`` and its state:
# ``theta`` and the state arrays are updated in place and ``g`` is overwritten (it serves as
# scratch space). The public functions apply a rule to fresh copies, so they never modify their
# arguments; model() applies it to the arrays it owns, which saves allocating a new W1 (and a
# new v and s) at every step. The operations are ordered as in the formulas, so both paths round
# identically.


def gd_step(theta, g, learning_rate):
    """``theta <- theta - learning_rate * g``, in place (``g`` is overwritten)."""
    g *= learning_rate
    theta -= g


def momentum_step(theta, g, v, beta, learning_rate):
    """``v <- beta v + (1 - beta) g``; ``theta <- theta - learning_rate * v``, in place."""
    v *= beta
    g *= 1.0 - beta
    v += g
    np.multiply(v, learning_rate, out=g)
    theta -= g


def rmsprop_step(theta, g, s, beta2, learning_rate, epsilon):
    """``s <- beta2 s + (1 - beta2) g^2``; ``theta <- theta - lr g / (sqrt(s) + eps)``, in place."""
    s *= beta2
    g_squared = np.square(g)
    g_squared *= 1.0 - beta2
    s += g_squared
    denominator = np.sqrt(s, out=g_squared)
    denominator += epsilon
    g *= learning_rate
    g /= denominator
    theta -= g


def adam_step(theta, g, V, S, t, learning_rate, beta1, beta2, epsilon):
    """One Adam step on one array, in place, with the moments kept as discounted **sums**.

    ``V <- beta1 V + g`` and ``S <- beta2 S + g^2`` are the averages of
    :func:`update_parameters_with_adam` before their ``(1 - beta)`` factor: ``v = (1 - beta1) V``,
    ``s = (1 - beta2) S``. Bias correction then reads as what it is, a weighted mean: ``V``
    divided by the sum of its weights, ``n1 = 1 + beta1 + ... + beta1^(t-1)``, so
    ``v_hat = V / n1`` and ``s_hat = S / n2``. The step
    ``theta <- theta - learning_rate v_hat / (sqrt(s_hat) + epsilon)`` is computed, as in Kingma
    and Ba's section 2, as ``alpha_t V / (sqrt(S) + epsilon_t)`` with two scalars
    ``alpha_t = learning_rate sqrt(n2) / n1`` and ``epsilon_t = epsilon sqrt(n2)``. In all, ten
    passes over each array instead of fourteen, and no temporary: Adam's update of ``W1`` is a
    good part of a mini-batch step.
    """
    # Python floats, so that a float32 array stays float32 (NumPy scalars would not be "weak").
    beta1, beta2 = float(beta1), float(beta2)
    n1 = (1.0 - beta1**t) / (1.0 - beta1)
    n2 = (1.0 - beta2**t) / (1.0 - beta2)
    alpha_t = float(learning_rate) * math.sqrt(n2) / n1
    epsilon_t = float(epsilon) * math.sqrt(n2)
    V *= beta1
    V += g
    g_squared = np.square(g, out=g)
    S *= beta2
    S += g_squared
    denominator = np.sqrt(S, out=g_squared)
    denominator += epsilon_t
    step = np.divide(V, denominator, out=denominator)
    step *= alpha_t
    theta -= step


# An update rule makes about a dozen passes over each array. For W1 (245,760 entries, 2 MB in
# float64) each pass would stream the array from main memory again; applied to a few rows at a
# time, the rows stay in the CPU cache between passes. The rules are elementwise, so the result
# is bit-for-bit the same. (Threads do not help here: they compete with BLAS's own threads.)
_BLOCK_SIZE = 1 << 16  # entries per block: 512 KB per float64 array
_FLUSH_EVERY = 16  # model() sets the subnormal entries of its large arrays to 0 this often


def _step_all(rule, keys, parameters, grads, states, *hyperparameters):
    """Apply ``rule`` in place to ``parameters[key]`` with ``grads[f"d{key}"]`` for every key."""
    for key in keys:
        arrays = [parameters[key], grads[f"d{key}"], *(s[f"d{key}"] for s in states)]
        rows_per_block = max(1, _BLOCK_SIZE // max(1, arrays[0][0].size))
        for start in range(0, len(arrays[0]), rows_per_block):
            block = slice(start, start + rows_per_block)
            rule(*(a[block] for a in arrays), *hyperparameters)


def _flush_subnormals(array):
    """Set the entries of ``array`` in the subnormal range, ``0 < |x| < tiny``, to 0, in place.

    Weights that decay towards zero (the input weights of a unit that never fires, under L2)
    can end up there, below ``1.2e-38`` in float32. They are 0 for every practical purpose, but
    x86 CPUs multiply them 10 to 40 times slower: a ``W1`` with a few subnormal rows makes the
    first layer's product, and so the whole training run, several times slower.
    """
    np.copyto(array, 0, where=np.abs(array) < np.finfo(array.dtype).tiny)


def _update_copies(rule, parameters, grads, states, *hyperparameters):
    """Apply ``rule`` to copies of the trainable arrays and states: the arguments stay untouched.

    Returns:
        the new parameters (running statistics carried over unchanged) and the new states.
    """
    keys = nn.trainable_keys(parameters)
    parameters = {**parameters, **{key: np.array(parameters[key]) for key in keys}}
    grads = {f"d{key}": np.array(grads[f"d{key}"], dtype=parameters[key].dtype) for key in keys}
    states = [{k: np.array(a) for k, a in state.items()} for state in states]
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below
        _step_all(rule, keys, parameters, grads, states, *hyperparameters)
    updated = [parameters[key] for key in keys] + [a for state in states for a in state.values()]
    if not all(np.isfinite(a).all() for a in updated):
        raise ValueError(
            "the update overflowed: the gradients or the learning rate are too large for the "
            "parameters' dtype"
        )
    return parameters, states


def _zeros_like_grads(parameters):
    """A state dict of zeros, one entry ``d{key}`` per trainable key."""
    nn.check_parameter_arrays(parameters)
    return {f"d{key}": np.zeros_like(parameters[key]) for key in nn.trainable_keys(parameters)}


def update_parameters_with_gd(parameters, grads, learning_rate, *, check_input=True):
    """One step of gradient descent: ``theta <- theta - learning_rate * d_theta``.

    Args:
        parameters: the network; grads: ``d{key}`` for every trainable key.

    Returns:
        the new parameters (the running statistics of batch norm are carried over unchanged).
    """
    if check_input:
        learning_rate = validation.check_update_inputs(parameters, grads, learning_rate)
    parameters, _ = _update_copies(gd_step, parameters, grads, [], learning_rate)
    return parameters


def initialize_velocity(parameters):
    """Momentum's velocity ``v``: zeros shaped like each trainable array, keyed ``dW1``, ..."""
    return _zeros_like_grads(parameters)


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate, *, check_input=True):
    """Gradient descent with momentum.

    ``v <- beta v + (1 - beta) g``, ``theta <- theta - learning_rate * v``. The velocity averages
    the last ``~1 / (1 - beta)`` gradients, which damps the zig-zag across a narrow valley while
    adding up along its floor. ``beta = 0`` is plain gradient descent.

    Returns:
        ``(parameters, v)``, both new dicts.
    """
    if check_input:
        learning_rate = validation.check_update_inputs(parameters, grads, learning_rate, v=v)
        beta = validation.check_average_weight(beta, "beta")
    parameters, (v,) = _update_copies(momentum_step, parameters, grads, [v], beta, learning_rate)
    return parameters, v


def initialize_rmsprop(parameters):
    """RMSprop's average of squared gradients ``s``: zeros keyed ``dW1``, ``db1``, ..."""
    return _zeros_like_grads(parameters)


def update_parameters_with_rmsprop(
    parameters, grads, s, beta2=0.999, learning_rate=0.001, epsilon=1e-8, *, check_input=True
):
    """RMSprop: ``s <- beta2 s + (1 - beta2) g^2``, ``theta <- theta - lr g / (sqrt(s) + eps)``.

    Dividing by the root mean square of recent gradients gives every parameter a step of about
    ``learning_rate`` whatever the scale of its gradient; ``epsilon`` avoids dividing by zero.

    Returns:
        ``(parameters, s)``, both new dicts.
    """
    if check_input:
        learning_rate = validation.check_update_inputs(parameters, grads, learning_rate, s=s)
        beta2, epsilon = (
            validation.check_average_weight(beta2, "beta2"),
            validation.check_epsilon(epsilon),
        )
    parameters, (s,) = _update_copies(
        rmsprop_step, parameters, grads, [s], beta2, learning_rate, epsilon
    )
    return parameters, s


def initialize_adam(parameters):
    """Adam's first and second moment estimates ``(v, s)``: zeros keyed ``dW1``, ``db1``, ..."""
    return _zeros_like_grads(parameters), _zeros_like_grads(parameters)


def update_parameters_with_adam(
    parameters,
    grads,
    v,
    s,
    t,
    learning_rate=0.001,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-8,
    *,
    check_input=True,
):
    """Adam (Kingma and Ba, 2015): momentum and RMSprop with bias correction.

    ``v <- beta1 v + (1 - beta1) g``, ``s <- beta2 s + (1 - beta2) g^2``,
    ``v_hat = v / (1 - beta1^t)``, ``s_hat = s / (1 - beta2^t)``,
    ``theta <- theta - learning_rate * v_hat / (sqrt(s_hat) + epsilon)``.

    ``v`` and ``s`` start at zero, so early averages are biased towards zero; dividing by
    ``1 - beta^t`` (the total weight the average has given to real gradients) removes the bias.

    Args:
        t: the number of this update step, counting mini-batches from 1.

    Returns:
        ``(parameters, v, s)``, all new dicts.
    """
    if check_input:
        learning_rate = validation.check_update_inputs(parameters, grads, learning_rate, v=v, s=s)
        beta1, beta2 = (
            validation.check_average_weight(beta1, "beta1"),
            validation.check_average_weight(beta2, "beta2"),
        )
        epsilon = validation.check_epsilon(epsilon)
        t = nn.check_number(t, "t", 1, integer=True, note=" (the update step count)")
    # adam_step keeps the moments as discounted sums, V = v / (1 - beta1), S = s / (1 - beta2).
    beta1, beta2 = float(beta1), float(beta2)
    sums = [
        {key: moment / (1.0 - beta) for key, moment in averages.items()}
        for averages, beta in ((v, beta1), (s, beta2))
    ]
    parameters, (V, S) = _update_copies(
        adam_step, parameters, grads, sums, t, learning_rate, beta1, beta2, epsilon
    )
    v = {key: V_key * (1.0 - beta1) for key, V_key in V.items()}
    s = {key: S_key * (1.0 - beta2) for key, S_key in S.items()}
    return parameters, v, s


# --------------------------------------------------------------------------------------------
# Learning-rate decay
# --------------------------------------------------------------------------------------------


def update_lr(learning_rate0, epoch_num, decay_rate):
    """Inverse-time decay, every epoch: ``alpha = alpha_0 / (1 + decay_rate * epoch)``."""
    learning_rate0, epoch_num, decay_rate = validation.check_decay_arguments(
        learning_rate0, epoch_num, decay_rate
    )
    return learning_rate0 / (1.0 + decay_rate * epoch_num)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Scheduled inverse-time decay, every ``time_interval`` epochs.

    ``alpha = alpha_0 / (1 + decay_rate * floor(epoch / time_interval))``: the rate stays constant
    for ``time_interval`` epochs at a time instead of shrinking a little after each one.
    """
    learning_rate0, epoch_num, decay_rate = validation.check_decay_arguments(
        learning_rate0, epoch_num, decay_rate
    )
    time_interval = nn.check_number(time_interval, "time_interval", 1, integer=True)
    return learning_rate0 / (1.0 + decay_rate * (epoch_num // time_interval))


def _decay_function(decay):
    """A function ``decay`` called the Coursera way, ``decay(alpha_0, epoch, decay_rate)``, or the
    older two-argument way, ``decay(alpha_0, epoch)``: which one its signature accepts."""
    try:
        signature = inspect.signature(decay)
    except ValueError:  # a built-in without a signature: assume the Coursera form
        return decay
    for arguments in ((1.0, 0, 1.0), (1.0, 0)):
        try:
            signature.bind(*arguments)
        except TypeError:
            continue
        if len(arguments) == 3:
            return decay
        return lambda learning_rate0, epoch, decay_rate: decay(learning_rate0, epoch)
    raise TypeError(
        f"decay must take (learning_rate0, epoch_num, decay_rate) or (learning_rate0, epoch), "
        f"got a function with the signature {signature}"
    )


def _learning_rate_schedule(learning_rate, decay, decay_rate, decay_every):
    """The function ``epoch -> learning rate`` that ``model()``'s decay arguments describe.

    Checked before training; a function's results are checked as they come.
    """
    if decay_every is not None:
        decay_every = nn.check_number(decay_every, "decay_every", 1, integer=True)
    if callable(decay):
        rate = 1.0 if decay_rate is None else nn.check_number(decay_rate, "decay_rate", 0.0)
        if decay_every is not None:
            raise ValueError("decay_every goes with a numeric decay; a function decay decides")
        function = _decay_function(decay)
        return lambda epoch: _checked_learning_rate(function(learning_rate, epoch, rate), epoch)
    if decay_rate is not None:
        raise ValueError("decay_rate goes with a function decay; a numeric decay is the rate")
    if decay is None:
        if decay_every is not None:
            raise ValueError("decay_every needs a decay rate: pass decay=r as well")
        return lambda epoch: learning_rate
    rate = nn.check_number(decay, "decay", 0.0, note=" (an inverse-time decay rate)")
    if decay_every is None:
        return lambda epoch: update_lr(learning_rate, epoch, rate)
    return lambda epoch: schedule_lr_decay(learning_rate, epoch, rate, decay_every)


def _checked_learning_rate(value, epoch):
    note = f" (decay returned it for epoch {epoch})"
    return nn.check_number(value, "the learning rate", 0.0, low_open=True, note=note)


# --------------------------------------------------------------------------------------------
# The optimiser model() uses: the same rules, in place, on arrays it owns
# --------------------------------------------------------------------------------------------


def _optimizer(name, parameters, beta, beta1, beta2, epsilon):
    """The in-place update ``step(grads, learning_rate)`` of ``parameters`` that model() uses.

    It applies the same ``*_step`` rules as the public ``update_parameters_with_*`` functions,
    in place, to the parameters model() owns; the state (``v``, ``s``, or for Adam the sums
    ``V``, ``S`` of :func:`adam_step`) and the step count ``t`` live in the closure: Adam's
    bias correction counts updates (mini-batches), not epochs.

    Every pass of a rule over an array is one NumPy call, which costs about as much for the 8
    entries of ``b1`` as for a few thousand. So the small arrays are packed into one flat array:
    their entries in ``parameters`` are replaced by views into it (``parameters`` is modified),
    and each step copies their gradients into a flat buffer. A rule then makes ten calls for all
    of them instead of ten per array; being elementwise, it computes the same numbers.

    Every ``_FLUSH_EVERY`` steps the large arrays' subnormal entries are set to 0 (see
    :func:`_flush_subnormals`).
    """
    rule, n_states, hyperparameters = {
        "gd": (gd_step, 0, lambda t, lr: (lr,)),
        "momentum": (momentum_step, 1, lambda t, lr: (beta, lr)),
        "rmsprop": (rmsprop_step, 1, lambda t, lr: (beta2, lr, epsilon)),
        "adam": (adam_step, 2, lambda t, lr: (t, lr, beta1, beta2, epsilon)),
    }[name]
    keys = nn.trainable_keys(parameters)
    small = [key for key in keys if parameters[key].size < _BLOCK_SIZE]
    large = [key for key in keys if key not in small]
    flat = np.concatenate([parameters[key].ravel() for key in small])
    pieces = np.split(flat, np.cumsum([parameters[key].size for key in small])[:-1])
    for key, piece in zip(small, pieces, strict=True):
        parameters[key] = piece.reshape(parameters[key].shape)
    # What the rule updates: the large arrays themselves, and the small ones through ``flat``.
    targets = {**{key: parameters[key] for key in large}, "packed": flat}
    flat_grad = np.empty_like(flat)
    states = [{f"d{key}": np.zeros_like(a) for key, a in targets.items()} for _ in range(n_states)]

    steps_taken = itertools.count(1)

    def step(grads, learning_rate):
        t = next(steps_taken)
        np.concatenate([grads[f"d{key}"].ravel() for key in small], out=flat_grad)
        gradients = {**{f"d{key}": grads[f"d{key}"] for key in large}, "dpacked": flat_grad}
        _step_all(rule, targets, targets, gradients, states, *hyperparameters(t, learning_rate))
        # Three passes over each large array: cheap every 16 steps, too dear at every one.
        if t % _FLUSH_EVERY == 0:
            for key in large:
                _flush_subnormals(targets[key])

    return step


# --------------------------------------------------------------------------------------------
# model(): the training loop, and the named steps it calls
# --------------------------------------------------------------------------------------------


def _check_optimizer(optimizer, learning_rate, beta, beta1, beta2, epsilon):
    """Validate the optimiser's settings; return the learning rate (the default if None)."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    for name, value in (("beta", beta), ("beta1", beta1), ("beta2", beta2)):
        validation.check_average_weight(value, name)
    validation.check_epsilon(epsilon)
    if learning_rate is None:
        return DEFAULT_LEARNING_RATES[optimizer]
    return validation.check_positive(learning_rate, "learning_rate")


def _check_standardizer(standardize, n_x):
    """None, ``"feature"``, ``"channel"`` or a fitted ``{"input_mean", "input_scale"}``."""
    if standardize is None or (isinstance(standardize, str) and standardize in nn.STANDARDIZE_PER):
        return standardize
    if not isinstance(standardize, dict) or set(standardize) != set(nn.STANDARDIZER_KEYS):
        raise TypeError(
            "standardize must be None, 'feature', 'channel' or the dict of fit_standardizer, "
            f"got {standardize!r}"
        )
    try:
        nn.check_parameters({"W1": np.zeros((1, n_x)), "b1": np.zeros((1, 1)), **standardize})
    except (TypeError, ValueError) as error:
        message = str(error).replace("parameters[", "standardize[")
        raise type(error)(f"standardize is not a valid fitted standardizer: {message}") from None
    return standardize


def _prepare_inputs(X, Y, X_dev, Y_dev, layers_dims, dtype, standardize):
    """Check the data; return ``X, Y, dev, standardizer`` ready for training.

    ``X`` (and ``X_dev``) come back in ``dtype`` and in Fortran order, one contiguous column per
    example: gathering a mini-batch's columns is then ~4x faster than from C order, the batch is
    in Fortran order too, and ``X.T`` is C-contiguous, the layout in which BLAS runs both of the
    first layer's products fastest (``W1 X``, computed as ``(X^T W1^T)^T``, and ``dZ1 X^T``).
    With a standardizer they come back standardised: it is applied once here, not every step.
    ``dev`` is None or ``(X_dev, Y_dev)``.
    """
    n_x = layers_dims[0]
    X = nn.check_X(X, n_x=n_x)
    dtype = X.dtype if dtype is None else validation.check_dtype(dtype)
    Y = nn.check_Y(Y, m=X.shape[1], dtype=dtype)
    standardize = _check_standardizer(standardize, n_x)
    if (X_dev is None) != (Y_dev is None):
        raise ValueError("give both X_dev and Y_dev, or neither")
    X = np.asfortranarray(X, dtype=dtype)  # one copy at most: layout and dtype together
    if isinstance(standardize, str):
        standardize = nn.fit_standardizer(X, per=standardize)
    if standardize is not None:
        standardize = {key: np.asarray(value, dtype) for key, value in standardize.items()}
        X = nn.standardize(X, standardize)
    dev = None
    if X_dev is not None:
        X_dev = np.asfortranarray(nn.check_X(X_dev, n_x=n_x, name="X_dev"), dtype)
        Y_dev = nn.check_Y(Y_dev, m=X_dev.shape[1], name="Y_dev", dtype=dtype)
        dev = (nn.standardize(X_dev, standardize), Y_dev)
    return X, Y, dev, standardize


def _check_step_options(lambd, keep_prob, batch_norm, bn_momentum, bn_epsilon):
    """The settings of one training step, checked: ``lambd``, ``keep_prob``, batch norm's."""
    nn.check_flag(batch_norm, "batch_norm")
    return {
        "lambd": nn.check_lambd(lambd),
        "keep_prob": nn.check_keep_prob(keep_prob),
        "bn_momentum": validation.check_average_weight(bn_momentum, "bn_momentum"),
        "bn_epsilon": nn.check_number(bn_epsilon, "bn_epsilon", 0.0, low_open=True),
    }


def _check_batch_size(mini_batch_size, m, batch_norm):
    """The examples per update (``m`` for full batch). Batch norm in training mode needs at
    least 2 examples in every batch: the variance of one value is 0."""
    batch_size = min(m, validation.check_mini_batch_size(mini_batch_size) or m)
    if batch_norm and batch_size < 2:
        raise ValueError(
            f"batch_norm=True needs at least 2 examples per mini-batch (the variance of one "
            f"value is 0), got m = {m} and mini_batch_size = {mini_batch_size}"
        )
    return batch_size


def _epoch_batches(m, batch_size, rng, batch_norm):
    """The mini-batches of one epoch: column indices, or one slice for full batch.

    With batch norm, a trailing batch of a single example (``m % batch_size == 1``) is merged
    into the batch before it: its variance would be 0, it would normalise to ``beta`` whatever
    the input, and it would drag the running variance towards 0 (measured: 0.966 instead of
    0.978 test accuracy on two moons of 705 examples in batches of 32).
    """
    if batch_size >= m:
        return [slice(None)]
    batches = _permuted_blocks(m, batch_size, rng)
    if batch_norm and len(batches[-1]) == 1:
        batches[-2:] = [np.concatenate(batches[-2:])]
    return batches


def _train_epoch(X, Y, batches, parameters, update, learning_rate, step):
    """One pass over the mini-batches: forward, cost, backward and an update for each.

    Returns:
        the epoch's training cost: the mean of the batch costs weighted by their sizes.
    """
    m = X.shape[1]
    epoch_cost = 0.0
    for idx in batches:
        X_batch, Y_batch = X[:, idx], Y[:, idx]
        m_batch = Y_batch.shape[1]
        # Each batch estimates the cost J of the whole set, L2 term included, so its share of
        # the penalty lambd / (2m) ||W||^2 is lambd * m_batch / m (see model()'s docstring).
        lambd = step["lambd"] * m_batch / m
        AL, caches = nn.forward_propagation(
            X_batch, parameters, step["keep_prob"], rng=step["rng"], check_input=False,
            bn_momentum=step["bn_momentum"], bn_epsilon=step["bn_epsilon"],
        )  # fmt: skip
        cost = nn.compute_cost(AL, Y_batch, parameters, lambd, check_input=False)
        grads = nn.backward_propagation(
            AL, Y_batch, caches, lambd, step["keep_prob"], check_input=False
        )
        parameters.update(caches["running_stats"])
        update(grads, learning_rate)
        epoch_cost += cost * m_batch
    return epoch_cost / m


def _check_finite(epoch_cost, parameters, epoch, learning_rate):
    """Raise FloatingPointError once the training cost or the running statistics are NaN or inf.

    Batch norm's running statistics are watched too: they are not part of the training cost
    (which uses batch statistics) and can overflow while it looks fine. Weights that overflow
    make the cost non-finite at the next step; the final weights are checked once, at the end
    (a pass over ``W1`` every epoch would cost about 2% of a full-batch run).
    """
    running = (value for key, value in parameters.items() if key.startswith(nn.RUNNING))
    if not (math.isfinite(epoch_cost) and all(np.isfinite(a).all() for a in running)):
        raise FloatingPointError(
            f"the training cost (or batch norm's running statistics) became non-finite "
            f"(cost {epoch_cost}) in epoch {epoch}: the learning rate {learning_rate:g} is "
            "probably too large; try a smaller one"
        )


def _trained_network(parameters, standardizer):
    """What model() returns: arrays of their own (not views into the optimiser's packed buffer),
    checked finite, with the standardizer the inputs were standardised with."""
    trained = {key: np.array(value) for key, value in parameters.items()}
    if not all(np.isfinite(value).all() for value in trained.values()):
        raise FloatingPointError(
            "the parameters became non-finite during training: the learning rate is probably "
            "too large; try a smaller one"
        )
    return {**trained, **(standardizer or {})}


def _new_history(has_dev):
    """The per-epoch record ``model()`` returns: lists of Python floats."""
    keys = ["cost", "learning_rate"] + (["dev_cost", "dev_accuracy"] if has_dev else [])
    return {key: [] for key in keys}


def _record_epoch(history, epoch_cost, learning_rate, parameters, dev):
    """Append the epoch's training cost, learning rate and, with a dev set, its dev scores."""
    history["cost"].append(float(epoch_cost))
    history["learning_rate"].append(float(learning_rate))
    if dev is not None:
        X_dev, Y_dev = dev
        probabilities = nn.predict_proba(X_dev, parameters, check_input=False)
        history["dev_cost"].append(nn.compute_cost(probabilities, Y_dev, check_input=False))
        history["dev_accuracy"].append(float(np.mean((probabilities > 0.5) == Y_dev)))


class _EarlyStopping:
    """Stop after ``patience`` epochs without a lower dev cost; keep the best parameters."""

    def __init__(self, patience):
        self.patience = patience
        self.best_cost, self.best_parameters, self.epochs_without_improvement = math.inf, None, 0

    def should_stop(self, history, parameters):
        if self.patience is None:
            return False
        if history["dev_cost"][-1] < self.best_cost:
            self.best_cost, self.epochs_without_improvement = history["dev_cost"][-1], 0
            # The optimiser updates the arrays in place: keep a copy of the best.
            self.best_parameters = {key: value.copy() for key, value in parameters.items()}
        else:
            self.epochs_without_improvement += 1
        return self.epochs_without_improvement >= self.patience

    def parameters(self, parameters):
        """The parameters to return: the best epoch's, or the last ones without patience."""
        return parameters if self.patience is None else self.best_parameters


class _Reporter:
    """What ``model()`` shows while it trains: the cost every ``print_every`` epochs, and a tqdm
    progress bar (``tqdm.auto``: a widget in Jupyter, a text bar in a terminal)."""

    def __init__(self, num_epochs, print_cost, print_every, show_progress):
        self.num_epochs, self.print_cost, self.print_every = num_epochs, print_cost, print_every
        self.show_progress = show_progress
        self.bar = None

    def __enter__(self):
        self.bar = tqdm(total=self.num_epochs, unit="epoch", disable=not self.show_progress)
        return self

    def __exit__(self, *exc_info):
        self.bar.close()

    def epoch(self, history, epoch):
        last = epoch == self.num_epochs - 1
        if self.print_cost and (epoch % self.print_every == 0 or last):
            message = f"Cost after epoch {epoch}: {history['cost'][-1]:.6f}"
            if "dev_cost" in history:
                message += (
                    f", dev cost {history['dev_cost'][-1]:.6f}, "
                    f"dev accuracy {history['dev_accuracy'][-1]:.3f}"
                )
            self.bar.write(message)
        if self.show_progress:
            self.bar.set_postfix(cost=f"{history['cost'][-1]:.4f}", refresh=False)
            self.bar.update()

    def early_stop(self, epoch, best_cost):
        if self.print_cost:
            self.bar.write(f"Early stopping after epoch {epoch}: best dev cost {best_cost:.6f}")


def _check_reporting(num_epochs, early_stopping, dev, print_cost, print_every, progress):
    """Validate the loop's settings; return the :class:`_Reporter` for them."""
    num_epochs = nn.check_number(num_epochs, "num_epochs", 1, MAX_EPOCHS, integer=True)
    if early_stopping is not None:
        validation.check_positive(early_stopping, "early_stopping", integer=True)
        if dev is None:
            raise ValueError("early_stopping needs a dev set: pass X_dev and Y_dev")
    print_cost = nn.check_flag(print_cost, "print_cost")
    if print_every is None:
        print_every = max(1, num_epochs // 10)
    print_every = validation.check_positive(print_every, "print_every", integer=True)
    show_progress = print_cost if progress is None else nn.check_flag(progress, "progress")
    return _Reporter(num_epochs, print_cost, print_every, show_progress)


def _seed_sequences(seed):
    """The two independent seeds ``model()`` draws from ``seed`` (an int, or a Generator that
    gives one): one for the initial weights, one for shuffling and dropout."""
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**63))
    seed = nn.check_number(seed, "seed", 0, integer=True)
    return np.random.SeedSequence(seed).spawn(2)


def initial_parameters(layers_dims, seed=0, batch_norm=False, dtype=np.float64):
    """The He-initialised network that ``model(..., seed=seed)`` starts from.

    ``trained["W1"] - initial_parameters(...)["W1"]`` is what training changed.
    """
    init_seed, _ = _seed_sequences(seed)
    return nn.initialize_parameters_he(
        layers_dims, seed=np.random.default_rng(init_seed), batch_norm=batch_norm, dtype=dtype
    )


def _initial_state(layers_dims, seed, batch_norm, dtype):
    """The initial parameters and the generator for shuffling and dropout, both from ``seed``."""
    _, train_seed = _seed_sequences(seed)
    parameters = initial_parameters(layers_dims, seed, batch_norm, dtype)
    return parameters, np.random.default_rng(train_seed)


def model(X, Y, layers_dims, *, optimizer="adam", learning_rate=None, num_epochs=100,
          mini_batch_size=64, lambd=0.0, keep_prob=1.0, batch_norm=False, beta=0.9, beta1=0.9,
          beta2=0.999, epsilon=1e-8, decay=None, decay_rate=None, decay_every=None, X_dev=None,
          Y_dev=None, early_stopping=None, standardize=None, seed=0, print_cost=False,
          print_every=None, progress=None, dtype=None, bn_momentum=nn.BN_MOMENTUM,
          bn_epsilon=nn.BN_EPSILON):  # fmt: skip
    """Train an L-layer network ``[LINEAR -> (BN) -> RELU -> (DROPOUT)] * (L-1) -> SIGMOID``.

    Args:
        X: ``(n_x, m)`` training inputs; Y: ``(1, m)`` 0/1 labels; layers_dims: ``[n_x, ..., 1]``.
        optimizer: ``"gd"``, ``"momentum"`` (``beta``), ``"rmsprop"`` (``beta2``, ``epsilon``)
            or ``"adam"`` (``beta1``, ``beta2``, ``epsilon``); learning_rate: ``alpha_0``, None
            for ``DEFAULT_LEARNING_RATES[optimizer]``.
        num_epochs, mini_batch_size: passes over the data, and examples per update (None: all).
        lambd: L2 strength of the cost ``J`` on the whole set (a mini-batch of ``m_b`` examples
            uses ``lambd * m_b / m``); keep_prob: dropout's keep probability (1: none).
        batch_norm: batch-normalise the hidden layers (``bn_momentum``, ``bn_epsilon``).
        decay: None; a rate ``r``: ``alpha_0 / (1 + r * epoch)`` (``decay_every=k``: ``r *
            floor(epoch / k)``); or a function called the Coursera way, ``decay(alpha_0, epoch,
            decay_rate)``, such as ``update_lr`` (``decay_rate`` defaults to 1).
        X_dev, Y_dev: a dev set scored after every epoch; early_stopping: then stop after this
            many epochs without a lower dev cost and return the best epoch's parameters.
        standardize: None, ``"feature"`` or ``"channel"`` (fit ``nn.fit_standardizer`` on ``X``),
            or a fitted standardizer: the returned network holds it and takes raw inputs.
        seed: an int or Generator: the same seed gives a bit-for-bit identical run.
        print_cost: print the cost every ``print_every`` epochs (default: about 10 lines);
            progress: a tqdm bar (default: when ``print_cost``); dtype: float64 or float32
            (None: ``X``'s, float64 for integers), kept end to end.

    Returns:
        ``(parameters, history)``: the trained network (running statistics included), and
        per-epoch lists of floats: ``"cost"`` (the training cost with its L2 term and dropout,
        the batch costs' mean weighted by size), ``"learning_rate"``, and with a dev set
        ``"dev_cost"`` (no L2, no dropout) and ``"dev_accuracy"``. No timings: time the call.
        Raises FloatingPointError when the cost becomes NaN or infinite (alpha too large).
    """
    layers_dims = nn.check_layers_dims(layers_dims)
    learning_rate = _check_optimizer(optimizer, learning_rate, beta, beta1, beta2, epsilon)
    schedule = _learning_rate_schedule(learning_rate, decay, decay_rate, decay_every)
    step = _check_step_options(lambd, keep_prob, batch_norm, bn_momentum, bn_epsilon)
    X, Y, dev, standardizer = _prepare_inputs(X, Y, X_dev, Y_dev, layers_dims, dtype, standardize)
    batch_size = _check_batch_size(mini_batch_size, X.shape[1], batch_norm)
    report = _check_reporting(num_epochs, early_stopping, dev, print_cost, print_every, progress)

    parameters, step["rng"] = _initial_state(layers_dims, seed, batch_norm, X.dtype)
    update = _optimizer(optimizer, parameters, beta, beta1, beta2, epsilon)  # updates in place
    history, stopping = _new_history(dev is not None), _EarlyStopping(early_stopping)
    # Overflow in a diverging run gives inf/NaN: _check_finite raises one clear error for it.
    with report, np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(report.num_epochs):
            alpha = schedule(epoch)
            batches = _epoch_batches(X.shape[1], batch_size, step["rng"], batch_norm)
            cost = _train_epoch(X, Y, batches, parameters, update, alpha, step)
            _check_finite(cost, parameters, epoch, alpha)
            _record_epoch(history, cost, alpha, parameters, dev)
            report.epoch(history, epoch)
            if stopping.should_stop(history, parameters):
                report.early_stop(epoch, stopping.best_cost)
                break
    return _trained_network(stopping.parameters(parameters), standardizer), history


# The keyword arguments of model(): what a configuration of model_selection may set.
MODEL_OPTIONS = tuple(
    name for name, p in inspect.signature(model).parameters.items() if p.kind is p.KEYWORD_ONLY
)


# --------------------------------------------------------------------------------------------
# Saving and loading
# --------------------------------------------------------------------------------------------


def save_parameters(path, parameters, **metadata):
    """Save a network to ``path`` exactly (no suffix added): an ``.npz`` archive, no pickle.

    The arrays are stored under their own keys (an input standardizer too), with a format tag
    and ``metadata`` as JSON, so :func:`load_parameters` (or ``np.load``) reads them back bit for
    bit. The file is written to a temporary name first and then renamed: an interrupted save
    leaves no truncated file behind.

    Returns:
        the path written, a ``pathlib.Path``.
    """
    path = validation.check_path(path)
    nn.check_parameters(parameters)
    try:
        metadata_json = json.dumps(metadata, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"metadata must be JSON-serialisable (no NaN, no sets): {error}") from None
    if path.exists() and not path.is_file():
        raise ValueError(f"path '{path}' exists and is not a regular file (a directory?)")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save to '{path}': the directory does not exist")
    arrays = {f"param:{key}": value for key, value in parameters.items()}
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as f:
            temporary = Path(f.name)
            np.savez(f, __format__=np.array(_FILE_FORMAT), __metadata__=np.array(metadata_json),
                     **arrays)  # fmt: skip
        os.replace(temporary, path)
    except OSError as error:  # a name too long, a full disk, no permission
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise ValueError(f"cannot save to '{path}': {error}") from None
    return path


# What a damaged or foreign file can raise while NumPy reads it.
_UNREADABLE = (OSError, ValueError, EOFError, KeyError, NotImplementedError, RuntimeError,
               zipfile.BadZipFile, zlib.error, UnicodeDecodeError)  # fmt: skip


def _read_archive(path):
    """The arrays of the ``.npz`` file at ``path``, or ValueError saying why they cannot be."""
    with open(path, "rb") as f:  # our own handle, closed even when NumPy gives up half-way
        data = np.load(f, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not a .npz archive")
        with data:
            return {key: data[key] for key in data.files}


def _no_constants(name):
    raise ValueError(f"the metadata holds {name}, which save_parameters never writes")


def load_parameters(path):
    """Load a network saved by :func:`save_parameters`.

    Returns:
        ``(parameters, metadata)``.

    Raises:
        FileNotFoundError: no such file. ValueError: not a readable file of ``save_parameters``
        (another kind of file, a truncated or corrupted one, or one holding no valid network).
    """
    path = validation.check_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no saved parameters at '{path}' (save them with save_parameters)")
    foreign = f"'{path}' is not a readable parameters file written by save_parameters"
    try:
        contents = _read_archive(path)
        fmt, metadata = contents.get("__format__"), contents.get("__metadata__")
        if fmt is None or str(fmt) != _FILE_FORMAT or metadata is None:
            raise ValueError(f"no '__format__' = '{_FILE_FORMAT}' entry")
        metadata = json.loads(str(metadata), parse_constant=_no_constants)
        if not isinstance(metadata, dict):
            raise ValueError("its metadata is not a JSON object")
    except _UNREADABLE as error:
        raise ValueError(f"{foreign}: {error}") from None
    parameters = {key[6:]: value for key, value in contents.items() if key.startswith("param:")}
    try:
        nn.check_parameters(parameters)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{foreign}: its network is not valid: {error}") from None
    return parameters, metadata


# --------------------------------------------------------------------------------------------
# Names that moved to their own modules in this release: still importable from here, for one
# release (see README, "What moved where").
# --------------------------------------------------------------------------------------------

_MOVED = {
    **dict.fromkeys(
        ("confusion_counts", "accuracy", "balanced_accuracy", "log_loss",
         "scores_from_probabilities", "evaluate", "random_search", "train_configuration",
         "sample_configuration", "format_trials", "DEFAULT_SEARCH_SPACE", "METRICS"),
        "model_selection",
    ),
    **dict.fromkeys(("main", "CAT_DEFAULTS"), "cat_cli"),
}  # fmt: skip


def __getattr__(name):
    """Forward a moved name to its new module (PEP 562), e.g. ``neural_net_optimized.evaluate``
    to ``model_selection.evaluate``."""
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    # `python -m neural_net_optimized` (what `make train` runs) is the cat command line.
    importlib.import_module("cat_cli").main()
