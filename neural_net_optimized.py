"""How to train the network of ``neural_network.py``: optimisers, mini-batches and one ``model()``.

The network's math (forward and backward passes, the cost) lives in ``neural_network``; this module
only decides *how to walk downhill*:

* plain gradient descent, ``theta <- theta - alpha * g``;
* momentum, an exponentially weighted average of the gradients, ``v <- beta v + (1 - beta) g``;
* RMSprop, which divides by the root of an average of squared gradients, ``s <- beta2 s +
  (1 - beta2) g^2``, ``theta <- theta - alpha g / (sqrt(s) + eps)``;
* Adam, momentum and RMSprop together with bias correction ``v_hat = v / (1 - beta1^t)``;
* learning-rate decay and mini-batches, and early stopping on a dev set.

Every optimiser state (``v``, ``s``) is a plain dict keyed like ``grads`` (``dW1``, ``db1``, ...).
No function modifies its arguments: updates return new dicts.

Run ``python -m neural_net_optimized --help`` to train on the cat images from the command line.
"""

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

import neural_network as nn

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
DEFAULT_LEARNING_RATES = {"gd": 0.0075, "momentum": 0.0075, "rmsprop": 0.001, "adam": 0.001}
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
    Y = nn.check_Y(Y, m=X.shape[1], dtype=Y.dtype if hasattr(Y, "dtype") else np.float64)
    _check_mini_batch_size(mini_batch_size)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    batches = mini_batch_indices(X.shape[1], mini_batch_size, rng)
    return [(X[:, idx], Y[:, idx]) for idx in batches]


# --------------------------------------------------------------------------------------------
# Optimisers. Each takes and returns plain dicts and never modifies its arguments.
# --------------------------------------------------------------------------------------------


def _check_update_inputs(parameters, grads, learning_rate, **state):
    """Check that there is a gradient (and an entry of each state dict) for every trainable key."""
    if not (isinstance(learning_rate, (int, float, np.number)) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    for key in nn.trainable_keys(parameters):
        for name, d in (("grads", grads), *state.items()):
            if f"d{key}" not in d:
                raise ValueError(f"{name} is missing 'd{key}' for the parameter '{key}'")
            if np.shape(d[f"d{key}"]) != np.shape(parameters[key]):
                raise ValueError(
                    f"{name}['d{key}'] has shape {np.shape(d[f'd{key}'])}, "
                    f"expected {np.shape(parameters[key])} like parameters['{key}']"
                )


def _check_decay_rate(name, value):
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")


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
    _step_all(rule, keys, parameters, grads, states, *hyperparameters)
    return parameters, states


def _zeros_like_grads(parameters):
    """A state dict of zeros, one entry ``d{key}`` per trainable key."""
    return {f"d{key}": np.zeros_like(parameters[key]) for key in nn.trainable_keys(parameters)}


def update_parameters_with_gd(parameters, grads, learning_rate, *, check_input=True):
    """One step of gradient descent: ``theta <- theta - learning_rate * d_theta``.

    Args:
        parameters: the network; grads: ``d{key}`` for every trainable key.

    Returns:
        the new parameters (the running statistics of batch norm are carried over unchanged).
    """
    if check_input:
        _check_update_inputs(parameters, grads, learning_rate)
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
        _check_update_inputs(parameters, grads, learning_rate, v=v)
        _check_decay_rate("beta", beta)
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
        _check_update_inputs(parameters, grads, learning_rate, s=s)
        _check_decay_rate("beta2", beta2)
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
        _check_update_inputs(parameters, grads, learning_rate, v=v, s=s)
        _check_decay_rate("beta1", beta1)
        _check_decay_rate("beta2", beta2)
        if not (isinstance(t, (int, np.integer)) and t >= 1):
            raise ValueError(f"t must be the update step count, an integer >= 1, got {t!r}")
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
    return learning_rate0 / (1.0 + decay_rate * epoch_num)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Scheduled inverse-time decay, every ``time_interval`` epochs.

    ``alpha = alpha_0 / (1 + decay_rate * floor(epoch / time_interval))``: the rate stays constant
    for ``time_interval`` epochs at a time instead of shrinking a little after each one.
    """
    return learning_rate0 / (1.0 + decay_rate * (epoch_num // time_interval))


def _learning_rate_schedule(learning_rate, decay, decay_every):
    """The function ``epoch -> learning rate`` that ``model()``'s ``decay`` arguments describe."""
    if decay is None:
        return lambda epoch: learning_rate
    if callable(decay):
        return lambda epoch: decay(learning_rate, epoch)
    if decay_every is None:
        return lambda epoch: update_lr(learning_rate, epoch, decay)
    return lambda epoch: schedule_lr_decay(learning_rate, epoch, decay, decay_every)


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def confusion_counts(Y, Y_pred):
    """``{"tp", "fp", "tn", "fn"}``: counts of (label, prediction) pairs, positive = cat = 1."""
    Y = nn.check_Y(Y, dtype=np.int64)
    Y_pred = nn.check_Y(Y_pred, m=Y.shape[1], name="Y_pred", dtype=np.int64)
    return {
        "tp": int(np.sum((Y == 1) & (Y_pred == 1))),
        "fp": int(np.sum((Y == 0) & (Y_pred == 1))),
        "tn": int(np.sum((Y == 0) & (Y_pred == 0))),
        "fn": int(np.sum((Y == 1) & (Y_pred == 0))),
    }


def accuracy(Y, Y_pred):
    """The fraction of correct predictions, ``(tp + tn) / m``."""
    c = confusion_counts(Y, Y_pred)
    return (c["tp"] + c["tn"]) / sum(c.values())


def balanced_accuracy(Y, Y_pred):
    """The mean of the recall of each class, ``(tp / (tp + fn) + tn / (tn + fp)) / 2``.

    A model that always answers the majority class scores 0.5 whatever the class balance, which
    makes this a fair score on the cat data, whose balance differs between train and test. A class
    absent from ``Y`` is left out of the mean.
    """
    c = confusion_counts(Y, Y_pred)
    recalls = [
        hit / (hit + miss) for hit, miss in ((c["tp"], c["fn"]), (c["tn"], c["fp"])) if hit + miss
    ]
    return sum(recalls) / len(recalls)


def log_loss(Y, probabilities):
    """Mean binary cross-entropy of predicted probabilities (the cost without its L2 term)."""
    return nn.compute_cost(np.asarray(probabilities), Y)


def scores_from_probabilities(Y, probabilities):
    """Every score of predicted probabilities ``(1, m)`` against the labels ``Y``, as a dict.

    Keys: ``accuracy``, ``balanced_accuracy``, ``log_loss``, ``tp``, ``fp``, ``tn``, ``fn``; the
    predicted class is ``1[p > 0.5]``, as in :func:`neural_network.predict`.
    """
    Y_pred = (probabilities > 0.5).astype(np.int64)
    return {
        "accuracy": accuracy(Y, Y_pred),
        "balanced_accuracy": balanced_accuracy(Y, Y_pred),
        "log_loss": log_loss(Y, probabilities),
        **confusion_counts(Y, Y_pred),
    }


def evaluate(X, Y, parameters):
    """Every score of ``parameters`` on ``(X, Y)``: see :func:`scores_from_probabilities`."""
    return scores_from_probabilities(Y, nn.predict_proba(X, parameters))


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


def _check_mini_batch_size(mini_batch_size):
    if mini_batch_size is None:
        return
    if isinstance(mini_batch_size, bool) or not isinstance(mini_batch_size, (int, np.integer)):
        raise TypeError(f"mini_batch_size must be an integer or None, got {mini_batch_size!r}")
    if mini_batch_size < 1:
        raise ValueError(
            f"mini_batch_size must be >= 1 (or None for full batch), got {mini_batch_size}"
        )


def _check_positive(name, value, kind=(int, float, np.number)):
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{name} must be positive, got {value}")


def _optimizer(name, parameters, beta, beta1, beta2, epsilon):
    """The in-place update ``step(grads, t, learning_rate)`` of ``parameters`` that model() uses.

    It applies the same ``*_step`` rules as the public ``update_parameters_with_*`` functions,
    in place, to the parameters model() owns; the state (``v``, ``s``, or for Adam the sums
    ``V``, ``S`` of :func:`adam_step`) lives in the closure.

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

    def step(grads, t, learning_rate):
        np.concatenate([grads[f"d{key}"].ravel() for key in small], out=flat_grad)
        gradients = {**{f"d{key}": grads[f"d{key}"] for key in large}, "dpacked": flat_grad}
        _step_all(rule, targets, targets, gradients, states, *hyperparameters(t, learning_rate))
        # Three passes over each large array: cheap every 16 steps, too dear at every one.
        if t % _FLUSH_EVERY == 0:
            for key in large:
                _flush_subnormals(targets[key])

    return step


class _Progress:
    """A one-line progress bar redrawn with a carriage return: works in terminals and Jupyter."""

    def __init__(self, total, enabled, stream=None, width=30, min_interval=0.2):
        self.total, self.enabled, self.width = total, enabled, width
        self.stream = stream or sys.stdout
        self.min_interval = min_interval
        self._last = -math.inf
        self._shown = False

    def update(self, epoch, cost, force=False):
        now = time.perf_counter()
        if not self.enabled or not (force or now - self._last >= self.min_interval):
            return
        self._last = now
        done = int(self.width * epoch / self.total)
        bar = "#" * done + "-" * (self.width - done)
        self.stream.write(f"\r[{bar}] epoch {epoch}/{self.total}  cost {cost:.6f}")
        self.stream.flush()
        self._shown = True

    def write(self, line):
        """Print a full line above the bar."""
        if self._shown:
            self.stream.write("\r" + " " * (self.width + 40) + "\r")
        print(line, file=self.stream, flush=True)
        self._shown = False

    def close(self, epoch, cost):
        if self.enabled:
            self.update(epoch, cost, force=True)
            self.stream.write("\n")
            self.stream.flush()


def model(
    X,
    Y,
    layers_dims,
    *,
    optimizer="adam",
    learning_rate=None,
    num_epochs=100,
    mini_batch_size=64,
    lambd=0.0,
    keep_prob=1.0,
    batch_norm=False,
    beta=0.9,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-8,
    decay=None,
    decay_every=None,
    X_dev=None,
    Y_dev=None,
    early_stopping=None,
    seed=0,
    print_cost=False,
    print_every=None,
    progress=None,
    dtype=None,
    bn_momentum=nn.BN_MOMENTUM,
    bn_epsilon=nn.BN_EPSILON,
):
    """Train an L-layer network ``[LINEAR -> (BN) -> RELU -> (DROPOUT)] * (L-1) -> SIGMOID``.

    Args:
        X: ``(n_x, m)`` training inputs; Y: ``(1, m)`` 0/1 labels.
        layers_dims: ``[n_x, n_1, ..., 1]``.
        optimizer: ``"gd"``, ``"momentum"``, ``"rmsprop"`` or ``"adam"``.
        learning_rate: the initial step size ``alpha_0``; None takes the optimiser's usual default
            (``DEFAULT_LEARNING_RATES``: 0.0075 for gd and momentum, 0.001 for RMSprop and Adam).
        num_epochs: passes over the training set.
        mini_batch_size: examples per update; None means full batch (one update per epoch).
        lambd: L2 strength of the cost ``J`` on the whole training set. A mini-batch of ``m_b``
            examples uses ``lambd * m_b / m``, so its gradient estimates the gradient of ``J``.
        keep_prob: dropout keep probability of the hidden units (1 = no dropout).
        batch_norm: batch-normalise the hidden layers.
        beta: momentum's ``beta``; beta1, beta2, epsilon: Adam's (RMSprop uses beta2 and epsilon).
        decay: learning-rate decay: None; a number ``r`` for inverse-time decay
            ``alpha_0 / (1 + r * epoch)`` (with ``decay_every=k``: ``r * floor(epoch / k)``);
            or a function ``(alpha_0, epoch) -> alpha``.
        X_dev, Y_dev: a dev set, scored after every epoch (``history["dev_cost"]`` and
            ``history["dev_accuracy"]``).
        early_stopping: with a dev set, stop after this many epochs without a lower dev cost and
            return the parameters of the best epoch.
        seed: makes the run bit-for-bit repeatable (initialisation, shuffling and dropout).
        print_cost: print the cost every ``print_every`` epochs (default: about 10 lines a run).
        progress: show a progress bar with the current cost (default: when ``print_cost``).
        dtype: ``np.float64`` or ``np.float32``; None keeps a floating ``X``'s dtype (float64
            otherwise). Parameters, optimiser state and caches all stay in this dtype.
        bn_momentum, bn_epsilon: batch norm's running-average momentum and variance epsilon.

    Returns:
        ``(parameters, history)``: the trained network (batch norm's running statistics
        included, all ``predict`` needs), and a dict of per-epoch lists: ``"cost"`` (training
        cost, the mean over the epoch's mini-batches weighted by their size), ``"learning_rate"``
        and, with a dev set, ``"dev_cost"`` and ``"dev_accuracy"``. It holds no timings, so the
        same seed and arguments give a bit-for-bit identical history; time the call instead.

    Raises:
        FloatingPointError: if the cost becomes NaN or infinite (the learning rate is too large).
    """
    # --- validate everything once, before any work ---
    layers_dims = nn.check_layers_dims(layers_dims)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if learning_rate is None:
        learning_rate = DEFAULT_LEARNING_RATES[optimizer]
    _check_positive("learning_rate", learning_rate)
    _check_positive("num_epochs", num_epochs, kind=(int, np.integer))
    _check_mini_batch_size(mini_batch_size)
    lambd = nn.check_lambd(lambd)
    keep_prob = nn.check_keep_prob(keep_prob)
    _check_decay_rate("beta", beta)
    _check_decay_rate("beta1", beta1)
    _check_decay_rate("beta2", beta2)
    _check_positive("epsilon", epsilon)
    if not (decay is None or callable(decay)) and (
        isinstance(decay, bool) or not isinstance(decay, (int, float)) or decay < 0
    ):
        raise ValueError(f"decay must be None, a rate >= 0 or a function, got {decay!r}")
    if decay_every is not None:
        _check_positive("decay_every", decay_every, kind=(int, np.integer))
    X = nn.check_X(X, n_x=layers_dims[0])
    if dtype is not None:
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"dtype must be a floating dtype such as np.float32, got {dtype}")
    dtype = X.dtype if dtype is None else dtype
    m = X.shape[1]
    Y = nn.check_Y(Y, m=m, dtype=dtype)
    has_dev = X_dev is not None or Y_dev is not None
    if has_dev:
        if X_dev is None or Y_dev is None:
            raise ValueError("give both X_dev and Y_dev, or neither")
        X_dev = np.asfortranarray(nn.check_X(X_dev, n_x=layers_dims[0], name="X_dev"), dtype)
        Y_dev = nn.check_Y(Y_dev, m=X_dev.shape[1], name="Y_dev", dtype=dtype)
    if early_stopping is not None:
        _check_positive("early_stopping", early_stopping, kind=(int, np.integer))
        if not has_dev:
            raise ValueError("early_stopping needs a dev set: pass X_dev and Y_dev")
    if print_every is None:
        print_every = max(1, num_epochs // 10)
    _check_positive("print_every", print_every, kind=(int, np.integer))

    # --- set up ---
    init_seed, train_seed = np.random.SeedSequence(seed).spawn(2)
    parameters = nn.initialize_parameters_he(
        layers_dims, seed=np.random.default_rng(init_seed), batch_norm=batch_norm, dtype=dtype
    )
    rng = np.random.default_rng(train_seed)
    update = _optimizer(optimizer, parameters, beta, beta1, beta2, epsilon)  # updates in place
    t = 0  # update steps so far: Adam's bias correction counts mini-batches, not epochs
    schedule = _learning_rate_schedule(learning_rate, decay, decay_every)
    batch_size = m if mini_batch_size is None else mini_batch_size
    # Memory layout: Fortran order, one contiguous column per example. Gathering a mini-batch's
    # columns is then ~4x faster than from C order, the batch comes out in Fortran order too,
    # and X.T is C-contiguous, the layout in which BLAS runs both of the first layer's products
    # fastest (W1 X, computed as (X^T W1^T)^T, and dZ1 X^T).
    full_batch = batch_size >= m
    X = np.asfortranarray(X, dtype=dtype)  # one copy at most: layout and dtype together
    history = {"cost": [], "learning_rate": []}
    if has_dev:
        history.update(dev_cost=[], dev_accuracy=[])
    best_dev_cost, best_parameters = math.inf, None
    epochs_without_improvement = 0
    bar = _Progress(num_epochs, print_cost if progress is None else progress)

    # --- train ---
    # Overflowing products of a diverging run produce inf/NaN; we detect that through the cost
    # and raise one clear error instead of letting NumPy print warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(num_epochs):
            alpha = schedule(epoch)
            epoch_cost = 0.0
            batches = [slice(None)] if full_batch else mini_batch_indices(m, batch_size, rng)
            for idx in batches:
                X_batch, Y_batch = X[:, idx], Y[:, idx]
                m_batch = Y_batch.shape[1]
                batch_lambd = lambd * m_batch / m
                AL, caches = nn.forward_propagation(
                    X_batch,
                    parameters,
                    keep_prob,
                    rng=rng,
                    bn_momentum=bn_momentum,
                    bn_epsilon=bn_epsilon,
                    check_input=False,
                )
                cost = nn.compute_cost(AL, Y_batch, parameters, batch_lambd, check_input=False)
                # Batch norm's running statistics are not part of the training cost, so they are
                # watched too: they can overflow while the cost, using batch statistics, is fine.
                running = caches["running_stats"].values()
                if not (math.isfinite(cost) and all(np.isfinite(r).all() for r in running)):
                    bar.close(epoch, cost)
                    raise FloatingPointError(
                        f"the training cost (or batch norm's running statistics) became "
                        f"non-finite (cost {cost}) in epoch {epoch}: the learning rate {alpha:g} "
                        "is probably too large; try a smaller one"
                    )
                epoch_cost += cost * m_batch
                grads = nn.backward_propagation(
                    AL, Y_batch, caches, batch_lambd, keep_prob, check_input=False
                )
                parameters.update(caches["running_stats"])
                t += 1
                update(grads, t, alpha)
            epoch_cost /= m
            history["cost"].append(epoch_cost)
            history["learning_rate"].append(alpha)
            message = f"Cost after epoch {epoch}: {epoch_cost:.6f}"
            if has_dev:
                dev_probabilities = nn.predict_proba(X_dev, parameters, check_input=False)
                dev_cost = nn.compute_cost(dev_probabilities, Y_dev, check_input=False)
                dev_acc = float(np.mean((dev_probabilities > 0.5) == Y_dev))
                history["dev_cost"].append(dev_cost)
                history["dev_accuracy"].append(dev_acc)
                message += f", dev cost {dev_cost:.6f}, dev accuracy {dev_acc:.3f}"
                if dev_cost < best_dev_cost:
                    best_dev_cost, epochs_without_improvement = dev_cost, 0
                    if early_stopping is not None:
                        # The optimiser updates the arrays in place: keep a copy of the best.
                        best_parameters = {key: value.copy() for key, value in parameters.items()}
                else:
                    epochs_without_improvement += 1
            if print_cost and (epoch % print_every == 0 or epoch == num_epochs - 1):
                bar.write(message)
            bar.update(epoch + 1, epoch_cost)
            if early_stopping is not None and epochs_without_improvement >= early_stopping:
                if print_cost:
                    bar.write(
                        f"Early stopping after epoch {epoch}: best dev cost {best_dev_cost:.6f}"
                    )
                break
    bar.close(len(history["cost"]), history["cost"][-1])
    if early_stopping is not None:
        parameters = best_parameters
    if not all(np.isfinite(value).all() for value in parameters.values()):
        raise FloatingPointError(
            "the parameters became non-finite during training: the learning rate is probably "
            "too large; try a smaller one"
        )
    # Arrays of their own for the caller, not views into the optimiser's packed buffer.
    return {key: np.array(value) for key, value in parameters.items()}, history


# --------------------------------------------------------------------------------------------
# Saving and loading
# --------------------------------------------------------------------------------------------


def save_parameters(path, parameters, **metadata):
    """Save a network to a ``.npz`` file (no pickle), with JSON-serialisable ``metadata``.

    The arrays are stored under their own keys, plus a format tag and the metadata as JSON, so the
    file can be read back by :func:`load_parameters` (or by ``np.load``) bit for bit.
    """
    nn.check_parameters(parameters)
    try:
        metadata_json = json.dumps(metadata)
    except TypeError as error:
        raise TypeError(f"metadata must be JSON-serialisable: {error}") from None
    arrays = {f"param:{key}": np.asarray(value) for key, value in parameters.items()}
    np.savez(
        path, __format__=np.array(_FILE_FORMAT), __metadata__=np.array(metadata_json), **arrays
    )


def load_parameters(path):
    """Load a network saved by :func:`save_parameters`.

    Returns:
        ``(parameters, metadata)``.

    Raises:
        FileNotFoundError: no such file. ValueError: not a file written by ``save_parameters``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no saved parameters at '{path}' (save them with save_parameters)")
    foreign = f"'{path}' is not a parameters file written by save_parameters"
    try:
        data = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"{foreign}: {error}") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(f"{foreign} (it holds a single array, not a .npz archive)")
    with data:
        contents = {key: data[key] for key in data.files}
    if contents.get("__format__") is None or str(contents["__format__"]) != _FILE_FORMAT:
        raise ValueError(f"{foreign} (no '__format__' = '{_FILE_FORMAT}' entry)")
    parameters = {
        key.removeprefix("param:"): value for key, value in contents.items() if key[:6] == "param:"
    }
    nn.check_parameters(parameters)
    return parameters, json.loads(str(contents["__metadata__"]))


# --------------------------------------------------------------------------------------------
# Hyperparameter search
# --------------------------------------------------------------------------------------------


def _log_uniform(low, high):
    """A sampler for values spread evenly in ``log(value)`` between ``low`` and ``high``."""
    return lambda rng, config: float(np.exp(rng.uniform(np.log(low), np.log(high))))


def _learning_rate_for(config_optimizer_ranges):
    """A learning-rate sampler whose range depends on the optimiser already drawn."""

    def sample(rng, config):
        low, high = config_optimizer_ranges[config["optimizer"]]
        return _log_uniform(low, high)(rng, config)

    return sample


# Each entry is a list to choose from uniformly, or a function ``(rng, config_so_far) -> value``;
# entries are drawn in this order, so a function can depend on the ones before it.
DEFAULT_SEARCH_SPACE = {
    "hidden": [(7,), (16,), (20, 7, 5), (32, 8), (64, 16)],
    "optimizer": ["adam", "rmsprop", "momentum"],
    "learning_rate": _learning_rate_for(
        {
            "gd": (3e-3, 3e-2),
            "momentum": (3e-3, 3e-2),
            "rmsprop": (5e-5, 2e-3),
            "adam": (5e-5, 2e-3),
        }
    ),
    "lambd": [0.0, 0.1, 0.5, 1.0, 3.0, 10.0],
    "keep_prob": [1.0, 1.0, 0.9, 0.8],
    "batch_norm": [False, True],
    "mini_batch_size": [16, 32, 64],
    "num_epochs": [20, 40, 80, 120],
}

METRICS = {"log_loss": False, "balanced_accuracy": True, "accuracy": True}  # higher is better?


def sample_configuration(space, rng):
    """Draw one configuration (a dict of ``model()`` arguments plus ``hidden``) from ``space``."""
    config = {}
    for name, choices in space.items():
        if callable(choices):
            config[name] = choices(rng, config)
        else:
            choice = choices[rng.integers(len(choices))]
            config[name] = choice.item() if isinstance(choice, np.generic) else choice
    return config


def train_configuration(X, Y, config, *, seed=0, augment=None, **kwargs):
    """Train ``model()`` with a configuration from :func:`sample_configuration`.

    ``config["hidden"]`` gives the hidden layer sizes; ``augment(X, Y) -> (X, Y)``, if given, is
    applied to the training data first (for example ``cat_data.augment_with_flips``).
    """
    config = dict(config)
    hidden = tuple(config.pop("hidden", ()))
    if augment is not None:
        X, Y = augment(X, Y)
    return model(X, Y, [X.shape[0], *hidden, 1], seed=seed, **config, **kwargs)


def _score_configuration(X, Y, config, splits, seed, augment, dtype):
    """Score ``config`` on the held-out columns of ``splits``, pooled, or say why it is rejected.

    Returns:
        ``(scores, None)`` or ``(None, reason)``.
    """
    probabilities = np.full(Y.shape, np.nan)
    for train_idx, dev_idx in splits:
        try:
            parameters, _ = train_configuration(
                X[:, train_idx], Y[:, train_idx], config, seed=seed, augment=augment, dtype=dtype
            )
        except FloatingPointError:
            return None, "diverged"
        fold_probabilities = nn.predict_proba(X[:, dev_idx], parameters, check_input=False)
        if len(np.unique(fold_probabilities > 0.5)) < 2:
            return None, "predicts a single class"
        probabilities[:, dev_idx] = fold_probabilities
    held_out = np.concatenate([dev_idx for _, dev_idx in splits])
    return scores_from_probabilities(Y[:, held_out], probabilities[:, held_out]), None


def random_search(
    X,
    Y,
    *,
    n_trials=20,
    space=None,
    cv=5,
    X_dev=None,
    Y_dev=None,
    metric="log_loss",
    augment=None,
    seed=0,
    refit=True,
    dtype=None,
    verbose=False,
):
    """Random search over ``model()``'s hyperparameters, scored by cross-validation or a dev set.

    Each trial draws a configuration from ``space`` (default ``DEFAULT_SEARCH_SPACE``: learning
    rate, ``lambd``, ``keep_prob``, hidden layers, optimiser, batch norm, mini-batch size and
    epochs), trains it, and scores its predictions on data it was not trained on:

    * with ``X_dev, Y_dev``: on that dev set;
    * otherwise by stratified ``cv``-fold cross-validation on ``(X, Y)``: every example is
      predicted once by a model trained without it, and the pooled predictions are scored. With
      only ~40 dev images in a split of the cat data, this is much less noisy than one dev set.

    A configuration is rejected if it diverges or if, on any split, it predicts a single class
    (a majority-class model is useless however its accuracy looks). The rest are ranked by
    ``metric``: ``"log_loss"`` (lower is better) or ``"balanced_accuracy"``, neither of which a
    majority-class model can win. ``augment`` is applied to each training part only, never to the
    data a configuration is scored on.

    Returns:
        a dict with ``"trials"`` (a list of dicts, one per trial, best first, rejected last:
        the configuration, ``log_loss``, ``balanced_accuracy``, ``accuracy``, ``rejected``,
        ``seconds``), ``"best_config"``, and with ``refit``, ``"parameters"`` and ``"history"``
        of the best configuration retrained on all of ``(X, Y)``.
    """
    import cat_data  # the stratified folds; imported here so that model() needs no h5py

    if metric not in METRICS:
        raise ValueError(f"metric must be one of {tuple(METRICS)}, got {metric!r}")
    _check_positive("n_trials", n_trials, kind=(int, np.integer))
    X = nn.check_X(X)
    Y = nn.check_Y(Y, m=X.shape[1])
    if (X_dev is None) != (Y_dev is None):
        raise ValueError("give both X_dev and Y_dev, or neither")
    if X_dev is None:
        splits = cat_data.stratified_k_folds(Y, k=cv, seed=seed)
        X_all, Y_all = X, Y
    else:
        X_dev = nn.check_X(X_dev, n_x=X.shape[0], name="X_dev")
        Y_dev = nn.check_Y(Y_dev, m=X_dev.shape[1], name="Y_dev")
        X_all = np.concatenate([X, X_dev.astype(X.dtype, copy=False)], axis=1)
        Y_all = np.concatenate([Y, Y_dev], axis=1)
        splits = [(np.arange(X.shape[1]), np.arange(X.shape[1], X_all.shape[1]))]
    space = DEFAULT_SEARCH_SPACE if space is None else space
    rng = np.random.default_rng(seed)
    trials = []
    for trial in range(n_trials):
        config = sample_configuration(space, rng)
        start = time.perf_counter()
        scores, rejected = _score_configuration(X_all, Y_all, config, splits, seed, augment, dtype)
        if rejected is not None:
            scores = dict.fromkeys(METRICS, math.nan)
        trials.append(
            {
                "trial": trial,
                **config,
                **scores,
                "rejected": rejected,
                "seconds": time.perf_counter() - start,
            }
        )
        if verbose:
            print(format_trials(trials[-1:], header=trial == 0), flush=True)
    sign = -1.0 if METRICS[metric] else 1.0
    trials.sort(key=lambda t: (t["rejected"] is not None, sign * np.nan_to_num(t[metric])))
    if trials[0]["rejected"] is not None:
        raise RuntimeError("every configuration was rejected; widen the search space")
    best_config = {key: trials[0][key] for key in space}
    result = {"trials": trials, "best_config": best_config}
    if refit:
        result["parameters"], result["history"] = train_configuration(
            X, Y, best_config, seed=seed, augment=augment, dtype=dtype
        )
    return result


def format_trials(trials, top=None, header=True):
    """Render search trials as a plain-text table (the first ``top`` rows)."""
    columns = [
        ("trial", "{:>5}"),
        ("hidden", "{:>12}"),
        ("optimizer", "{:>9}"),
        ("learning_rate", "{:>8.2e}"),
        ("lambd", "{:>5g}"),
        ("keep_prob", "{:>4g}"),
        ("batch_norm", "{!s:>5}"),
        ("mini_batch_size", "{!s:>4}"),
        ("num_epochs", "{:>5}"),
        ("log_loss", "{:>8.4f}"),
        ("balanced_accuracy", "{:>7.3f}"),
        ("accuracy", "{:>6.3f}"),
        ("rejected", "{!s:>8}"),
    ]
    titles = "trial hidden optimizer lr lambd keep bn batch epochs logloss bal_acc acc rejected"
    widths = [5, 12, 9, 8, 5, 4, 5, 4, 5, 8, 7, 6, 8]
    lines = []
    if header:
        lines.append("  ".join(t.rjust(w) for t, w in zip(titles.split(), widths, strict=True)))
    for trial in trials[:top]:
        cells = []
        for (name, fmt), width in zip(columns, widths, strict=True):
            value = trial.get(name)
            if name == "hidden" and value is not None:
                value = "-".join(map(str, value))
            # A column the search space did not vary (or an empty "rejected") stays blank.
            cells.append(" " * width if value is None else fmt.format(value))
        lines.append("  ".join(cells))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The command line: train on the cat images
# --------------------------------------------------------------------------------------------

# The CLI's defaults: the configuration that the seeded random search of the notebook (section 7:
# 4-fold cross-validation on the 209 training images, balanced accuracy, mirrored and
# class-balanced training folds) chose. The test set played no part in choosing it.
CAT_DEFAULTS = {
    "hidden": (16,),
    "optimizer": "momentum",
    "learning_rate": 0.005061495420568447,
    "num_epochs": 40,
    "mini_batch_size": 16,
    "lambd": 3.0,
    "keep_prob": 0.9,
    "batch_norm": False,
    "augment": "balanced-flips",
}


# --augment choice -> the cat_data function applied to the training part.
_AUGMENTATIONS = {
    "none": None,
    "flips": "augment_with_flips",
    "balanced-flips": "augment_balanced_flips",
}


def _parse_args(argv):
    import argparse

    d = CAT_DEFAULTS
    parser = argparse.ArgumentParser(
        prog="python -m neural_net_optimized",
        description="Train the L-layer network on the cat vs non-cat images and report train, "
        "dev and test accuracy. Flags mirror model()'s keyword arguments; the defaults are the "
        "configuration chosen on the dev split.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    arg = parser.add_argument
    arg("--hidden", default=",".join(map(str, d["hidden"])), help="hidden layer sizes, e.g. 20,7,5")
    arg("--optimizer", choices=OPTIMIZERS, default=d["optimizer"])
    arg("--learning-rate", type=float, default=d["learning_rate"])
    arg("--num-epochs", type=int, default=d["num_epochs"])
    arg("--mini-batch-size", type=int, default=d["mini_batch_size"], help="0 means full batch")
    arg("--lambd", type=float, default=d["lambd"], help="L2 strength")
    arg("--keep-prob", type=float, default=d["keep_prob"], help="dropout keep probability")
    arg("--batch-norm", action=argparse.BooleanOptionalAction, default=d["batch_norm"])
    arg("--beta", type=float, default=0.9, help="momentum")
    arg("--beta1", type=float, default=0.9)
    arg("--beta2", type=float, default=0.999)
    arg("--epsilon", type=float, default=1e-8)
    arg("--decay", type=float, default=None, help="inverse-time learning-rate decay rate")
    arg("--decay-every", type=int, default=None, help="apply the decay every k epochs")
    arg("--early-stopping", type=int, default=None, help="patience in epochs (uses the dev set)")
    arg("--seed", type=int, default=0)
    arg("--dtype", choices=("float64", "float32"), default="float64")
    arg("--dev-fraction", type=float, default=0.2, help="part of the training images kept for dev")
    arg(
        "--augment",
        choices=tuple(_AUGMENTATIONS),
        default=d["augment"],
        help="training-set augmentation: none, mirrored copies, or mirrored copies with the cats "
        "repeated until both classes are equally frequent",
    )
    arg("--data-dir", default=None, help="directory with the .h5 files (default: datasets/)")
    arg("--output-dir", default="outputs", help="where the parameters and cost curve go")
    arg("--print-cost", action=argparse.BooleanOptionalAction, default=True)
    return parser.parse_args(argv)


def _plot_history(history, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(history["cost"], label="training cost")
    if "dev_cost" in history:
        ax.plot(history["dev_cost"], label="dev cost")
    ax.set(xlabel="epoch", ylabel="cross-entropy cost", title=title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    """Train on the cat data with the flags of ``--help``; print and save the results."""
    import cat_data

    args = _parse_args(argv)
    hidden = tuple(int(n) for n in args.hidden.split(",") if n.strip())
    train_x, train_y, test_x, test_y, _ = cat_data.load_cat_data(args.data_dir)
    dtype = np.dtype(args.dtype)
    X, X_test = (
        cat_data.flatten_and_scale(train_x, dtype),
        cat_data.flatten_and_scale(test_x, dtype),
    )
    X_train, Y_train, X_dev, Y_dev = cat_data.train_dev_split(
        X, train_y, dev_fraction=args.dev_fraction, seed=args.seed
    )
    augment = _AUGMENTATIONS[args.augment]
    X_fit, Y_fit = getattr(cat_data, augment)(X_train, Y_train) if augment else (X_train, Y_train)
    config = {
        "optimizer": args.optimizer,
        "learning_rate": args.learning_rate,
        "num_epochs": args.num_epochs,
        "mini_batch_size": args.mini_batch_size or None,
        "lambd": args.lambd,
        "keep_prob": args.keep_prob,
        "batch_norm": args.batch_norm,
        "beta": args.beta,
        "beta1": args.beta1,
        "beta2": args.beta2,
        "epsilon": args.epsilon,
        "decay": args.decay,
        "decay_every": args.decay_every,
        "early_stopping": args.early_stopping,
        "seed": args.seed,
    }
    layers_dims = [X.shape[0], *hidden, 1]
    print(
        f"Training {layers_dims} on {X_fit.shape[1]} columns: {X_train.shape[1]} training images, "
        f"augmentation '{args.augment}'; {X_dev.shape[1]} dev images"
    )
    start = time.perf_counter()
    parameters, history = model(
        X_fit,
        Y_fit,
        layers_dims,
        X_dev=X_dev,
        Y_dev=Y_dev,
        print_cost=args.print_cost,
        dtype=dtype,
        **config,
    )
    seconds = time.perf_counter() - start
    results = {}
    print(f"\nTrained {len(history['cost'])} epochs in {seconds:.1f} s")
    print(f"{'set':<6}{'m':>5}{'cats':>7}{'majority':>10}{'accuracy':>10}{'balanced':>10}")
    for name, (X_set, Y_set) in {
        "train": (X_train, Y_train),
        "dev": (X_dev, Y_dev),
        "test": (X_test, test_y),
    }.items():
        scores = evaluate(X_set, Y_set, parameters)
        cats = float(np.mean(Y_set))
        results[name] = scores
        print(
            f"{name:<6}{Y_set.shape[1]:>5}{cats:>7.0%}{max(cats, 1 - cats):>10.3f}"
            f"{scores['accuracy']:>10.3f}{scores['balanced_accuracy']:>10.3f}"
        )
    output = Path(args.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    metadata = {
        "layers_dims": layers_dims,
        **{k: v for k, v in config.items()},
        "dtype": args.dtype,
        "augment": args.augment,
        "train_seconds": seconds,
        "accuracy": {name: scores["accuracy"] for name, scores in results.items()},
    }
    save_parameters(output / "cat_model.npz", parameters, **metadata)
    _plot_history(history, output / "cost_curve.png", f"{layers_dims}, {args.optimizer}")
    print(f"Saved {output / 'cat_model.npz'} and {output / 'cost_curve.png'}")
    return results


if __name__ == "__main__":
    main()
